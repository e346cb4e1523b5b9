"""Search backends behind one small interface (base.SearchBackend), chosen by GONGKAI_SEARCH_BACKEND."""

from __future__ import annotations

import threading
from pathlib import Path

from django.conf import settings

from gongkai.search.backends.base import SearchBackend

BACKENDS = ("embedded", "postgres")
_instances: dict[tuple[str, str], SearchBackend] = {}
_lock = threading.Lock()


def index_dir() -> Path:
    """Where the embedded index lives: <data dir>/search unless settings name another folder."""
    return Path(getattr(settings, "GONGKAI_SEARCH_DIR", None) or settings.DATA_DIR / "search")


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
