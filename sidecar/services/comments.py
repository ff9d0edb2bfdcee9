"""Comments: who may write what, where, and who sees it.

- A comment needs a signed-in, confirmed, unbanned author and a post the
  engine publishes now; a reply's parent must be on the same post, and a
  reply deeper than ``max_depth`` attaches to the deepest allowed ancestor.
- The body is 1–8,000 characters, also once its tabs are expanded, rendered
  once at write time and stored sanitised beside its source.
- Moderation: ``none`` approves at once, ``first`` holds a user's first
  comment, ``all`` holds every one; moderators are never held.
- Authors edit within the edit window, moderators any time; deleting keeps a
  tombstone so replies stay readable.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from sqlalchemy import exists, func, or_, select
from sqlalchemy.orm import Session

from sidecar.database import now_utc
from sidecar.errors import DomainError, Forbidden, Invalid, NotFound
from sidecar.models import Comment, Status, User
from sidecar.models.comment import REMOVED
from sidecar.services.catalog import PostCatalog
from sidecar.services.events import ADMIN_ROOM, Publisher, RecordingPublisher, post_room
from sidecar.services.payloads import comment_payload
from sidecar.services.rendering import prepare, render_comment
from sidecar.services.unit import transaction

__all__ = ["CommentRules", "Comments", "Notice", "announce", "notice", "validate_body"]

MAX_BODY = 8000


class PostNotFound(NotFound):
    code = "post_not_found"


class CommentNotFound(NotFound):
    code = "comment_not_found"


class EditWindowClosed(Forbidden):
    code = "edit_window_closed"


Notice = tuple[str, str, dict[str, Any]]  # room, event, payload


def notice(event: str, comment: Comment) -> Notice | None:
    """Who hears of ``event`` on ``comment``: readers of the post hear of approved
    comments (and of removed ones, as tombstones); moderators of the ones waiting
    for them. Nothing else is ever broadcast."""
    if comment.status == Status.PENDING.value:
        if event == "comment:new":
            return ADMIN_ROOM, "moderation:new", comment_payload(comment)
        return None
    if comment.status == Status.APPROVED.value or comment.is_removed:
        return post_room(comment.post_slug), event, comment_payload(comment)
    return None


def announce(events: Publisher, event: str, comment: Comment) -> None:
    """Publish ``notice(event, comment)``, if any; call it after the commit."""
    found = notice(event, comment)
    if found is not None:
        events.publish(*found)


@dataclass(frozen=True)
class CommentRules:
    moderation: str = "first"
    edit_window: timedelta = timedelta(minutes=15)
    max_depth: int = 5


def validate_body(body: str) -> str:
    if "\x00" in body:
        raise Invalid(
            "The comment contains a NUL character.", fields={"body": "contains a NUL character"}
        )
    stripped = body.strip()
    if not stripped:
        raise Invalid("The comment is empty.", fields={"body": "must not be empty"})
    if len(body) > MAX_BODY:
        raise Invalid(
            f"The comment is {len(body)} characters long; the limit is {MAX_BODY}.",
            fields={"body": f"at most {MAX_BODY} characters ({len(body)} given)"},
        )
    parsed = len(prepare(body))  # the limit holds for what is rendered: tabs expanded
    if parsed > MAX_BODY:
        raise Invalid(
            f"The comment is {parsed} characters long once its tabs are expanded to "
            f"spaces; the limit is {MAX_BODY}.",
            fields={"body": f"at most {MAX_BODY} characters with tabs expanded ({parsed} given)"},
        )
    return body


class Comments:
    def __init__(
        self,
        session: Session,
        catalog: PostCatalog,
        rules: CommentRules,
        events: Publisher | None = None,
    ) -> None:
        self.session = session
        self.catalog = catalog
        self.rules = rules
        self.events: Publisher = events if events is not None else RecordingPublisher()

    def _announce(self, event: str, comment: Comment) -> None:
        announce(self.events, event, comment)

    def _post_or_404(self, slug: str) -> None:
        if self.catalog.post(slug) is None:
            raise PostNotFound(f"There is no published post {slug!r}.")

    def _comment_or_404(self, comment_id: int) -> Comment:
        comment = self.session.get(Comment, comment_id)
        if comment is None or (comment.status not in (Status.APPROVED, Status.PENDING)):
            raise CommentNotFound("No such comment.")
        return comment

    # -- reading ------------------------------------------------------------------------
    def thread(self, slug: str, viewer: User | None) -> list[Comment]:
        """The whole thread in one query, oldest first: approved comments, the viewer's
        own pending ones, and tombstones of deleted comments with something visible
        below them (so replies keep their place)."""
        self._post_or_404(slug)
        visible = [Comment.status.in_([Status.APPROVED.value, *REMOVED])]
        if viewer is not None:
            visible.append(
                (Comment.status == Status.PENDING.value) & (Comment.author_id == viewer.id)
            )
        query = (
            select(Comment)
            .where(Comment.post_slug == slug, or_(*visible))
            .order_by(Comment.created_at, Comment.id)
        )
        comments = list(self.session.scalars(query).unique())
        # Replies come after their parents: walking backwards, a tombstone is kept
        # exactly when something kept below it asked for its parent.
        needed: set[int] = set()
        kept: list[Comment] = []
        for comment in reversed(comments):
            if comment.is_removed and comment.id not in needed:
                continue
            kept.append(comment)
            if comment.parent_id is not None:
                needed.add(comment.parent_id)
        kept.reverse()
        return kept

    def counts(self, slugs: Iterable[str]) -> dict[str, int]:
        wanted = list(dict.fromkeys(slugs))
        rows = self.session.execute(
            select(Comment.post_slug, func.count())
            .where(Comment.post_slug.in_(wanted), Comment.status == Status.APPROVED.value)
            .group_by(Comment.post_slug)
        )
        found = {slug: count for slug, count in rows}
        return {slug: int(found.get(slug, 0)) for slug in wanted}

    # -- writing ------------------------------------------------------------------------
    def _check_author(self, author: User) -> None:
        if not author.is_active:
            raise Forbidden("This account is banned.", code="banned")
        if not author.is_confirmed:
            raise Forbidden(
                "Confirm your email address before commenting.", code="email_unconfirmed"
            )

    def _status_for(self, author: User) -> str:
        if author.is_moderator or self.rules.moderation == "none":
            return Status.APPROVED.value
        if self.rules.moderation == "all":
            return Status.PENDING.value
        approved_before = self.session.scalar(
            select(
                exists().where(
                    Comment.author_id == author.id, Comment.status == Status.APPROVED.value
                )
            )
        )
        return Status.APPROVED.value if approved_before else Status.PENDING.value

    def _parent(self, slug: str, parent_id: int | None) -> Comment | None:
        if parent_id is None:
            return None
        parent = self.session.get(Comment, parent_id)
        if (
            parent is None
            or parent.post_slug != slug
            or parent.status not in (Status.APPROVED.value, Status.DELETED.value)
        ):
            raise Invalid(
                "The comment you reply to is not on this post.",
                fields={"parent_id": "no such comment on this post"},
            )
        while parent.depth >= self.rules.max_depth - 1 and parent.parent_id is not None:
            parent = self.session.get(Comment, parent.parent_id)  # deepest allowed ancestor
            assert parent is not None
        return parent

    def create(self, author: User, slug: str, body: str, parent_id: int | None = None) -> Comment:
        self._post_or_404(slug)
        self._check_author(author)
        body = validate_body(body)
        parent = self._parent(slug, parent_id)
        with transaction(self.session):
            comment = Comment(
                post_slug=slug,
                author_id=author.id,
                author=author,
                parent_id=parent.id if parent else None,
                depth=parent.depth + 1 if parent else 0,
                body_source=body,
                body_html=render_comment(body),
                status=self._status_for(author),
            )
            self.session.add(comment)
        self._announce("comment:new", comment)
        return comment

    def edit_refusal(self, user: User, comment: Comment) -> DomainError | None:
        """Why ``user`` may not edit ``comment`` now, or None if they may."""
        if comment.is_deleted:
            return CommentNotFound("No such comment.")
        if user.is_moderator:
            return None
        if comment.author_id != user.id:
            return Forbidden("Only the author or a moderator can edit this comment.")
        if not user.is_active:
            return Forbidden("This account is banned.", code="banned")
        if now_utc() - comment.created_at > self.rules.edit_window:
            minutes = int(self.rules.edit_window.total_seconds() // 60)
            return EditWindowClosed(f"Comments can be edited for {minutes} minutes after posting.")
        return None

    def delete_refusal(self, user: User, comment: Comment) -> DomainError | None:
        if comment.is_deleted:
            return CommentNotFound("No such comment.")
        if user.is_moderator or comment.author_id == user.id:
            return None
        return Forbidden("Only the author or a moderator can delete this comment.")

    def get(self, comment_id: int, slug: str | None = None) -> Comment:
        """One live comment; with ``slug``, only if it is on that post."""
        comment = self._comment_or_404(comment_id)
        if slug is not None and comment.post_slug != slug:
            raise CommentNotFound("No such comment on this post.")
        return comment

    def edit(self, user: User, comment_id: int, body: str, *, slug: str | None = None) -> Comment:
        comment = self.get(comment_id, slug)
        if (refusal := self.edit_refusal(user, comment)) is not None:
            raise refusal
        body = validate_body(body)
        with transaction(self.session):
            comment.body_source = body
            comment.body_html = render_comment(body)
            comment.edited_at = now_utc()
        self._announce("comment:updated", comment)
        return comment

    def delete(self, user: User, comment_id: int, *, slug: str | None = None) -> Comment:
        comment = self.get(comment_id, slug)
        if (refusal := self.delete_refusal(user, comment)) is not None:
            raise refusal
        was_public = comment.status == Status.APPROVED.value
        with transaction(self.session):
            comment.tombstone()
        if was_public:
            self._announce("comment:deleted", comment)
        return comment

    @staticmethod
    def preview(body: str) -> str:
        return render_comment(validate_body(body))
