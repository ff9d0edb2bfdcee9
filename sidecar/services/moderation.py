"""Moderation: the queue, and what moderators do to comments.

- The queue lists comments by status (pending by default), newest first,
  filtered by post, author and text.
- Approve publishes a comment (readers hear ``comment:new``); under ``first``
  moderation also the replies its author made to it while it was held, which
  the approval's trust would have let through anyway (under ``all`` each
  waits for its own review); reject and spam
  take it out of public view, keeping its text for a later change of mind
  (readers hear ``comment:deleted`` if it was public); delete leaves a
  tombstone, as an author's own delete does.
- Every action, one comment or many at once, is written to the audit log in the
  same transaction; announcements go out after the commit.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import contains_eager

from sidecar.database import DbSession, contains
from sidecar.errors import Forbidden, Invalid
from sidecar.models import Action, Comment, Status, User
from sidecar.services.audit import AuditLog
from sidecar.services.comment_rules import Notice, notice
from sidecar.services.events import ADMIN_ROOM, Publisher
from sidecar.services.notifications import Notifications
from sidecar.services.paging import Page, paginate
from sidecar.services.unit import transaction

__all__ = ["COMMENT_ACTIONS", "Moderation", "QueueFilter"]

# What each action does to a comment, and from which statuses it may.
_TARGET = {
    Action.APPROVE: Status.APPROVED,
    Action.REJECT: Status.REJECTED,
    Action.SPAM: Status.SPAM,
    Action.DELETE: Status.DELETED,
}
COMMENT_ACTIONS = tuple(_TARGET)
_STATUSES = tuple(s.value for s in Status)
MAX_BULK = 200


@dataclass(frozen=True)
class QueueFilter:
    status: str = Status.PENDING.value  # or "all"
    post: str = ""
    author: str = ""
    text: str = ""
    page: int = 1
    per_page: int = 50


class Moderation:
    def __init__(
        self,
        session: DbSession,
        events: Publisher,
        policy: str = "first",
        notifications: Notifications | None = None,
    ) -> None:
        self.session = session
        self.events = events
        self.policy = policy  # the MODERATION setting
        self.notifications = notifications  # reply mail, owed once a reply is approved

    def queue(self, wanted: QueueFilter) -> Page[Comment]:
        if wanted.status != "all" and wanted.status not in _STATUSES:
            raise Invalid("Unknown status.", fields={"status": f"one of {', '.join(_STATUSES)}"})
        query = select(Comment)
        if wanted.status != "all":
            query = query.where(Comment.status == wanted.status)
        if wanted.post:
            query = query.where(Comment.post_slug == wanted.post.strip())
        if wanted.author:
            query = (  # the join also loads the author (not a second join)
                query.join(Comment.author)
                .options(contains_eager(Comment.author))
                .where(func.lower(User.username) == wanted.author.strip().lower())
            )
        if wanted.text:
            query = query.where(
                func.lower(Comment.body_source).like(contains(wanted.text), escape="\\")
            )
        newest_first = query.order_by(Comment.created_at.desc(), Comment.id.desc())
        return paginate(self.session, newest_first, wanted.page, wanted.per_page)

    def pending_count(self) -> int:
        count = self.session.scalar(
            select(func.count()).where(Comment.status == Status.PENDING.value)
        )
        return int(count or 0)

    def apply(self, actor: User, action: Action, ids: Sequence[int]) -> list[Comment]:
        """Do ``action`` to every comment in ``ids`` (one transaction); returns the
        comments it changed. Comments already in that state are left alone."""
        if not actor.is_moderator:
            raise Forbidden("Only moderators can moderate comments.")
        if action not in _TARGET:
            raise Invalid(f"{action!r} is not a comment action.")
        wanted = sorted(set(ids))
        if not wanted or len(wanted) > MAX_BULK:
            raise Invalid(
                f"Choose between 1 and {MAX_BULK} comments.",
                fields={"ids": f"1 to {MAX_BULK} comment ids"},
            )
        target = _TARGET[action].value
        audit = AuditLog(self.session)
        changed: list[Comment] = []
        pending = 0  # how many left the waiting queue
        notices: list[Notice] = []  # made before the commit expires the rows
        with transaction(self.session):
            found = list(self.session.scalars(select(Comment).where(Comment.id.in_(wanted))))
            if action is Action.APPROVE and self.policy == "first":
                found += self._held_replies(found, wanted)
            for comment in found:
                if comment.status == target or comment.is_deleted:
                    continue  # nothing to do; a tombstone stays a tombstone
                before = comment.status
                if action is Action.DELETE:
                    comment.tombstone()
                else:
                    comment.status = target
                detail = f"{before} → {target} on {comment.post_slug}"
                audit.record(actor, action, "comment", comment.id, detail)
                changed.append(comment)
                pending += before == Status.PENDING.value
                if action is Action.APPROVE:
                    told = notice("comment:new", comment)
                elif before == Status.APPROVED.value:
                    told = notice("comment:deleted", comment)
                else:
                    told = None  # it was never public
                if told is not None:
                    notices.append(told)
            if action is Action.APPROVE and self.notifications is not None:
                self.notifications.replies_approved(changed)
            if action is Action.DELETE and self.notifications is not None:
                self.notifications.forget(changed)
            if changed:  # other moderators' open queues drop what was dealt with
                done = {
                    "ids": [c.id for c in changed],
                    "action": action.value,
                    "status": target,
                    "was_pending": pending,
                }
                notices.append((ADMIN_ROOM, "moderation:done", done))
        for room, event, payload in notices:
            self.events.publish(room, event, payload)
        return changed

    def _held_replies(self, parents: list[Comment], chosen: Sequence[int]) -> list[Comment]:
        """The held replies each author made below their own held ``parents``
        (they waited with them), parents first, not already ``chosen``."""
        found: list[Comment] = []
        level = [c for c in parents if c.status == Status.PENDING.value]
        seen = set(chosen)
        while level:
            # Keyed as the replies' parent_id is typed (never None: they are replies).
            authors: dict[int | None, int | None] = {c.id: c.author_id for c in level}
            replies = [
                reply
                for reply in self.session.scalars(
                    select(Comment)
                    .where(
                        Comment.parent_id.in_(authors),
                        Comment.status == Status.PENDING.value,
                    )
                    .order_by(Comment.id)
                )
                if reply.author_id is not None  # guests are strangers, even to each other
                and reply.author_id == authors[reply.parent_id]
                and reply.id not in seen
            ]
            seen.update(r.id for r in replies)
            found += replies
            level = replies
        return found
