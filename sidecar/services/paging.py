"""One page of a longer list: the dashboard's queue, people and audit log."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from sqlalchemy import Select, func

from sidecar.database import DbSession

__all__ = ["Page", "paginate"]

T = TypeVar("T")


@dataclass(frozen=True)
class Page(Generic[T]):
    items: list[T]
    total: int
    page: int
    per_page: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))


def paginate(session: DbSession, query: Select[Any], page: int, per_page: int) -> Page[Any]:
    """``query`` (already ordered) cut to ``page``, with the total it had."""
    # Count the rows, not their columns in order: drop ORDER BY and eager loads.
    counted = query.order_by(None).with_only_columns(func.count(), maintain_column_froms=True)
    total = session.scalar(counted) or 0
    items = session.scalars(query.limit(per_page).offset((page - 1) * per_page)).unique()
    return Page(list(items), int(total), page, per_page)
