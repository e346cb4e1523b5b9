"""Querysets compiled to SQL once and run again with other ids.

Compiling a Django query costs several times more than running it on an indexed key, which matters on
paths that run a few small queries per request (search results). A PreparedQuery keeps the ORM as the
one place a query is written — the queryset is built by the caller, visibility rule and all — and only
reuses the SQL it compiles to.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence

from django.db import connections
from django.db.models import QuerySet

# Ids that no row has: they mark where the real ids go in the compiled parameters, and pad a list up to
# the size it was compiled for (a few sizes, so a handful of statements serve every request).
_SENTINEL = -4_000_000_000
# Longer id lists run in chunks of this many, well under every database's limit on parameters.
CHUNK = 512


def _bucket(n: int) -> int:
    size = 1
    while size < n:
        size *= 2
    return size


class PreparedQuery:
    """`build(ids)` → a queryset ending in .values(...) or .values_list(...); run with `rows(ids)`."""

    def __init__(self, build: Callable[[list[int]], QuerySet]) -> None:
        self.build = build
        self._compiled: dict[tuple[str, int], tuple[str, list, list[int], list]] = {}
        self._lock = threading.Lock()

    def _compile(self, alias: str, size: int) -> tuple[str, list, list[int], list]:
        key = (alias, size)
        found = self._compiled.get(key)
        if found is not None:
            return found
        sentinels = [_SENTINEL - i for i in range(size)]
        queryset = self.build(sentinels)
        compiler = queryset.query.get_compiler(using=alias)
        sql, params = compiler.as_sql()
        params = list(params)
        where = {value: i for i, value in enumerate(sentinels)}
        slots = [where.get(p, -1) if isinstance(p, int) else -1 for p in params]
        selected = [expression for expression, _, _ in compiler.select]
        converters = [(pos, convs, expression) for pos, (convs, expression)
                      in compiler.get_converters(selected).items()]
        found = (sql, params, slots, converters)
        with self._lock:
            self._compiled[key] = found
        return found

    def rows(self, ids: Sequence[int], alias: str = "default") -> list[tuple]:
        """Rows as tuples, in the column order of the queryset's values()/values_list() (a list longer
        than CHUNK runs in chunks, each in that order)."""
        ids = list(dict.fromkeys(int(i) for i in ids))
        out: list[tuple] = []
        for start in range(0, len(ids), CHUNK):
            out += self._run(ids[start:start + CHUNK], alias)
        return out

    def _run(self, ids: list[int], alias: str) -> list[tuple]:
        size = _bucket(len(ids))
        sql, params, slots, converters = self._compile(alias, size)
        bound = [ids[slot] if 0 <= slot < len(ids) else p for p, slot in zip(params, slots, strict=True)]
        connection = connections[alias]
        with connection.cursor() as cursor:
            cursor.execute(sql, bound)
            fetched = cursor.fetchall()
        if not converters:
            return [tuple(row) for row in fetched]
        out = []
        for row in fetched:
            row = list(row)
            for pos, convs, expression in converters:
                value = row[pos]
                for convert in convs:
                    value = convert(value, expression, connection)
                row[pos] = value
            out.append(tuple(row))
        return out

    def all(self, alias: str = "default") -> list[tuple]:
        """Rows of a query that takes no ids (its `build` ignores them), as rows() gives them."""
        return self._run([], alias)

    def dicts(self, ids: Sequence[int], fields: Sequence[str], alias: str = "default") -> list[dict]:
        """Rows as dicts keyed by `fields` (the names given to values(), in the same order)."""
        return [dict(zip(fields, row, strict=True)) for row in self.rows(ids, alias)]
