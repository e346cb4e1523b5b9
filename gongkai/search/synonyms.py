"""The synonym and everyday-phrase dictionary as the query analyser uses it.

Staff edit Synonym rows in the back office; every process notices a change within a second (the
dictionary is reloaded when the rows' count or latest update time changes), so no deploy is needed.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass

from django.db.models import Count, Max

from gongkai.search import text
from gongkai.search.models import Synonym

CHECK_EVERY = 1.0  # seconds between checks of the dictionary's version


@dataclass(frozen=True)
class Match:
    start: int
    end: int
    term: str
    alternatives: tuple[str, ...]  # other ways to say it (the term itself excluded)


class SynonymDictionary:
    """Maps a normalized term to the other ways of saying it; finds terms in a query, longest first."""

    def __init__(self, pairs: list[tuple[str, list[str], bool]]) -> None:
        self.table: dict[str, list[str]] = {}
        for term, equivalents, two_way in pairs:
            term = text.normalize(term)
            equivalents = [text.normalize(e) for e in equivalents if text.normalize(e)]
            if not term or not equivalents:
                continue
            self._add(term, equivalents)
            if two_way:
                for eq in equivalents:
                    self._add(eq, [term] + [e for e in equivalents if e != eq])
        self.longest = max((len(t) for t in self.table), default=0)

    def _add(self, term: str, others: list[str]) -> None:
        known = self.table.setdefault(term, [])
        known.extend(o for o in others if o != term and o not in known)

    def alternatives(self, term: str) -> list[str]:
        return self.table.get(text.normalize(term), [])

    def find(self, query: str) -> list[Match]:
        """Non-overlapping dictionary terms in `query`, scanning left to right and preferring the longest."""
        found, i = [], 0
        while i < len(query):
            for size in range(min(self.longest, len(query) - i), 0, -1):
                piece = query[i:i + size]
                if piece in self.table:
                    found.append(Match(i, i + size, piece, tuple(self.table[piece])))
                    i += size
                    break
            else:
                i += 1
        return found

    def terms(self) -> list[str]:
        return list(self.table)


_cache: dict[str, object] = {"version": None, "checked": 0.0, "dictionary": SynonymDictionary([])}
_lock = threading.Lock()


def dictionary() -> SynonymDictionary:
    """The current dictionary of enabled entries (reloaded when staff change it)."""
    now = time.monotonic()
    if now - _cache["checked"] < CHECK_EVERY:
        return _cache["dictionary"]
    with _lock:
        version = Synonym.objects.aggregate(n=Count("id"), at=Max("updated_at"))
        version = (version["n"], version["at"])
        if version != _cache["version"]:
            rows = Synonym.objects.filter(enabled=True).values_list("term", "equivalents", "two_way")
            pairs = [(term, Synonym(equivalents=eq).equivalent_list(), two_way) for term, eq, two_way in rows]
            _cache["dictionary"] = SynonymDictionary(pairs)
            _cache["version"] = version
        _cache["checked"] = now
        return _cache["dictionary"]


def reset_cache() -> None:
    """Forget the cached dictionary (tests change rows and want the next query to see them at once)."""
    with _lock:
        _cache.update(version=None, checked=0.0)
