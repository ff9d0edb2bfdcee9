"""Comment threads over JSON."""

from __future__ import annotations

from typing import Any

from flask_login import current_user
from flask_smorest import Blueprint

from sidecar import deps
from sidecar.api.common import errors, signed_in_user
from sidecar.api.schemas import (
    CommentInSchema,
    CommentListSchema,
    CommentSchema,
    EditSchema,
    PreviewOutSchema,
    PreviewSchema,
)
from sidecar.extensions import COMMENT_RATE, EDIT_RATE, PREVIEW_RATE, commenter_key, limiter
from sidecar.models import Comment, User
from sidecar.services.payloads import comment_payload

blp = Blueprint("api_comments", __name__, url_prefix="/api", description="Comments")


def _may_edit(viewer: User | None, comment: Comment) -> bool:
    return viewer is not None and (viewer.is_moderator or comment.author_id == viewer.id)


@blp.route("/posts/<slug>/comments")
@blp.response(200, CommentListSchema)
@errors(blp, 404)
def thread(slug: str) -> Any:
    """Approved comments, the caller's own pending ones, and tombstones of deleted
    comments that have replies, oldest first."""
    viewer = current_user._get_current_object() if current_user.is_authenticated else None
    service = deps.comments()
    items = service.thread(slug, viewer)
    return {
        "items": [comment_payload(c, source=_may_edit(viewer, c)) for c in items],
        "page": 1,
        "per_page": max(1, len(items)),
        "total": len(items),
        "edit_window_seconds": int(service.rules.edit_window.total_seconds()),
    }


@blp.route("/posts/<slug>/comments", methods=["POST"])
@limiter.shared_limit(COMMENT_RATE, scope="comment-create", key_func=commenter_key)
@blp.arguments(CommentInSchema)
@blp.response(201, CommentSchema)
@errors(blp, 400, 401, 403, 404, 413, 422, 429, 503)
def create(data: dict[str, Any], slug: str) -> Any:
    comment = deps.comments().create(signed_in_user(), slug, data["body"], data["parent_id"])
    return comment_payload(comment, source=True)


@blp.route("/comments/<int:comment_id>", methods=["PATCH"])
@limiter.shared_limit(EDIT_RATE, scope="comment-edit", key_func=commenter_key)
@blp.arguments(EditSchema)
@blp.response(200, CommentSchema)
@errors(blp, 400, 401, 403, 404, 413, 422, 429, 503)
def edit(data: dict[str, Any], comment_id: int) -> Any:
    comment = deps.comments().edit(signed_in_user(), comment_id, data["body"])
    return comment_payload(comment, source=True)


@blp.route("/comments/<int:comment_id>", methods=["DELETE"])
@blp.response(204)
@errors(blp, 400, 401, 403, 404)
def delete(comment_id: int) -> Any:
    deps.comments().delete(signed_in_user(), comment_id)
    return ""


@blp.route("/comments/preview", methods=["POST"])
@limiter.limit("30 per minute")
@limiter.shared_limit(PREVIEW_RATE, scope="comment-preview", key_func=commenter_key)
@blp.arguments(PreviewSchema)
@blp.response(200, PreviewOutSchema)
@errors(blp, 400, 401, 413, 422, 429, 503)
def preview(data: dict[str, Any]) -> Any:
    """The body as it would be shown, not stored; for signed-in readers only."""
    signed_in_user()
    return {"body_html": deps.comments().preview(data["body"])}
