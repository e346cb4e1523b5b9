"""Search backends behind one small interface (base.SearchBackend), chosen by GONGKAI_SEARCH_BACKEND."""

from __future__ import annotations

import fcntl
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from django.conf import settings

from gongkai.search.backends.base import SearchBackend

BACKENDS = ("embedded", "postgres")
_instances: dict[tuple[str, str], SearchBackend] = {}
_lock = threading.Lock()


def index_dir() -> Path:
    """Where the embedded index lives: <data dir>/search unless settings name another folder."""
    return Path(getattr(settings, "GONGKAI_SEARCH_DIR", None) or settings.DATA_DIR / "search")


@contextmanager
def exclusive(name: str, wait: bool) -> Iterator[bool]:
    """Hold the lock file `name` in the search folder, across processes; yield whether it is held (without
    `wait`, False at once when another holds it). The lock goes with its process, so a worker killed mid-job
    leaves nothing stuck."""
    path = index_dir()
    path.mkdir(parents=True, exist_ok=True)
    with open(path / name, "a") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | (0 if wait else fcntl.LOCK_NB))
        except BlockingIOError:
            yield False
            return
        try:
            yield True
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def get_backend(name: str | None = None) -> SearchBackend:
    """The configured backend (one instance per process and location)."""
    name = name or settings.GONGKAI_SEARCH_BACKEND
    if name not in BACKENDS:
        raise ValueError(f"GONGKAI_SEARCH_BACKEND must be one of {', '.join(BACKENDS)}, not {name!r}")
    location = str(index_dir()) if name == "embedded" else settings.DATABASES["default"]["NAME"]
    key = (name, location)
    with _lock:
        if key not in _instances:
            if name == "embedded":
                from gongkai.search.backends.embedded import EmbeddedBackend

                _instances[key] = EmbeddedBackend(Path(location))
            else:
                from gongkai.search.backends.postgres import PostgresBackend

                _instances[key] = PostgresBackend()
        return _instances[key]
