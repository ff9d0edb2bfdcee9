"""The audit log: every moderation and user action, who did it, to what, when."""

from __future__ import annotations

import enum

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from sidecar.extensions import Model
from sidecar.models.user import User

__all__ = ["Action", "AuditEntry"]


class Action(enum.StrEnum):
    APPROVE = "approve"
    REJECT = "reject"
    SPAM = "spam"
    DELETE = "delete"
    ROLE = "role"
    BAN = "ban"
    UNBAN = "unban"
    REBUILD = "rebuild"


class AuditEntry(Model):
    """Append-only: written in the same transaction as the change it records."""

    __tablename__ = "audit_log"
    __table_args__ = (Index("ix_audit_log_created_at", "created_at"),)

    actor_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    action: Mapped[str] = mapped_column(String(16), index=True)
    target_type: Mapped[str] = mapped_column(String(16))  # "comment", "user" or "site"
    target_id: Mapped[int] = mapped_column()
    detail: Mapped[str] = mapped_column(Text, default="")  # e.g. "commenter → moderator"

    actor: Mapped[User] = relationship(lazy="joined", innerjoin=True)
