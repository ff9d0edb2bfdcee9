"""A comment as clients see it: the API's body and the live events' payload."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sidecar.models import Comment

__all__ = ["author_payload", "comment_payload"]


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def author_payload(comment: Comment) -> dict[str, Any]:
    """Who wrote it: an account's username, or a guest's name (``guest``: true) and
    website, if they gave one. A guest's email address is never shown."""
    if not comment.is_guest:
        return {"username": comment.author_name, "guest": False}
    return {"username": comment.author_name, "guest": True, "website": comment.guest_website}


def comment_payload(
    comment: Comment, *, source: bool = False, placeholder: bool = False
) -> dict[str, Any]:
    """The public view; ``source=True`` adds the Markdown as written (``body``) for
    someone who may edit it. Sanitising may drop parts of the source, so the
    public and the live channel never see it. ``placeholder``: the comment is
    withheld from this reader (held for review): its place only, like a tombstone."""
    removed = comment.is_removed or placeholder  # deleted, rejected, spam; or held
    payload = {
        "id": comment.id,
        "post": comment.post_slug,
        "parent_id": comment.parent_id,
        # A tombstone keeps its place, not its author or its words (a rejected or
        # spam comment keeps them in the database, for moderators only).
        "author": None if removed else author_payload(comment),
        "body_html": "" if removed else comment.body_html,
        "status": comment.status,
        "created_at": _iso(comment.created_at),
        "edited_at": _iso(comment.edited_at),
    }
    if source and not removed:
        payload["body"] = comment.body_source
    return payload
