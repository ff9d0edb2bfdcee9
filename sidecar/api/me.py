"""The signed-in reader's own things: replies to their comments."""

from __future__ import annotations

from typing import Any

from flask_smorest import Blueprint

from sidecar import deps
from sidecar.api.caching import PRIVATE
from sidecar.api.common import errors, one_page, signed_in_user
from sidecar.api.schemas import RecentQuerySchema, RepliesSchema
from sidecar.extensions import ACCOUNT_WRITE_RATE, THREAD_RATE, commenter_key, limiter
from sidecar.services.payloads import comment_payload

blp = Blueprint("api_me", __name__, url_prefix="/api/me", description="The signed-in reader")


@blp.route("/replies")
@limiter.shared_limit(THREAD_RATE, scope="thread-read")
@blp.arguments(RecentQuerySchema, location="query")
@blp.response(200, RepliesSchema)
@errors(blp, 401, 422, 429)
def replies(query: dict[str, Any]) -> Any:
    """Replies by others to the caller's comments, across the site, newest first
    (``limit``, 1–50); ``unread`` marks those made since the list was last marked
    read, and counts them all."""
    found = deps.activity().replies(signed_in_user(), query["limit"])
    items = [
        {
            **comment_payload(r.comment),
            "post_title": r.post.title,
            "post_url": r.url,
            "unread": r.comment.id in found.unread,
        }
        for r in found.found
    ]
    body = one_page(items, query["limit"], unread=found.unread_count)
    return body, 200, {"Cache-Control": PRIVATE}


@blp.route("/replies/read", methods=["POST"])
@limiter.shared_limit(ACCOUNT_WRITE_RATE, scope="account-write", key_func=commenter_key)
@blp.response(204)
@errors(blp, 400, 401, 429)
def mark_read() -> Any:
    """Every reply so far is read (the widget calls it when the list is opened)."""
    deps.activity().mark_replies_read(signed_in_user())
    return ""
