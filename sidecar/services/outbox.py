"""Mail leaves the request: queued in the caller's transaction, delivered later.

A use case that mails someone calls :func:`enqueue` inside its transaction,
so the mail is stored exactly when the change that asks for it is. The
request never waits on SMTP, and answers the same whether or not a mail
was queued. A worker (``sidecar.outbox``) then calls :meth:`Outbox.drain`:

- each due mail is *claimed* by one conditional UPDATE, so two processes
  never take the same one; a claim is a lease, and a worker that died
  holding it is replaced once the lease ends (never lost on a restart);
- the mail is written at send time by its kind's composer (which may find
  there is nothing to send: a reset for an address with no account);
- an SMTP failure is retried with a doubling delay, up to ``max_attempts``;
- each mail has a Message-ID of its own, so the one case a mail can go out
  twice (the process dies between the SMTP server's "250 OK" and the
  UPDATE that records it) is recognisable as one message.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Mapping
from datetime import datetime, timedelta
from typing import Any, cast

from sqlalchemy import CursorResult, func, or_, select, update

from sidecar.database import DbSession, now_utc
from sidecar.models import MailState, OutboxMail
from sidecar.services.mail import Mailer, Message

__all__ = ["Composer", "Outbox", "Pending", "enqueue", "pending"]

log = logging.getLogger("sidecar.mail")

# A composer writes one kind of mail from its row's data, or answers None when
# there is nothing to send any more.
Composer = Callable[[OutboxMail, dict[str, Any]], Message | None]

LEASE = timedelta(minutes=2)
FIRST_RETRY = timedelta(seconds=30)
LAST_RETRY = timedelta(hours=1)
MAX_ATTEMPTS = 10  # about 4 hours of retries


Pending = tuple[set[str], dict[str, datetime]]


def pending(session: DbSession, kind: str, recipients: set[str]) -> Pending:
    """Of these recipients' mails of ``kind``: who has one waiting to be sent, and
    when each was last sent one (two reads, however many recipients)."""
    theirs = (OutboxMail.kind == kind, OutboxMail.recipient.in_(recipients))
    waiting = set(
        session.scalars(
            select(OutboxMail.recipient).where(*theirs, OutboxMail.state == MailState.QUEUED.value)
        )
    )
    sent = (
        select(OutboxMail.recipient, func.max(OutboxMail.sent_at))
        .where(*theirs, OutboxMail.sent_at.is_not(None))
        .group_by(OutboxMail.recipient)
    )
    return waiting, {email: last for email, last in session.execute(sent) if last is not None}


def enqueue(session: DbSession, kind: str, recipient: str, **data: Any) -> OutboxMail:
    """Queue a mail in ``session``'s transaction; the caller commits."""
    mail = OutboxMail(kind=kind, recipient=recipient, data=json.dumps(data, sort_keys=True))
    session.add(mail)
    session.info["outbox_queued"] = True  # the worker of this process is woken on commit
    return mail


def retry_delay(attempts: int) -> timedelta:
    """How long after its ``attempts``-th failure a mail is tried again."""
    doubled: int = 2 ** max(attempts - 1, 0)
    return min(FIRST_RETRY * doubled, LAST_RETRY)


class Outbox:
    def __init__(
        self,
        session: DbSession,
        mailer: Mailer,
        composers: Mapping[str, Composer],
        *,
        domain: str = "localhost",
        clock: Callable[[], datetime] = now_utc,
        max_attempts: int = MAX_ATTEMPTS,
    ) -> None:
        self.session = session
        self.mailer = mailer
        self.composers = composers
        self.domain = domain
        self.clock = clock
        self.max_attempts = max_attempts

    def due(self, limit: int = 50) -> list[int]:
        now = self.clock()
        ids = self.session.scalars(
            select(OutboxMail.id)
            .where(
                OutboxMail.state == MailState.QUEUED.value,
                OutboxMail.next_attempt_at <= now,
                or_(OutboxMail.claimed_until.is_(None), OutboxMail.claimed_until < now),
            )
            .order_by(OutboxMail.next_attempt_at, OutboxMail.id)
            .limit(limit)
        )
        result = list(ids)
        self.session.rollback()  # end the read: claims are their own transactions
        return result

    def claim(self, mail_id: int) -> OutboxMail | None:
        """Take ``mail_id`` for this worker, or None if another one has it."""
        now = self.clock()
        # An UPDATE's result is a CursorResult, which has the row count.
        claimed = cast(
            CursorResult[Any],
            self.session.execute(
                update(OutboxMail)
                .where(
                    OutboxMail.id == mail_id,
                    OutboxMail.state == MailState.QUEUED.value,
                    or_(OutboxMail.claimed_until.is_(None), OutboxMail.claimed_until < now),
                )
                .values(claimed_until=now + LEASE, attempts=OutboxMail.attempts + 1)
                .execution_options(synchronize_session=False)
            ),
        )
        self.session.commit()
        if claimed.rowcount != 1:
            return None
        return self.session.get(OutboxMail, mail_id, populate_existing=True)

    def deliver(self, mail: OutboxMail) -> str:
        """Write and send one claimed mail; record what happened. Returns its state."""
        composer = self.composers.get(mail.kind)
        try:
            if composer is None:
                raise LookupError(f"no composer for mail kind {mail.kind!r}")
            message = composer(mail, json.loads(mail.data))
            if message is not None:
                message = message.with_id(
                    f"<outbox-{mail.id}.{mail.created_at:%Y%m%d}@{self.domain}>"
                )
                self.mailer.send(message)
        except Exception as exc:
            self.session.rollback()
            return self._failed(mail, exc)
        mail.state = (MailState.SENT if message is not None else MailState.DROPPED).value
        mail.sent_at = self.clock() if message is not None else None
        mail.claimed_until = None
        mail.data = "{}"  # what it needed (an address, an id) is not kept once done
        self.session.commit()
        return mail.state

    def _failed(self, mail: OutboxMail, exc: Exception) -> str:
        mail = self.session.get(OutboxMail, mail.id, populate_existing=True) or mail
        mail.last_error = f"{type(exc).__name__}: {exc}"[:500]
        mail.claimed_until = None
        if mail.attempts >= self.max_attempts:
            mail.state = MailState.FAILED.value
            log.error("mail %s (%s) failed %d times; giving up", mail.id, mail.kind, mail.attempts)
        else:
            mail.next_attempt_at = self.clock() + retry_delay(mail.attempts)
            log.warning(
                "mail %s (%s) not sent, attempt %d (%s); retrying at %s",
                mail.id,
                mail.kind,
                mail.attempts,
                type(exc).__name__,
                mail.next_attempt_at.isoformat(timespec="seconds"),
            )
        self.session.commit()
        return mail.state

    def drain(self, limit: int = 50) -> dict[str, int]:
        """Deliver every due mail (at most ``limit``); how many ended in each state."""
        outcome: dict[str, int] = {}
        for mail_id in self.due(limit):
            mail = self.claim(mail_id)
            if mail is None:
                continue
            state = self.deliver(mail)
            outcome[state] = outcome.get(state, 0) + 1
        return outcome

    def depth(self) -> int:
        """Mails waiting to go out."""
        count = self.session.scalar(
            select(func.count()).where(OutboxMail.state == MailState.QUEUED.value)
        )
        return int(count or 0)
