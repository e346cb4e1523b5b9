"""The anonymised search log: how often each query was searched per day and how many it found, and
which (hashed) clients searched a query that found public documents, for hot searches.

Searches are counted in memory and written in one transaction at most every
GONGKAI_SEARCH_LOG_FLUSH_SECONDS (and when a server process exits), so a search does not wait for a
database write; at worst a process killed outright loses the last few seconds of counts.
"""

from __future__ import annotations

import atexit
import datetime as dt
import logging
import re
import threading
import time
from dataclasses import dataclass

from django.conf import settings
from django.db import DatabaseError, IntegrityError, transaction
from django.db.models import F, Sum
from django.utils import timezone
from django.utils.crypto import salted_hmac

from gongkai.search import text
from gongkai.search.models import SearchQueryClient, SearchQueryStat

log = logging.getLogger(__name__)

# Personal numbers as people type them, also inside longer queries and split by spaces or dashes (after
# normalize: full-width digits and separators folded, X lower-cased): an 18-character resident id number
# (the last may be x), an 11-digit mobile number (optionally after +86), then any other run of 7 or more
# digits (landlines, bank cards, ids of other kinds).
_SEP = r"[ \-]?"
_RESIDENT_ID = re.compile(rf"(?<![\dx])\d(?:{_SEP}\d){{16}}{_SEP}[\dx](?![\dx])")
_MOBILE = re.compile(rf"(?<!\d)(?:(?:\+|00)?86{_SEP})?1[3-9]\d{_SEP}\d{{4}}{_SEP}\d{{4}}(?!\d)")
_LONG_DIGITS = re.compile(r"\d{7,}[\dx]?")
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+\.[\w.]+")


def anonymise(query: str, limit: int = 100) -> str:
    """The query as it may be stored: normalized, with resident id numbers, mobile numbers, e-mail addresses
    and other long digit runs masked as ＊ (before the cut to `limit` characters, so no number is stored half
    masked); a query that is only a public index number is kept."""
    return _masked(query, limit)[1]


def anonymise_as_typed(query: str, limit: int = 100) -> str:
    """The query as typed (only its spaces tidied), with what anonymise masks masked in the same places: for
    staff to read it in the resident's own words (Ａ４, ＥＴＣ, ？)."""
    return _masked(query, limit)[0]


def _masked(query: str, limit: int) -> tuple[str, str]:
    """(as typed, normalized), both masked alike and cut to `limit` characters."""
    typed = " ".join((query or "").split())
    # fold keeps one character for one, so a match in the folded text is the same span of the typed text.
    folded = text.fold(typed)
    if text.index_no_key(folded[:limit]):
        return typed[:limit], folded[:limit]
    for pattern in (_EMAIL, _RESIDENT_ID, _MOBILE, _LONG_DIGITS):
        shown, kept, last = [], [], 0
        for match in pattern.finditer(folded):
            shown += [typed[last:match.start()], "＊"]
            kept += [folded[last:match.start()], "＊"]
            last = match.end()
        typed, folded = "".join(shown) + typed[last:], "".join(kept) + folded[last:]
    return typed[:limit], folded[:limit]


@dataclass
class _Tally:
    searches: int = 0
    zero_results: int = 0
    last_count: int = 0


def _write(day: dt.date, query: str, tally: _Tally) -> None:
    changes = {"searches": F("searches") + tally.searches, "zero_results": F("zero_results") + tally.zero_results,
               "last_count": tally.last_count}
    if SearchQueryStat.objects.filter(day=day, query=query).update(**changes):
        return
    try:
        with transaction.atomic():
            SearchQueryStat.objects.create(day=day, query=query, searches=tally.searches,
                                           zero_results=tally.zero_results, last_count=tally.last_count)
    except IntegrityError:  # another process created the row meanwhile
        SearchQueryStat.objects.filter(day=day, query=query).update(**changes)


