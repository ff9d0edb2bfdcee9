"""Reading the audit log (entries are written by the services that act)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from sidecar.models import AuditEntry, User

__all__ = ["AuditLog", "AuditPage"]


@dataclass(frozen=True)
class AuditPage:
    items: list[AuditEntry]
    total: int
    page: int
    per_page: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))


class AuditLog:
    def __init__(self, session: Session) -> None:
        self.session = session

    def entries(
        self,
        action: str = "",
        actor: str = "",
        target_type: str = "",
        target_id: int | None = None,
        page: int = 1,
        per_page: int = 50,
    ) -> AuditPage:
        """Newest first, filtered by action, actor's username and target."""
        query = select(AuditEntry)
        if action:
            query = query.where(AuditEntry.action == action)
        if actor.strip():
            query = query.join(AuditEntry.actor).where(
                func.lower(User.username) == actor.strip().lower()
            )
        if target_type:
            query = query.where(AuditEntry.target_type == target_type)
        if target_id is not None:
            query = query.where(AuditEntry.target_id == target_id)
        total = self.session.scalar(select(func.count()).select_from(query.subquery())) or 0
        items = self.session.scalars(
            query.order_by(AuditEntry.created_at.desc(), AuditEntry.id.desc())
            .limit(per_page)
            .offset((page - 1) * per_page)
        ).unique()
        return AuditPage(list(items), int(total), page, per_page)
