"""The site's comments at a glance: the latest ones, the most discussed posts, and
the replies a reader has had.

Both read approved comments only, on posts published now (a comment on a post
that became a draft, or was removed, is not shown). They are site-wide, so
their cached answers change with any post's comments (``readcache.ANY``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, or_, select
from sqlalchemy.orm import aliased

from frostpress.content.models import Post
from sidecar.database import DbSession, now_utc
from sidecar.models import Comment, Status, User
from sidecar.services.catalog import PostCatalog
from sidecar.services.unit import transaction

__all__ = ["MAX_LIMIT", "Activity", "Discussed", "Recent", "Replies"]

MAX_LIMIT = 50


@dataclass(frozen=True)
class Recent:
    comment: Comment
    post: Post
    url: str


@dataclass(frozen=True)
class Replies:
    found: list[Recent]  # newest first
    unread: set[int]  # the ids of those made after the reader last looked
    unread_count: int  # of all of them, not only the ones listed


@dataclass(frozen=True)
class Discussed:
    post: Post
    url: str
    comments: int


class Activity:
    def __init__(self, session: DbSession, catalog: PostCatalog) -> None:
        self.session = session
        self.catalog = catalog

    def _published(self) -> dict[str, Post]:
        return {post.slug: post for post in self.catalog.index().posts}

    def recent(self, limit: int, slug: str | None = None) -> list[Recent]:
        """The ``limit`` latest approved comments, newest first (on ``slug`` only)."""
        published = self._published()
        if slug is not None:
            published = {slug: published[slug]} if slug in published else {}
        if not published:
            return []
        rows = self.session.scalars(
            select(Comment)
            .where(Comment.status == Status.APPROVED.value, Comment.post_slug.in_(published))
            .order_by(Comment.created_at.desc(), Comment.id.desc())
            .limit(min(limit, MAX_LIMIT))
        )
        return [
            Recent(c, published[c.post_slug], self.catalog.url(published[c.post_slug]))
            for c in rows
        ]

    def most_discussed(self, limit: int) -> list[Discussed]:
        """The posts with the most approved comments, most first (ties by slug)."""
        published = self._published()
        if not published:
            return []
        count = func.count().label("n")
        rows = self.session.execute(
            select(Comment.post_slug, count)
            .where(Comment.status == Status.APPROVED.value, Comment.post_slug.in_(published))
            .group_by(Comment.post_slug)
            .order_by(count.desc(), Comment.post_slug)
            .limit(min(limit, MAX_LIMIT))
        ).all()
        return [Discussed(published[s], self.catalog.url(published[s]), int(n)) for s, n in rows]

    # -- replies to one reader ----------------------------------------------------------
    def _replies_to(self, user: User, published: dict[str, Post]) -> Any:
        """Approved replies by others to ``user``'s comments, on published posts."""
        parent = aliased(Comment)
        return (
            select(Comment)
            .join(parent, Comment.parent_id == parent.id)
            .where(
                parent.author_id == user.id,
                # A guest's reply has no author_id: "!=" alone would leave it out.
                or_(Comment.author_id.is_(None), Comment.author_id != user.id),
                Comment.status == Status.APPROVED.value,
                Comment.post_slug.in_(published),
            )
        )

    def replies(self, user: User, limit: int) -> Replies:
        published = self._published()
        if not published:
            return Replies([], set(), 0)
        query = self._replies_to(user, published)
        rows = self.session.scalars(
            query.order_by(Comment.created_at.desc(), Comment.id.desc()).limit(
                min(limit, MAX_LIMIT)
            )
        ).all()
        since = user.replies_read_at
        new = query.where(Comment.created_at > since) if since is not None else query
        count = self.session.scalar(select(func.count()).select_from(new.subquery()))
        return Replies(
            [
                Recent(c, published[c.post_slug], self.catalog.url(published[c.post_slug]))
                for c in rows
            ],
            {c.id for c in rows if since is None or c.created_at > since},
            int(count or 0),
        )

    def mark_replies_read(self, user: User) -> None:
        with transaction(self.session):
            user.replies_read_at = now_utc()