class SearchLog:
    """Counts searches in memory and writes them in batches (thread-safe)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._pending: dict[tuple[dt.date, str], _Tally] = {}
        self._clients: dict[tuple[str, str], dt.date] = {}
        self._flushed = time.monotonic()
        self._pruned: dt.date | None = None

    def add(self, query: str, count: int, client: str = "", found_as: str = "") -> None:
        """Count one search of `query` that found `count` documents; when it found some, also note that
        `client` (a client_key) searched `found_as` (the query as searched, after any correction).
        Never fails the search."""
        q = anonymise(query)
        if not q:
            return
        found = anonymise(found_as or query) if count and client else ""
        with self._lock:
            day = timezone.localdate()
            tally = self._pending.setdefault((day, q), _Tally())
            tally.searches += 1
            tally.zero_results += count == 0
            tally.last_count = count
            if found:
                self._clients[(found, client)] = day
            due = time.monotonic() - self._flushed >= settings.GONGKAI_SEARCH_LOG_FLUSH_SECONDS
        if due:
            self.flush()

    def flush(self) -> None:
        """Write what has been counted so far (kept for the next flush if the database refuses)."""
        with self._lock:
            pending, self._pending = self._pending, {}
            clients, self._clients = self._clients, {}
            self._flushed = time.monotonic()
        if not pending and not clients:
            return
        try:
            with transaction.atomic():
                for (day, query), tally in pending.items():
                    _write(day, query, tally)
                _write_clients(clients)
        except DatabaseError:
            log.warning("could not write the search log; keeping %d queries for later", len(pending), exc_info=True)
            with self._lock:
                for key, tally in pending.items():
                    newer = self._pending.get(key)
                    if newer is None:
                        self._pending[key] = tally
                    else:  # counted since: add the older counts, keep the newer result size
                        newer.searches += tally.searches
                        newer.zero_results += tally.zero_results
                for key, day in clients.items():
                    self._clients.setdefault(key, day)
            return
        self._prune()

    def _prune(self) -> None:
        """Once a day per process: forget which clients searched what before the hot window."""
        today = timezone.localdate()
        if self._pruned == today:
            return
        self._pruned = today
        try:
            SearchQueryClient.objects.filter(last_day__lt=hot_since(today)).delete()
        except DatabaseError:
            log.warning("could not prune the search clients", exc_info=True)
            self._pruned = None


def _write_clients(clients: dict[tuple[str, str], dt.date]) -> None:
    """Upsert (query, client) → last day seen."""
    if clients:
        SearchQueryClient.objects.bulk_create(
            [SearchQueryClient(query=q, client=c, last_day=day) for (q, c), day in clients.items()],
            update_conflicts=True, unique_fields=["query", "client"], update_fields=["last_day"])


def client_key(address: str) -> str:
    """A keyed, irreversible stand-in for a client address ("" for none): the same address gives the
    same key, so clients can be counted without keeping who they are."""
    return salted_hmac("gongkai.search.client", address).hexdigest()[:16] if address else ""


def hot_since(today: dt.date | None = None) -> dt.date:
    """The first day of the hot-search window (GONGKAI_HOT_DAYS days up to today)."""
    return (today or timezone.localdate()) - dt.timedelta(days=settings.GONGKAI_HOT_DAYS - 1)


search_log = SearchLog()
atexit.register(search_log.flush)


def record_query(query: str, count: int, client: str = "", found_as: str = "") -> None:
    """Count one search of `query` that found `count` documents, by `client` (client_key), searched as
    `found_as` after any correction (written with the next flush)."""
    search_log.add(query, count, client, found_as)


@dataclass
class QueryReport:
    query: str
    searches: int
    zero_results: int


def top_queries(days: int = 30, limit: int = 50) -> list[QueryReport]:
    """The most searched queries of the last `days` days, for staff."""
    search_log.flush()
    since = timezone.localdate() - dt.timedelta(days=days)
    rows = (SearchQueryStat.objects.filter(day__gte=since).values("query")
            .annotate(searches=Sum("searches"), zero=Sum("zero_results")).order_by("-searches", "query")[:limit])
    return [QueryReport(r["query"], r["searches"], r["zero"]) for r in rows]


def zero_result_queries(days: int = 30, limit: int = 50) -> list[QueryReport]:
    """Queries that found nothing in the last `days` days, most frequent first: gaps to fill."""
    search_log.flush()
    since = timezone.localdate() - dt.timedelta(days=days)
    rows = (SearchQueryStat.objects.filter(day__gte=since, zero_results__gt=0).values("query")
            .annotate(searches=Sum("searches"), zero=Sum("zero_results")).order_by("-zero", "query")[:limit])
    return [QueryReport(r["query"], r["searches"], r["zero"]) for r in rows]
