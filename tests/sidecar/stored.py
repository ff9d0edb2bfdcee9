"""Comments written straight into the database, at a chosen age, for tests of reads."""

from __future__ import annotations

from datetime import timedelta

from flask import Flask

from sidecar.database import now_utc
from sidecar.extensions import db
from sidecar.models import Comment, User

__all__ = ["stored_comment"]


def stored_comment(
    app: Flask, author: User, slug: str, html: str, minutes_ago: int, status: str
) -> int:
    """A comment by ``author`` on ``slug``, made ``minutes_ago``, in ``status``: its id."""
    with app.app_context():
        at = now_utc() - timedelta(minutes=minutes_ago)
        comment = Comment(
            post_slug=slug,
            author_id=author.id,
            body_source="x",
            body_html=html,
            status=status,
            created_at=at,
            updated_at=at,
        )
        db.session.add(comment)
        db.session.commit()
        return int(comment.id)
