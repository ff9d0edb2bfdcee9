"""A post's thread read a page at a time, top-level comments being the unit.

- A page holds ``per_page`` top-level comments, oldest or newest first, each
  with every reply below it (replies oldest first, under their parents).
- Shown are approved comments, the viewer's own pending ones, and
  placeholders (no author, no words) for comments withheld from the viewer
  with something shown below them, so replies keep their place: removed ones
  (deleted, rejected, spam) and others' held ones (an approved comment whose
  author edited it goes back to the queue). A top-level placeholder counts as
  a top-level comment exactly when it is shown.
- The database does the work, whatever the thread's size: one statement
  finds the page's trees (the page's top-level ids, then their descendants
  by a recursive CTE over ``parent_id``) and counts the top-level comments
  shown, one reads those rows by primary key. Nothing loads the whole
  thread to slice it, and no statement scans the table.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, and_, func, or_, select
from sqlalchemy.orm import aliased

from sidecar.database import DbSession
from sidecar.models import Comment, Status, User
from sidecar.models.comment import REMOVED
from sidecar.services.paging import Page

__all__ = [
    "DEFAULT_PER_PAGE",
    "MAX_PER_PAGE",
    "ORDERS",
    "page_of_root",
    "root_of",
    "trees",
    "withheld",
]

ORDERS = ("oldest", "newest")
DEFAULT_PER_PAGE = 50
MAX_PER_PAGE = 100


# What may stand in a thread as a placeholder, when something below it is shown.
PLACEHOLDERS = (*REMOVED, Status.PENDING.value)


def withheld(comment: Comment, viewer: User | None) -> bool:
    """Whether ``viewer`` sees ``comment`` only as a placeholder (``_visible`` in Python)."""
    if comment.status == Status.PENDING.value:
        return viewer is None or comment.author_id != viewer.id
    return comment.is_removed


def _visible(viewer: User | None, comment: Any = Comment) -> ColumnElement[bool]:
    """Shown with its words: approved, or the viewer's own while it waits."""
    approved: ColumnElement[bool] = comment.status == Status.APPROVED.value
    if viewer is None:
        return approved
    return or_(
        approved, and_(comment.status == Status.PENDING.value, comment.author_id == viewer.id)
    )


def _shown_roots(slug: str, viewer: User | None) -> list[ColumnElement[bool]]:
    """Which top-level comments of ``slug`` are shown (to ``viewer``)."""
    # Withheld top-level comments are shown only with something visible below
    # them: walk down from them alone (they are few), never the whole thread.
    below = (
        select(Comment.id.label("id"), Comment.id.label("root_id"))
        .where(
            Comment.post_slug == slug,
            Comment.parent_id.is_(None),
            Comment.status.in_(PLACEHOLDERS),
        )
        .cte("below_removed", recursive=True)
    )
    reply = aliased(Comment)
    below = below.union_all(select(reply.id, below.c.root_id).where(reply.parent_id == below.c.id))
    seen = aliased(Comment)
    rescued = (  # same post (replies always are): the index bounds it to this thread
        select(below.c.root_id)
        .join(seen, seen.id == below.c.id)
        .where(seen.post_slug == slug, _visible(viewer, seen))
    )
    return [
        Comment.post_slug == slug,
        Comment.parent_id.is_(None),
        or_(_visible(viewer), Comment.id.in_(rescued)),
    ]


def _needed(comments: list[Comment], viewer: User | None) -> list[Comment]:
    """Drop placeholders with nothing kept below them. Replies come after their
    parents: walking backwards, a placeholder is kept exactly when something
    kept below it asked for its parent."""
    needed: set[int] = set()
    kept: list[Comment] = []
    for comment in reversed(comments):
        if withheld(comment, viewer) and comment.id not in needed:
            continue
        kept.append(comment)
        if comment.parent_id is not None:
            needed.add(comment.parent_id)
    kept.reverse()
    return kept


def trees(
    session: DbSession, slug: str, viewer: User | None, page: int, per_page: int, order: str
) -> Page[Comment]:
    """Page ``page`` of the thread: its top-level comments in ``order``, each
    followed by its replies; ``total`` counts top-level comments."""
    shown = _shown_roots(slug, viewer)
    counted = select(func.count()).select_from(Comment).where(*shown)
    newest = order == "newest"
    by_age = (
        (Comment.created_at.desc(), Comment.id.desc())
        if newest
        else (Comment.created_at, Comment.id)
    )
    roots = (
        select(Comment.id, Comment.created_at)
        .where(*shown)
        .order_by(*by_age)
        .limit(per_page)
        .offset((page - 1) * per_page)
        .subquery("page_roots")
    )
    tree = select(
        roots.c.id.label("id"),
        roots.c.id.label("root_id"),
        roots.c.created_at.label("root_at"),
    ).cte("page_trees", recursive=True)
    reply = aliased(Comment)
    tree = tree.union_all(
        select(reply.id, tree.c.root_id, tree.c.root_at).where(reply.parent_id == tree.c.id)
    )
    root_order = (
        (tree.c.root_at.desc(), tree.c.root_id.desc())
        if newest
        else (tree.c.root_at, tree.c.root_id)
    )
    # The page's ids (with the count), then its rows by primary key: joining the
    # walk to the table in one statement lets PostgreSQL guess the walk's size
    # (hundreds) and scan every comment of the site to hash them.
    placed = session.execute(
        select(tree.c.id, tree.c.root_id, counted.scalar_subquery()).order_by(*root_order)
    ).all()
    if not placed:  # past the end, or nothing shown: the count alone
        return Page([], int(session.scalar(counted) or 0), page, per_page)
    total = placed[0][2]
    rank: dict[int, int] = {}
    root_of_id: dict[int, int] = {}
    for comment_id, root_id, _total in placed:
        rank.setdefault(root_id, len(rank))
        root_of_id[comment_id] = root_id
    query = select(Comment).where(
        Comment.id.in_(list(root_of_id)),
        or_(_visible(viewer), Comment.status.in_(PLACEHOLDERS)),
    )
    comments = sorted(
        session.scalars(query).unique(),
        key=lambda c: (rank[root_of_id[c.id]], c.created_at, c.id),
    )
    return Page(_needed(comments, viewer), int(total), page, per_page)


def root_of(session: DbSession, comment: Comment) -> Comment:
    """The top-level comment ``comment`` hangs under (itself if it is one)."""
    while comment.parent_id is not None:
        parent = session.get(Comment, comment.parent_id)
        assert parent is not None  # parent_id is a foreign key
        comment = parent
    return comment


def page_of_root(session: DbSession, root: Comment, viewer: User | None, per_page: int) -> int:
    """The page (oldest first) on which ``root``, a top-level comment, is shown."""
    earlier = or_(
        Comment.created_at < root.created_at,
        and_(Comment.created_at == root.created_at, Comment.id < root.id),
    )
    before = session.scalar(
        select(func.count())
        .select_from(Comment)
        .where(*_shown_roots(root.post_slug, viewer), earlier)
    )
    return int(before or 0) // per_page + 1
