"""A comment as clients see it: the API's body and the live events' payload."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sidecar.models import Comment, Status

__all__ = ["comment_payload"]


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def comment_payload(comment: Comment) -> dict[str, Any]:
    deleted = comment.status == Status.DELETED.value
    return {
        "id": comment.id,
        "post": comment.post_slug,
        "parent_id": comment.parent_id,
        # A tombstone keeps its place, not its author.
        "author": None if deleted else {"username": comment.author.username},
        "body_html": comment.body_html,
        "status": comment.status,
        "created_at": _iso(comment.created_at),
        "edited_at": _iso(comment.edited_at),
    }
