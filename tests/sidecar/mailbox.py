"""What the sidecar mailed, as the tests read it: the outbox delivered, the links found."""

from __future__ import annotations

import re
from typing import Any

from flask import Flask
from itsdangerous import TimestampSigner, URLSafeTimedSerializer

from sidecar.services.mail import LogMailer, Message

__all__ = ["Mailbox", "link_in", "links_in", "signed"]


class Mailbox:
    """What the sidecar mailed. Mail leaves through the outbox, after the request:
    reading ``sent`` first runs the outbox worker's round, as its thread would."""

    def __init__(self, app: Flask) -> None:
        self.app = app
        self.mailer: LogMailer = app.extensions["sidecar.mailer"]

    def deliver(self) -> dict[str, int]:
        outcome: dict[str, int] = self.app.extensions["sidecar.outbox"].run_once()
        return outcome

    @property
    def sent(self) -> list[Message]:
        self.deliver()
        return list(self.mailer.sent)

    def queued(self) -> int:
        """Mails waiting in the outbox, none of them sent yet."""
        from sidecar import deps

        with self.app.app_context():
            return deps.outbox().depth()


def link_in(mail: Mailbox, path: str) -> str:
    """The path of the last mailed link containing ``path``."""
    for message in reversed(mail.sent):
        match = re.search(r"https?://[^/\s]+(\S*" + re.escape(path) + r"\S*)", message.body)
        if match:
            return match.group(1)
    raise AssertionError(f"no mail with a link to {path}")


def links_in(mail: Mailbox, path: str) -> list[str]:
    """The paths of every mailed link containing ``path``, oldest mail first."""
    pattern = re.compile(r"https?://[^/\s]+(\S*" + re.escape(path) + r"\S*)")
    return [m.group(1) for message in mail.sent if (m := pattern.search(message.body))]


def signed(app: Flask, salt: str, payload: Any, age: float = 0) -> str:
    """A link token as the sidecar signs it (``salt`` says which kind), made ``age``
    seconds ago: to try a link that has expired, or one forged for another use."""

    class Past(TimestampSigner):
        def get_timestamp(self) -> int:
            return int(super().get_timestamp() - age)

    serializer = URLSafeTimedSerializer(app.config["SECRET_KEY"], salt=salt, signer=Past)
    return str(serializer.dumps(payload))
