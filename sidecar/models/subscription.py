"""Reply mail: who asked to hear of replies to which comment, and what they are owed."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from sidecar.database import UTCDateTime
from sidecar.extensions import Model
from sidecar.models.comment import Comment

__all__ = ["MailOptOut", "ReplyNotice", "Subscription"]


class Subscription(Model):
    """ "Email me replies" on one comment, to one address (stored lower-case).

    An account's address is confirmed already; a guest's waits for the link
    mailed to it (``confirmed_at`` is None until then, and nothing is sent)."""

    __tablename__ = "subscriptions"
    __table_args__ = (
        Index("uq_subscriptions_comment_id_email", "comment_id", "email", unique=True),
    )

    comment_id: Mapped[int] = mapped_column(ForeignKey("comments.id"))
    post_slug: Mapped[str] = mapped_column(String(200))  # for "no more from this post"
    email: Mapped[str] = mapped_column(String(254), index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    comment: Mapped[Comment] = relationship()


class ReplyNotice(Model):
    """One approved reply a subscriber has not been mailed about yet (``sent_at``)."""

    __tablename__ = "reply_notices"
    __table_args__ = (
        Index(
            "uq_reply_notices_subscription_id_reply_id", "subscription_id", "reply_id", unique=True
        ),
    )

    subscription_id: Mapped[int] = mapped_column(ForeignKey("subscriptions.id"), index=True)
    reply_id: Mapped[int] = mapped_column(ForeignKey("comments.id"))
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    subscription: Mapped[Subscription] = relationship()
    reply: Mapped[Comment] = relationship()


class MailOptOut(Model):
    """An address that unsubscribed from everything: no reply mail, and no more
    "confirm reply mail" requests for a guest to send it."""

    __tablename__ = "mail_optouts"

    email: Mapped[str] = mapped_column(String(254), unique=True)
