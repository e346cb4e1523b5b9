"""The one serial-number allocator: index numbers, case numbers and every later yearly series."""

from __future__ import annotations

from collections.abc import Callable

from gongkai.core.models import SerialCounter


def allocate(series: str, year: int, render: Callable[[int], str], taken: Callable[[str], bool]) -> tuple[int, str]:
    """Next serial of `series` in `year` and its rendering; skips numbers `taken` says exist already.

    Imported archives may hold serials the counter never issued, so they are stepped over instead of
    failing on a unique constraint. Call inside a transaction: the counter row stays locked until commit."""
    counter, _ = SerialCounter.objects.select_for_update().get_or_create(series=series, year=year)
    while True:
        counter.last += 1
        rendered = render(counter.last)
        if not taken(rendered):
            break
    counter.save(update_fields=["last"])
    return counter.last, rendered
