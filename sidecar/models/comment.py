"""Comments: the Markdown a commenter wrote, and its sanitised HTML beside it."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from sidecar.database import UTCDateTime
from sidecar.extensions import db
from sidecar.models.user import User

__all__ = ["REMOVED", "Comment", "Status"]


class Status(enum.StrEnum):
    PENDING = "pending"
    APPROVED = "approved"
    REJECTED = "rejected"
    SPAM = "spam"
    DELETED = "deleted"


# Removed from public view; rejected and spam keep their text for moderators.
REMOVED = (Status.DELETED.value, Status.REJECTED.value, Status.SPAM.value)


class Comment(db.Model):  # type: ignore[name-defined,misc]
    __tablename__ = "comments"
    __table_args__ = (
        Index("ix_comments_post_slug_status", "post_slug", "status"),
        # A retried POST carries the key of the first: one comment, however often sent.
        Index("uq_comments_author_id_idempotency_key", "author_id", "idempotency_key", unique=True),
    )

    post_slug: Mapped[str] = mapped_column(String(200))
    # Indexed: a thread is read page by page, walking down from top-level comments.
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("comments.id"), index=True)
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    depth: Mapped[int] = mapped_column(default=0)  # 0 for a top-level comment
    body_source: Mapped[str] = mapped_column(Text)
    body_html: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(16), default=Status.PENDING.value)
    edited_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    idempotency_key: Mapped[str | None] = mapped_column(String(64))

    author: Mapped[User] = relationship(lazy="joined", innerjoin=True)

    @property
    def is_deleted(self) -> bool:
        return self.status == Status.DELETED.value

    def tombstone(self) -> None:
        """Deleted: the words go, the place stays (replies keep their parent)."""
        self.status = Status.DELETED.value
        self.body_source = ""
        self.body_html = ""

    @property
    def is_removed(self) -> bool:
        """Gone from the public thread (deleted, rejected or spam): shown, if at all,
        as a tombstone that keeps its replies' place."""
        return self.status in REMOVED
