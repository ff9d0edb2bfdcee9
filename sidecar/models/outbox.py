"""The outbox: every mail the sidecar sends, written in the transaction that asks
for it and delivered afterwards by a worker (``sidecar.services.outbox``)."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from sidecar.database import UTCDateTime, now_utc
from sidecar.extensions import Model

__all__ = ["MailState", "OutboxMail"]


class MailState(enum.StrEnum):
    QUEUED = "queued"  # waiting for its next attempt
    SENT = "sent"
    DROPPED = "dropped"  # nothing to send after all (e.g. a reset for an unknown address)
    FAILED = "failed"  # every attempt failed; kept for the operator


class OutboxMail(Model):
    __tablename__ = "outbox"
    __table_args__ = (Index("ix_outbox_state_next_attempt_at", "state", "next_attempt_at"),)

    kind: Mapped[str] = mapped_column(String(32))  # which mail: says how to write it
    recipient: Mapped[str] = mapped_column(String(254))
    data: Mapped[str] = mapped_column(Text, default="{}")  # JSON: what the kind needs
    state: Mapped[str] = mapped_column(String(16), default=MailState.QUEUED.value)
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc)
    # A worker that claimed the mail has it until then; after that (it crashed),
    # another worker may take it.
    claimed_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_error: Mapped[str | None] = mapped_column(String(500))
