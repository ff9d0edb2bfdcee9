"""The audit log: the acting services write to it inside their own transaction,
the dashboard reads it."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import contains_eager

from sidecar.database import DbSession
from sidecar.models import Action, AuditEntry, User
from sidecar.services.paging import Page, paginate

__all__ = ["AuditLog"]


class AuditLog:
    def __init__(self, session: DbSession) -> None:
        self.session = session

    def record(
        self, actor: User, action: Action, target_type: str, target_id: int, detail: str = ""
    ) -> None:
        """Add an entry to the caller's transaction: it commits with the change it records."""
        self.session.add(
            AuditEntry(
                actor_id=actor.id,
                action=action.value,
                target_type=target_type,
                target_id=target_id,
                detail=detail[:1000],
            )
        )

    def latest(self, action: Action) -> AuditEntry | None:
        """The newest entry for ``action`` (e.g. the last rebuild)."""
        entry: AuditEntry | None = self.session.scalar(
            select(AuditEntry)
            .where(AuditEntry.action == action.value)
            .order_by(AuditEntry.created_at.desc(), AuditEntry.id.desc())
            .limit(1)
        )
        return entry

    def entries(
        self,
        action: str = "",
        actor: str = "",
        target_type: str = "",
        target_id: int | None = None,
        page: int = 1,
        per_page: int = 50,
    ) -> Page[AuditEntry]:
        """Newest first, filtered by action, actor's username and target."""
        query = select(AuditEntry)
        if action:
            query = query.where(AuditEntry.action == action)
        if actor.strip():
            query = (  # the join also loads the actor (not a second join)
                query.join(AuditEntry.actor)
                .options(contains_eager(AuditEntry.actor))
                .where(func.lower(User.username) == actor.strip().lower())
            )
        if target_type:
            query = query.where(AuditEntry.target_type == target_type)
        if target_id is not None:
            query = query.where(AuditEntry.target_id == target_id)
        newest_first = query.order_by(AuditEntry.created_at.desc(), AuditEntry.id.desc())
        return paginate(self.session, newest_first, page, per_page)
