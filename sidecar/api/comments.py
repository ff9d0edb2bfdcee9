"""Comment threads over JSON."""

from __future__ import annotations

from typing import Any

from flask_login import current_user
from flask_smorest import Blueprint

from sidecar import deps
from sidecar.api.caching import PRIVATE, cached_json, is_anonymous, keep_cookies_private
from sidecar.api.common import errors, one_page, signed_in_user
from sidecar.api.schemas import (
    CommentInSchema,
    CommentListSchema,
    CommentSchema,
    DiscussedListSchema,
    EditSchema,
    EditTokenSchema,
    IdempotencySchema,
    PreviewOutSchema,
    PreviewSchema,
    RecentListSchema,
    RecentQuerySchema,
    ThreadQuerySchema,
)
from sidecar.extensions import (
    DELETE_RATE,
    EDIT_RATE,
    PREVIEW_RATE,
    THREAD_RATE,
    client_address,
    comment_rate,
    commenter_key,
    guest_email_key,
    limiter,
    no_guest_email,
)
from sidecar.models import Comment, User
from sidecar.services import threads
from sidecar.services.comments import Comments
from sidecar.services.guests import Guest
from sidecar.services.payloads import comment_payload
from sidecar.services.readcache import ANY
from sidecar.services.spam import Signals

blp = Blueprint("api_comments", __name__, url_prefix="/api", description="Comments")
blp.after_request(keep_cookies_private)


def _may_edit(viewer: User | None, comment: Comment) -> bool:
    return viewer is not None and (viewer.is_moderator or comment.author_id == viewer.id)


@blp.route("/posts/<slug>/comments")
@limiter.shared_limit(THREAD_RATE, scope="thread-read")
@blp.arguments(ThreadQuerySchema, location="query")
@blp.response(200, CommentListSchema)
@errors(blp, 404, 422, 429)
def thread(query: dict[str, Any], slug: str) -> Any:
    """One page of the thread by top-level comments, each with all its replies:
    approved comments, the caller's own pending ones, and tombstones of deleted
    comments that have replies. Anonymous readers share one answer (``ETag``,
    ``Cache-Control: public``); a signed-in reader's is ``private, no-store``."""
    service = deps.comments()
    if is_anonymous():
        params = f"{deps.catalog().signature()}|{slug}|{sorted(query.items())}"
        return cached_json(
            "thread",
            [slug],
            params,
            lambda: CommentListSchema().dump(_page(service, None, slug, query)),
        )
    viewer = current_user._get_current_object() if current_user.is_authenticated else None
    return _page(service, viewer, slug, query), 200, {"Cache-Control": PRIVATE}


def _page(service: Comments, viewer: User | None, slug: str, query: dict[str, Any]) -> Any:
    found = service.thread(slug, viewer, query["page"], query["per_page"], query["order"])
    return {
        "items": [
            comment_payload(c, source=_may_edit(viewer, c), placeholder=threads.withheld(c, viewer))
            for c in found.items
        ],
        "page": found.page,
        "per_page": found.per_page,
        "total": found.total,
        "pages": found.pages,
        "edit_window_seconds": int(service.rules.edit_window.total_seconds()),
        "guests": service.rules.guests,
    }


@blp.route("/posts/<slug>/comments", methods=["POST"])
@limiter.shared_limit(comment_rate, scope="comment-create", key_func=commenter_key)
@limiter.shared_limit(
    comment_rate, scope="comment-guest-email", key_func=guest_email_key, exempt_when=no_guest_email
)
@blp.arguments(CommentInSchema)
@blp.arguments(IdempotencySchema, location="headers")
@blp.response(201, CommentSchema)
@errors(blp, 400, 401, 403, 404, 409, 413, 422, 429, 503)
def create(data: dict[str, Any], headers: dict[str, Any], slug: str) -> Any:
    """A new comment, by the signed-in reader or, signed out where ``GUESTS``
    allows it, by a guest (``guest``: name, and optionally email and website),
    who gets an ``edit_token`` to edit or delete it within the edit window.
    A guest name that reads as an account's username is refused (409
    ``name_taken``). Send an ``Idempotency-Key`` (any 8–64 letters, digits, ``-``
    or ``_``, new for each comment): if the answer is lost and the request is sent
    again with the same key, the first comment is returned, not a second made."""
    service = deps.comments()
    author = current_user._get_current_object() if current_user.is_authenticated else None
    guest = Guest(**data["guest"]) if data["guest"] else None
    comment = service.create(
        author,
        slug,
        data["body"],
        data["parent_id"],
        guest=guest,
        idempotency_key=headers.get("idempotency_key"),
        notify=data["notify"],
        signals=Signals(client_address(), data["hp"], data["started"]),
    )
    payload = comment_payload(comment, source=True)
    if comment.is_guest:
        payload["edit_token"] = service.guest_tokens.issue(comment)
    return payload


