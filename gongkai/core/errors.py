"""Domain errors: raised by services with a message a Chinese-speaking user can act on."""

from __future__ import annotations


class DomainError(Exception):
    """A refused action. `field` names the form field the message belongs to, if any."""

    def __init__(self, message: str, field: str | None = None, errors: dict[str, list[str]] | None = None):
        super().__init__(message)
        self.message = message
        self.field = field
        self.errors = errors or ({field: [message]} if field else {})


class PermissionDenied(DomainError):
    """The actor lacks the role or agency scope for this action."""


class IllegalTransition(DomainError):
    """A workflow move that the state machine does not allow from the current state."""
