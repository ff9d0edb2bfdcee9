"""The declarative base: every table has ``id``, ``created_at`` and ``updated_at``."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any, TypeAlias

from sqlalchemy import DateTime, MetaData
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column, scoped_session
from sqlalchemy.types import TypeDecorator
from werkzeug.routing import IntegerConverter

__all__ = [
    "SEARCH_TABLES",
    "Base",
    "DbSession",
    "RowId",
    "UTCDateTime",
    "autogenerate_includes",
    "contains",
    "now_utc",
]

# Made by hand in the migrations, differently per database (see services.search).
SEARCH_TABLES = "search_"


class RowId(IntegerConverter):
    """``<int:...>`` in a URL: a row id, at most 9 digits (PostgreSQL's ids hold 31 bits).

    A larger number used to reach the query and fail there (a 500: SQLite's
    "Python int too large to convert to SQLite INTEGER", PostgreSQL's "integer
    out of range"). Bounded by the pattern, so
    such a path matches no route at all (a 404 whatever the method: a bound
    checked after matching makes werkzeug answer 405), and the OpenAPI
    document gives the bound."""

    regex = r"\d{1,9}"

    def __init__(self, map: Any, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("max", 10**9 - 1)
        super().__init__(map, *args, **kwargs)


def contains(text: str) -> str:
    """A LIKE pattern (escape character ``\\``) for ``text`` anywhere, lower-cased:
    a user's ``%`` and ``_`` are literal characters, not wildcards."""
    escaped = text.strip().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped.lower()}%"


def autogenerate_includes(name: str | None, type_: str, parent_names: object) -> bool:
    """What Alembic's autogenerate compares: everything but the search index."""
    return not (type_ == "table" and (name or "").startswith(SEARCH_TABLES))


NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def now_utc() -> datetime:
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator[datetime]):
    """Timezone-aware UTC datetimes on every database (SQLite forgets the zone)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: object) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to the database; use now_utc()")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: object) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


# What the services are given: a plain session (tests, scripts) or ``db.session``,
# Flask-SQLAlchemy's scoped one (of its own Session class: hence ``Any``).
DbSession: TypeAlias = Session | scoped_session[Any]


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)

    id: Mapped[int] = mapped_column(primary_key=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc, onupdate=now_utc)
