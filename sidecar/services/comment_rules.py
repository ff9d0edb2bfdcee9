"""The rules every comment use case applies: the settings, what a body may be,
where a reply may hang, and who hears of a change.

``sidecar.services.comments`` (writing), ``threads`` (reading), the moderation
queue and the no-JS pages all ask these, so each rule is said once.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from sidecar.errors import Invalid
from sidecar.models import Comment, Status, User
from sidecar.services.events import ADMIN_ROOM, Publisher, post_room
from sidecar.services.payloads import comment_payload
from sidecar.services.rendering import prepare

__all__ = [
    "MAX_BODY",
    "CommentRules",
    "Notice",
    "announce",
    "may_reply_to",
    "notice",
    "validate_body",
]

MAX_BODY = 8000


@dataclass(frozen=True)
class CommentRules:
    moderation: str = "first"
    guests: str = "off"  # or "moderated", "open"
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


def may_reply_to(comment: Comment, author: User | None) -> bool:
    """A reply may hang below a public comment, a tombstone (replies keep their
    place) or the author's own comment while it is held (never a guest's)."""
    if comment.status in (Status.APPROVED.value, Status.DELETED.value):
        return True
    return (
        author is not None
        and comment.status == Status.PENDING.value
        and comment.author_id == author.id
    )


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
