"""Accounts: who may comment, moderate or administer."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import Index, String, func, text
from sqlalchemy.orm import Mapped, mapped_column, validates

from sidecar.database import UTCDateTime
from sidecar.extensions import Model
from sidecar.names import name_key

__all__ = ["Role", "User"]


class Role(enum.StrEnum):
    COMMENTER = "commenter"
    MODERATOR = "moderator"
    ADMIN = "admin"


class User(Model):
    __tablename__ = "users"

    # Stored lower-case; unique among confirmed accounts (an unconfirmed one may
    # share it: registering never tells whether an address is known).
    email: Mapped[str] = mapped_column(String(254), index=True)
    username: Mapped[str] = mapped_column(String(40))
    # The username folded for look-alikes (services.names): a guest may not comment
    # under a name that reads as this account's. Set with the username.
    name_key: Mapped[str] = mapped_column(String(200), index=True, server_default=text("''"))
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[str] = mapped_column(String(16), default=Role.COMMENTER.value)
    email_confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    banned_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Replies to this account's comments made after it are "new" (GET /api/me/replies).
    replies_read_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # A moderator's mail about held comments: "off", "immediate" or "digest" (daily).
    moderation_mail: Mapped[str] = mapped_column(String(16), server_default=text("'off'"))
    # Bumped by logout, password change, ban and role change: sessions and
    # remember-me cookies carry it, so a copied cookie stops working.
    session_version: Mapped[int] = mapped_column(default=1)

    @validates("username")
    def _keep_name_key(self, _key: str, username: str) -> str:
        self.name_key = name_key(username)
        return username

    # -- Flask-Login ----------------------------------------------------------------
    is_anonymous = False

    @property
    def is_authenticated(self) -> bool:
        return True

    @property
    def is_active(self) -> bool:
        return self.banned_at is None

    def get_id(self) -> str:
        return f"{self.id}:{self.session_version}"

    # -- derived --------------------------------------------------------------------
    @property
    def is_confirmed(self) -> bool:
        return self.email_confirmed_at is not None

    @property
    def is_moderator(self) -> bool:
        return self.role in (Role.MODERATOR.value, Role.ADMIN.value)


# Usernames are unique whatever their case ("Ada" and "ada" are one), and so are
# the addresses of confirmed accounts.
Index("uq_users_username_lower", func.lower(User.username), unique=True)
Index(
    "uq_users_email_lower",
    func.lower(User.email),
    unique=True,
    sqlite_where=User.email_confirmed_at.isnot(None),
    postgresql_where=User.email_confirmed_at.isnot(None),
)
