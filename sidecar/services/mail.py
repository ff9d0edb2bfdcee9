"""Outgoing mail: SMTP when configured, the log otherwise (development, tests).

Only the outbox worker (``sidecar.services.outbox``) calls a mailer; requests
never do. Outside development the log shows who a mail is for and its
subject, never its body: bodies hold sign-in links.
"""

from __future__ import annotations

import logging
import smtplib
import sys
from collections import deque
from dataclasses import dataclass, field, replace
from email.message import EmailMessage
from typing import Protocol, TextIO

__all__ = ["DisabledMailer", "LogMailer", "Mailer", "Message", "SmtpMailer"]

log = logging.getLogger("sidecar.mail")


@dataclass(frozen=True)
class Message:
    to: str
    subject: str
    body: str  # plain text: every mail has it
    message_id: str | None = None
    html: str | None = None  # an HTML alternative to ``body``, if any
    headers: tuple[tuple[str, str], ...] = ()  # e.g. List-Unsubscribe

    def with_id(self, message_id: str) -> Message:
        return replace(self, message_id=message_id)


class Mailer(Protocol):
    def send(self, message: Message) -> None: ...


KEPT = 100  # the newest messages a LogMailer keeps for /dev/mail and the tests


@dataclass
class LogMailer:
    """No mail server: each message is kept (the newest ``KEPT``: ``make dev``'s
    ``/dev/mail`` and the tests read them) and logged by recipient and subject.

    With ``reveal`` (development only: bodies hold sign-in links) the message
    is also printed to ``terminal`` as plain text, its links whole on lines of
    their own, where the JSON log would quote and wrap them."""

    sent: deque[Message] = field(default_factory=lambda: deque(maxlen=KEPT))
    reveal: bool = True
    terminal: TextIO | None = None  # None: the process's stderr at the time

    def send(self, message: Message) -> None:
        self.sent.append(message)
        if not self.reveal:
            log.info("mail to %s: %s (body withheld from the log)", message.to, message.subject)
            return
        log.info("mail to %s: %s (printed below, and at /dev/mail)", message.to, message.subject)
        rule = "-" * 72
        out = self.terminal or sys.stderr
        out.write(
            f"{rule}\nMail to {message.to}: {message.subject}\n\n{message.body.rstrip()}\n{rule}\n"
        )
        out.flush()


class DisabledMailer:
    """``MAIL_DISABLED``: nothing is sent, and the log says so without the body."""

    def send(self, message: Message) -> None:
        log.warning("mail disabled: %r not sent", message.subject)


@dataclass
class SmtpMailer:
    host: str
    port: int
    sender: str
    username: str | None = None
    password: str | None = None
    use_tls: bool = True
    timeout: float = 10.0

    def send(self, message: Message) -> None:
        email = EmailMessage()
        email["From"], email["To"], email["Subject"] = self.sender, message.to, message.subject
        if message.message_id:
            email["Message-ID"] = message.message_id
        for name, value in message.headers:
            email[name] = value
        email.set_content(message.body)
        if message.html is not None:
            email.add_alternative(message.html, subtype="html")
        with smtplib.SMTP(self.host, self.port, timeout=self.timeout) as smtp:
            if self.use_tls:
                smtp.starttls()
            if self.username:
                smtp.login(self.username, self.password or "")
            smtp.send_message(email)
