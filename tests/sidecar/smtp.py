"""A real SMTP server for the tests: aiosmtpd on 127.0.0.1, on a free port."""

from __future__ import annotations

import time
from collections.abc import Iterator
from email import message_from_bytes, policy
from email.message import EmailMessage
from typing import Any

import pytest
from flask import Flask

from sidecar.services.mail import SmtpMailer
from tests.servers import free_port

__all__ = ["SmtpInbox", "smtp"]


class SmtpInbox:
    """A real SMTP server on 127.0.0.1 (aiosmtpd) that can be stopped and started."""

    def __init__(self) -> None:
        from aiosmtpd.controller import Controller

        self.received: list[EmailMessage] = []
        self.port = free_port()
        inbox = self

        class Handler:
            async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
                message = message_from_bytes(envelope.content, policy=policy.default)
                assert isinstance(message, EmailMessage)
                inbox.received.append(message)
                return "250 OK"

        self.controller = Controller(Handler(), hostname="127.0.0.1", port=self.port)
        self.running = False

    def start(self) -> None:
        self.controller.start()
        self.running = True

    def stop(self) -> None:
        if self.running:
            self.controller.stop()
            self.running = False

    def close(self) -> None:
        self.stop()
        if not self.controller.loop.is_closed():
            self.controller.loop.close()

    def serve(self, app: Flask) -> None:
        """Make ``app`` send its mail here (started or not)."""
        app.extensions["sidecar.mailer"] = SmtpMailer(
            "127.0.0.1", self.port, "Blog <noreply@blog.example>", use_tls=False, timeout=5
        )

    def wait_for(self, count: int, timeout: float = 10.0) -> list[EmailMessage]:
        """The first ``count`` messages received, once they have arrived."""
        deadline = time.monotonic() + timeout
        while len(self.received) < count and time.monotonic() < deadline:
            time.sleep(0.05)
        assert len(self.received) >= count, f"{len(self.received)} of {count} mails arrived"
        return self.received[:count]


@pytest.fixture
def smtp() -> Iterator[SmtpInbox]:
    inbox = SmtpInbox()
    yield inbox
    inbox.close()
