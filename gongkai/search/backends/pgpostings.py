"""Postings of the commonest body words of the PostgreSQL backend, held in the web process.

A search for one common word (城市, 国务院 in a large library) matches tens of thousands of bodies: reading
their rows through the GIN index, weighing each by its body's length, counting them and handing their ids
back for the facets was most of a 150 ms search at 100,000 documents. Here the matching ids with their
bodies' lengths are read once per index generation (the applied change, which every write moves on) and
kept, as pgfacets keeps the facet columns; such a search then reads only its title and key matches, and
numpy does the rest (see PostgresBackend._common_word).
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import dataclass

import numpy as np
from django.db import connection

# Postings kept per process and database, in ids (12 bytes each with the length): 24 MB.
MAX_POSTINGS = 2_000_000


@dataclass(frozen=True)
class Postings:
    """The documents whose body matches one body query, in id order, with their bodies' lengths."""

    ids: np.ndarray
    lengths: np.ndarray


class _Store:
    def __init__(self) -> None:
        self.generation: object = None
        self.held: OrderedDict[str, Postings] = OrderedDict()
        self.size = 0


_stores: dict[str, _Store] = {}
_lock = threading.Lock()


def _read(body: str) -> Postings:
    with connection.cursor() as cursor:
        # Both aggregates read the same rows in the same order, so the two lists line up.
        cursor.execute("SELECT string_agg(document_id::text, ','), string_agg(n::text, ',') FROM search_body "
                       "WHERE tsv @@ %s::tsquery", [body])
        ids_text, lengths_text = cursor.fetchone()
    ids = np.fromstring(ids_text or "", dtype=np.int64, sep=",")
    lengths = np.fromstring(lengths_text or "", dtype=np.int64, sep=",")
    order = np.argsort(ids, kind="stable")
    return Postings(ids[order], lengths[order])


def postings(body: str, generation: object) -> Postings:
    """The bodies matching the tsquery `body` in this index generation, read once per process and database."""
    key = connection.settings_dict.get("NAME") or ""
    with _lock:
        store = _stores.setdefault(key, _Store())
        if store.generation != generation:
            store.generation, store.held, store.size = generation, OrderedDict(), 0
        found = store.held.get(body)
        if found is not None:
            store.held.move_to_end(body)
            return found
    found = _read(body)
    with _lock:
        if store.generation == generation and body not in store.held:
            store.held[body] = found
            store.size += len(found.ids)
            while store.size > MAX_POSTINGS and len(store.held) > 1:
                _, dropped = store.held.popitem(last=False)
                store.size -= len(dropped.ids)
    return found


def clear() -> None:
    """Forget every held posting list (tests that rewrite the index within one generation)."""
    with _lock:
        _stores.clear()
