"""A real SMTP server for the mail tests (aiosmtpd on loopback), keeping every message it receives."""

from __future__ import annotations

import logging
import socket
from collections.abc import Iterator
from contextlib import contextmanager

from aiosmtpd.controller import Controller


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Inbox:
    """The messages (aiosmtpd envelopes) the server accepted, in order."""

    def __init__(self) -> None:
        self.messages: list = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(envelope)
        return "250 OK"


@contextmanager
def smtp_server(port: int | None = None) -> Iterator[tuple[Controller, Inbox]]:
    """Serve SMTP on 127.0.0.1 (`port`, or a free one) until the block ends."""
    # aiosmtpd logs every SMTP line at INFO from its own thread, into a handler whose stream pytest may have
    # closed by then: keep it to warnings.
    log = logging.getLogger("mail.log")
    level = log.level
    log.setLevel(logging.WARNING)
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=port or free_port())
    controller.start()  # returns once the server answers
    try:
        yield controller, inbox
    finally:
        controller.stop()
        log.setLevel(level)
