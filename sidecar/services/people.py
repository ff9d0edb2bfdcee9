"""Managing accounts: finding people, roles, bans. Every change is audited.

- Moderators and admins may look people up and ban or unban commenters; only
  admins grant or take away roles, and only admins ban moderators or admins.
- Nobody changes their own role or bans themselves (no one locks the last
  admin out by accident).
- A role change or a ban bumps the session version, so the person's open
  sessions and copied cookies stop working, and ends their live access (their
  sockets leave the moderators' room). A ban also takes their pending
  comments out of the queue (rejected) and stops them signing in or commenting.
"""

from __future__ import annotations

from typing import Any, cast

from sqlalchemy import CursorResult, func, or_, select, update

from sidecar.database import DbSession, contains, now_utc
from sidecar.errors import Forbidden, NotFound
from sidecar.models import Action, Comment, Role, Status, User
from sidecar.services.audit import AuditLog
from sidecar.services.events import Publisher, RecordingPublisher
from sidecar.services.paging import Page, paginate
from sidecar.services.unit import transaction

__all__ = ["People"]


class People:
    def __init__(self, session: DbSession, events: Publisher | None = None) -> None:
        self.session = session
        self.events: Publisher = events if events is not None else RecordingPublisher()

    def get(self, user_id: int) -> User:
        user = self.session.get(User, user_id)
        if user is None:
            raise NotFound("No such user.", code="user_not_found")
        return user

    def search(
        self, text: str = "", role: str = "", page: int = 1, per_page: int = 50
    ) -> Page[tuple[User, int]]:
        """People, newest first, each with how many comments they wrote."""
        query = select(User)
        if text.strip():
            needle = contains(text)
            query = query.where(
                or_(
                    func.lower(User.username).like(needle, escape="\\"),
                    func.lower(User.email).like(needle, escape="\\"),
                )
            )
        if role in {r.value for r in Role}:
            query = query.where(User.role == role)
        elif role == "banned":
            query = query.where(User.banned_at.is_not(None))
        found = paginate(
            self.session, query.order_by(User.created_at.desc(), User.id.desc()), page, per_page
        )
        users: list[User] = found.items
        counts = dict(
            self.session.execute(
                select(Comment.author_id, func.count())
                .where(Comment.author_id.in_([u.id for u in users]))
                .group_by(Comment.author_id)
            ).all()
        )
        return Page([(u, int(counts.get(u.id, 0))) for u in users], found.total, page, per_page)

    def _audit(self, actor: User, action: Action, user: User, detail: str) -> None:
        AuditLog(self.session).record(actor, action, "user", user.id, detail)

    def set_role(self, actor: User, user_id: int, role: Role) -> User:
        if actor.role != Role.ADMIN.value:
            raise Forbidden("Only admins can change roles.")
        user = self.get(user_id)
        if user.id == actor.id:
            raise Forbidden("You cannot change your own role.")
        if user.role == role.value:
            return user
        with transaction(self.session):
            before = user.role
            user.role = role.value
            user.session_version += 1
            self._audit(actor, Action.ROLE, user, f"{before} → {role.value}")
        self.events.end_live_access(user.id)
        return user

    def _may_ban(self, actor: User, user: User) -> None:
        if not actor.is_moderator:
            raise Forbidden("Only moderators can ban.")
        if user.id == actor.id:
            raise Forbidden("You cannot ban yourself.")
        if user.is_moderator and actor.role != Role.ADMIN.value:
            raise Forbidden("Only admins can ban moderators and admins.")

    def ban(self, actor: User, user_id: int) -> int:
        """Ban; returns how many pending comments left the queue with it."""
        user = self.get(user_id)
        self._may_ban(actor, user)
        if user.banned_at is not None:
            return 0
        with transaction(self.session):
            user.banned_at = now_utc()
            user.session_version += 1
            rejected = cast(
                CursorResult[Any],
                self.session.execute(
                    update(Comment)
                    .where(Comment.author_id == user.id, Comment.status == Status.PENDING.value)
                    .values(status=Status.REJECTED.value)
                ),
            ).rowcount
            self._audit(actor, Action.BAN, user, f"{rejected} pending comments rejected")
        self.events.end_live_access(user.id)
        return int(rejected)

    def unban(self, actor: User, user_id: int) -> User:
        user = self.get(user_id)
        self._may_ban(actor, user)
        if user.banned_at is None:
            return user
        with transaction(self.session):
            user.banned_at = None
            self._audit(actor, Action.UNBAN, user, "")
        return user
