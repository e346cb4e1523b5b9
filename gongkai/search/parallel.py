"""Text analysis of a large rebuild spread over worker processes.

Segmenting bodies is CPU-bound Python, so a rebuild in one process is held to one core while the
engine's own indexing threads leave the others half idle. Small runs (every sync, most tests) never
start workers; a rebuild switches to them once it has seen POOL_AFTER documents.
"""

from __future__ import annotations

import itertools
import multiprocessing
import os
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from typing import TypeVar

from gongkai.search.backends.base import IndexDoc

T = TypeVar("T")
POOL_AFTER = 2000
BATCH = 200
# Batches handed out ahead of the one being consumed: enough to keep every worker busy, few enough that
# memory stays flat however large the library.
WINDOW_PER_WORKER = 3


def _analyse_batch(analyse: Callable[[IndexDoc], T], docs: list[IndexDoc]) -> list[T]:
    return [analyse(doc) for doc in docs]


def analysed(docs: Iterable[IndexDoc], analyse: Callable[[IndexDoc], T],
             workers: int | None = None) -> Iterator[tuple[IndexDoc, T]]:
    """(doc, analyse(doc)) for every doc, in order; `analyse` must be a module-level function."""
    if workers is None:
        workers = os.cpu_count() or 1
    docs = iter(docs)
    for doc in itertools.islice(docs, POOL_AFTER):
        yield doc, analyse(doc)
    first = next(docs, None)
    if first is None:
        return
    rest = itertools.chain([first], docs)
    if workers < 2:
        yield from ((doc, analyse(doc)) for doc in rest)
        return
    # Forked workers share the loaded dictionaries and never touch the database; they leave with
    # os._exit, so the parent's connections are not closed under it.
    with multiprocessing.get_context("fork").Pool(workers) as pool:
        pending: deque = deque()
        for batch in iter(lambda: list(itertools.islice(rest, BATCH)), []):
            pending.append((batch, pool.apply_async(_analyse_batch, (analyse, batch))))
            if len(pending) >= workers * WINDOW_PER_WORKER:
                done, result = pending.popleft()
                yield from zip(done, result.get(), strict=True)
        while pending:
            done, result = pending.popleft()
            yield from zip(done, result.get(), strict=True)
