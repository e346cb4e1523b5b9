"""Production settings: the same environment table; HTTPS and header hardening live in base (shared)."""

from gongkai.settings.base import *  # noqa: F403
