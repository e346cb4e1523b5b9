"""Highlighted titles and snippets, cut from the original text so segmentation never adds spaces."""

from __future__ import annotations

import bisect
import html
import re

from django.utils.safestring import SafeString, mark_safe

from gongkai.search import text

SNIPPET_CHARS = 120
SNIPPET_SCAN = 8_000
MAX_OCCURRENCES = 300
_WS = re.compile(r"\s+")


def _spans(source: str, terms: list[str]) -> list[tuple[int, int]]:
    """Non-overlapping [start, end) spans of `terms` in `source`, in order (longer terms win). Offsets
    hold for `source` itself because folding keeps the length (terms are words: letters and digits)."""
    haystack = text.fold_words(source)
    starts: list[int] = []  # the spans found so far, sorted (they never overlap, so ends sort alike)
    ends: list[int] = []
    for term in sorted({t for t in terms if t}, key=len, reverse=True):
        a = haystack.find(term)
        while a != -1 and len(starts) < MAX_OCCURRENCES:
            b = a + len(term)
            at = bisect.bisect_left(starts, a)
            if (at == 0 or ends[at - 1] <= a) and (at == len(starts) or starts[at] >= b):
                starts.insert(at, a)
                ends.insert(at, b)
            a = haystack.find(term, b)
    return list(zip(starts, ends, strict=True))


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
    starts = [a for a, _ in spans]
    ends = [b for _, b in spans]
    best, best_key = 0, None
    for a in starts:
        start = max(0, a - size // 6)
        inside = spans[bisect.bisect_left(starts, start):bisect.bisect_right(ends, start + size)]
        key = (len({source[s:e].lower() for s, e in inside}), sum(e - s for s, e in inside), -start)
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
