"""Comments: the Markdown a commenter wrote, and its sanitised HTML beside it."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from sidecar.database import UTCDateTime
from sidecar.extensions import Model
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


class Comment(Model):
    __tablename__ = "comments"
    __table_args__ = (
        Index("ix_comments_post_slug_status", "post_slug", "status"),
        # A retried POST carries the key of the first: one comment, however often sent.
        Index("uq_comments_author_id_idempotency_key", "author_id", "idempotency_key", unique=True),
        # ...and a guest's (no account) likewise, by the key alone.
        Index(
            "uq_comments_guest_idempotency_key",
            "idempotency_key",
            unique=True,
            sqlite_where=text("author_id IS NULL"),
            postgresql_where=text("author_id IS NULL"),
        ),
        CheckConstraint("author_id IS NOT NULL OR guest_name IS NOT NULL", name="author_or_guest"),
    )

    post_slug: Mapped[str] = mapped_column(String(200))
    # Indexed: a thread is read page by page, walking down from top-level comments.
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("comments.id"), index=True)
    # None for a guest's comment: no account, only the name they gave (and, never
    # shown, the address for reply mail; a website shown as a nofollow link).
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    guest_name: Mapped[str | None] = mapped_column(String(60))
    guest_email: Mapped[str | None] = mapped_column(String(254))
    guest_website: Mapped[str | None] = mapped_column(String(300))
    # Part of the guest's edit token: cleared when the comment is deleted, so no
    # token made for it works again.
    guest_secret: Mapped[str | None] = mapped_column(String(32))
    depth: Mapped[int] = mapped_column(default=0)  # 0 for a top-level comment
    body_source: Mapped[str] = mapped_column(Text)
    body_html: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(16), default=Status.PENDING.value)
    edited_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    idempotency_key: Mapped[str | None] = mapped_column(String(64))
    # The words, case and spacing aside, hashed: the same text posted again is found.
    body_hash: Mapped[str | None] = mapped_column(String(64), index=True)
    # Why the spam checks held it ("links:5,duplicate"), for the moderators.
    spam_reasons: Mapped[str | None] = mapped_column(String(300))

    author: Mapped[User | None] = relationship(lazy="joined")

    @property
    def is_guest(self) -> bool:
        return self.author_id is None

    @property
    def author_name(self) -> str:
        """The name shown: the account's username, or the name the guest gave."""
        if self.author is not None:
            return self.author.username
        return self.guest_name or ""

    @property
    def is_deleted(self) -> bool:
        return self.status == Status.DELETED.value

    def tombstone(self) -> None:
        """Deleted: the words go, the place stays (replies keep their parent)."""
        self.status = Status.DELETED.value
        self.body_source = ""
        self.body_html = ""
        self.guest_secret = None

    @property
    def is_removed(self) -> bool:
        """Gone from the public thread (deleted, rejected or spam): shown, if at all,
        as a tombstone that keeps its replies' place."""
        return self.status in REMOVED
