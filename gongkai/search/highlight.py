"""Highlighted titles and snippets, cut from the original text so segmentation never adds spaces."""

from __future__ import annotations

import html
import re

from django.utils.safestring import SafeString, mark_safe

from gongkai.search import text

SNIPPET_CHARS = 120
SNIPPET_SCAN = 30_000
MAX_OCCURRENCES = 300
_WS = re.compile(r"\s+")


def _searchable(source: str) -> tuple[str, list[int] | None]:
    """Text to search in, folded as queries are (text.fold keeps offsets, so no map back is needed)."""
    return text.fold(source), None


def _spans(source: str, terms: list[str]) -> list[tuple[int, int]]:
    """Non-overlapping [start, end) spans of `terms` in `source` (longer terms win)."""
    haystack, offsets = _searchable(source)
    found: list[tuple[int, int]] = []
    for term in sorted({t for t in terms if t}, key=len, reverse=True):
        start = haystack.find(term)
        while start != -1 and len(found) < MAX_OCCURRENCES:
            end = start + len(term)
            if offsets is not None:
                a, b = offsets[start], offsets[end - 1] + 1
            else:
                a, b = start, end
            if all(b <= s or a >= e for s, e in found):
                found.append((a, b))
            start = haystack.find(term, end)
    return sorted(found)


def _render(source: str, spans: list[tuple[int, int]], start: int = 0, end: int | None = None) -> str:
    end = len(source) if end is None else end
    out, cursor = [], start
    for a, b in spans:
        if b <= start or a >= end:
            continue
        a, b = max(a, start), min(b, end)
        out.append(html.escape(source[cursor:a]))
        out.append(f"<mark>{html.escape(source[a:b])}</mark>")
        cursor = b
    out.append(html.escape(source[cursor:end]))
    return "".join(out)


def highlight(source: str, terms: list[str]) -> SafeString:
    """`source` HTML-escaped with every occurrence of `terms` in <mark>."""
    return mark_safe(_render(source, _spans(source, terms)))


def snippet(body: str, terms: list[str], size: int = SNIPPET_CHARS) -> SafeString:
    """The passage of `body` about `size` characters long that covers the most distinct terms."""
    # Long laws run to 100,000 characters; the passage shown comes from their first part.
    source = _WS.sub(" ", (body or "")[:SNIPPET_SCAN]).strip()
    if not source:
        return mark_safe("")
    spans = _spans(source, terms)
    if not spans:
        cut = source[:size]
        return mark_safe(html.escape(cut) + ("…" if len(source) > size else ""))
    best, best_key = 0, None
    for a, _ in spans:
        start = max(0, a - size // 6)
        covered = {source[s:e].lower() for s, e in spans if s >= start and e <= start + size}
        key = (len(covered), sum(e - s for s, e in spans if s >= start and e <= start + size), -start)
        if best_key is None or key > best_key:
            best, best_key = start, key
    # Start at a sentence boundary when one is close, so the snippet reads naturally.
    boundary = max(source.rfind(mark, max(0, best - 30), best) for mark in "。；;！？\n ")
    if boundary != -1:
        best = boundary + 1
    end = min(len(source), best + size)
    # Never cut a highlighted term in two at the end of the passage.
    end = max([end] + [e for s, e in spans if s < end < e])
    prefix = "…" if best > 0 else ""
    suffix = "…" if end < len(source) else ""
    return mark_safe(prefix + _render(source, spans, best, end) + suffix)
