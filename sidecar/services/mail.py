"""Outgoing mail: SMTP when configured, the log otherwise (development, tests).

Only the outbox worker (``sidecar.services.outbox``) calls a mailer; requests
never do. Outside development the log shows who a mail is for and its
subject, never its body: bodies hold sign-in links.
"""

from __future__ import annotations

import logging
import smtplib
from dataclasses import dataclass, field, replace
from email.message import EmailMessage
from typing import Protocol

__all__ = ["DisabledMailer", "LogMailer", "Mailer", "Message", "SmtpMailer"]

log = logging.getLogger("sidecar.mail")


@dataclass(frozen=True)
class Message:
    to: str
    subject: str
    body: str
    message_id: str | None = None

    def with_id(self, message_id: str) -> Message:
        return replace(self, message_id=message_id)


class Mailer(Protocol):
    def send(self, message: Message) -> None: ...


@dataclass
class LogMailer:
    """Prints each message to the log, and keeps it (tests and ``make dev`` read it)."""

    sent: list[Message] = field(default_factory=list)
    reveal: bool = True  # development only: the body holds sign-in links

    def send(self, message: Message) -> None:
        self.sent.append(message)
        if self.reveal:
            log.info("mail to %s: %s\n%s", message.to, message.subject, message.body)
        else:
            log.info("mail to %s: %s (body withheld from the log)", message.to, message.subject)


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
        email.set_content(message.body)
        with smtplib.SMTP(self.host, self.port, timeout=self.timeout) as smtp:
            if self.use_tls:
                smtp.starttls()
            if self.username:
                smtp.login(self.username, self.password or "")
            smtp.send_message(email)
