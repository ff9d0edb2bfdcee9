"""Page views, counted per path per day; nothing that identifies a reader.

``view_counts`` and ``referrer_counts`` are the only lasting data. To count a
reader once per page per day, a digest of (today's salt, address, path) is
kept in ``view_seen`` for the day, and one of (salt, address, referrer host)
to count a host's distinct readers; the salt is random, lives in
``view_salts`` for its day only, and both are deleted once the day is over, so
yesterday's digests cannot be recomputed by anyone, the operator included.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import Date, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from sidecar.extensions import Model

__all__ = ["ReferrerCount", "ViewCount", "ViewSalt", "ViewSeen"]


class ViewCount(Model):
    __tablename__ = "view_counts"
    __table_args__ = (UniqueConstraint("day", "path"),)

    day: Mapped[date] = mapped_column(Date)  # the unique (day, ...) index serves it
    path: Mapped[str] = mapped_column(String(300))
    views: Mapped[int] = mapped_column(Integer, default=0)


class ReferrerCount(Model):
    __tablename__ = "referrer_counts"
    __table_args__ = (UniqueConstraint("day", "host"),)

    day: Mapped[date] = mapped_column(Date)  # the unique (day, ...) index serves it
    host: Mapped[str] = mapped_column(String(253))
    views: Mapped[int] = mapped_column(Integer, default=0)
    # Distinct readers that day (0 for days counted before readers were).
    readers: Mapped[int] = mapped_column(Integer, default=0, server_default="0")


class ViewSalt(Model):
    __tablename__ = "view_salts"

    day: Mapped[date] = mapped_column(Date, unique=True)
    salt: Mapped[str] = mapped_column(String(64))


class ViewSeen(Model):
    __tablename__ = "view_seen"
    __table_args__ = (UniqueConstraint("day", "digest"),)

    day: Mapped[date] = mapped_column(Date)
    digest: Mapped[str] = mapped_column(String(64))