@blp.route("/comments/<int:comment_id>", methods=["PATCH"])
@limiter.shared_limit(EDIT_RATE, scope="comment-edit", key_func=commenter_key)
@blp.arguments(EditSchema)
@blp.arguments(EditTokenSchema, location="headers")
@blp.response(200, CommentSchema)
@errors(blp, 400, 401, 403, 404, 413, 422, 429, 503)
def edit(data: dict[str, Any], headers: dict[str, Any], comment_id: int) -> Any:
    """The author's edit within the edit window (a guest's with ``X-Edit-Token``),
    or a moderator's; an edit of a public comment is reviewed as a new one."""
    service = deps.comments()
    if token := headers.get("edit_token"):
        comment = service.guest_edit(token, comment_id, data["body"])
    else:
        comment = service.edit(signed_in_user(), comment_id, data["body"])
    return comment_payload(comment, source=True)


@blp.route("/comments/<int:comment_id>", methods=["DELETE"])
@limiter.shared_limit(DELETE_RATE, scope="comment-delete", key_func=commenter_key)
@blp.arguments(EditTokenSchema, location="headers")
@blp.response(204)
@errors(blp, 400, 401, 403, 404, 429)
def delete(headers: dict[str, Any], comment_id: int) -> Any:
    """By the author (a guest with ``X-Edit-Token``, within the edit window) or a
    moderator; replies stay, the comment becomes a tombstone."""
    service = deps.comments()
    if token := headers.get("edit_token"):
        service.guest_delete(token, comment_id)
    else:
        service.delete(signed_in_user(), comment_id)
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


@blp.route("/comments/recent")
@limiter.shared_limit(THREAD_RATE, scope="thread-read")
@blp.arguments(RecentQuerySchema, location="query")
@blp.response(200, RecentListSchema)
@errors(blp, 422, 429)
def recent(query: dict[str, Any]) -> Any:
    """The site's latest approved comments (``limit``, 1–50, default 10), newest
    first, each with its post's slug, title and URL; for a sidebar block."""
    limit = query["limit"]

    def build() -> Any:
        found = deps.activity().recent(limit)
        items = [
            {**comment_payload(r.comment), "post_title": r.post.title, "post_url": r.url}
            for r in found
        ]
        return RecentListSchema().dump(one_page(items, limit))

    return cached_json("recent", [ANY], f"{deps.catalog().signature()}|{limit}", build)


@blp.route("/comments/discussed")
@limiter.shared_limit(THREAD_RATE, scope="thread-read")
@blp.arguments(RecentQuerySchema, location="query")
@blp.response(200, DiscussedListSchema)
@errors(blp, 422, 429)
def discussed(query: dict[str, Any]) -> Any:
    """The most discussed posts (``limit``, 1–50, default 10): most approved
    comments first, each with its slug, title, URL and count."""
    limit = query["limit"]

    def build() -> Any:
        items = [
            {"slug": d.post.slug, "title": d.post.title, "url": d.url, "comment_count": d.comments}
            for d in deps.activity().most_discussed(limit)
        ]
        return DiscussedListSchema().dump(one_page(items, limit))

    return cached_json("discussed", [ANY], f"{deps.catalog().signature()}|{limit}", build)
