"""Where an audit entry came from: the client address and browser of the current request, else the process."""

from __future__ import annotations

from contextvars import ContextVar

from django.http import HttpRequest

from gongkai.core.clientip import client_ip

USER_AGENT_LENGTH = 256

_request_origin: ContextVar[tuple[str, str] | None] = ContextVar("gongkai_audit_origin", default=None)
# Outside a request: the process that writes ("cli" for commands, "worker" for the task worker).
_process = "cli"


def set_process(name: str) -> None:
    """Name this process for entries written outside a request (called once at start-up)."""
    global _process
    _process = name


def current() -> tuple[str, str]:
    """(client address, user agent) of the request being served, or (process name, "")."""
    return _request_origin.get() or (_process, "")


class AuditOriginMiddleware:
    """Makes the request's address and User-Agent available to audit.record() for the request's duration."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest):
        agent = request.META.get("HTTP_USER_AGENT", "")[:USER_AGENT_LENGTH]
        token = _request_origin.set((client_ip(request)[:64], agent))
        try:
            return self.get_response(request)
        finally:
            _request_origin.reset(token)
