"""Request and response shapes: unknown fields dropped, every limit explained."""

from __future__ import annotations

from typing import Any

import marshmallow as ma
from marshmallow import validate

from frostpress.content.slugs import SLUG_PATTERN
from sidecar.services.guests import GUEST_NAME_MAX
from sidecar.services.threads import DEFAULT_PER_PAGE, MAX_PER_PAGE, ORDERS

__all__ = [
    "CommentInSchema",
    "CommentSchema",
    "CountsQuerySchema",
    "CsrfSchema",
    "EditSchema",
    "EditTokenSchema",
    "GuestSchema",
    "HealthSchema",
    "IdempotencySchema",
    "LoginSchema",
    "PasswordChangeSchema",
    "PostListSchema",
    "PostSchema",
    "PostsQuerySchema",
    "PreviewOutSchema",
    "PreviewSchema",
    "RegisterSchema",
    "RegistrationSchema",
    "SearchQuerySchema",
    "SearchResultsSchema",
    "ThreadQuerySchema",
    "TokenCreatedSchema",
    "TokenInSchema",
    "TokenListSchema",
    "UserSchema",
    "ViewSchema",
]

USERNAME = validate.Regexp(
    r"^[A-Za-z0-9_.-]{3,40}$", error="3 to 40 letters, digits, '.', '_' or '-'"
)


MIN_PASSWORD, MAX_PASSWORD = 8, 256


class _In(ma.Schema):
    class Meta:
        unknown = ma.EXCLUDE


POST_SLUG = [validate.Length(max=200), validate.Regexp(SLUG_PATTERN, error="not a post's slug")]


class RegisterSchema(_In):
    email = ma.fields.Email(required=True, validate=validate.Length(max=254))
    username = ma.fields.String(required=True, validate=USERNAME)
    post = ma.fields.String(
        load_default=None,
        validate=POST_SLUG,
        metadata={"description": "the post being read: the confirmation page links back to it"},
    )
    password = ma.fields.String(
        required=True,
        load_only=True,
        validate=validate.Length(
            min=MIN_PASSWORD, max=MAX_PASSWORD, error=f"{MIN_PASSWORD} to {MAX_PASSWORD} characters"
        ),
    )


class ResendSchema(_In):
    post = ma.fields.String(
        load_default=None,
        validate=POST_SLUG,
        metadata={"description": "the post being read: the confirmation page links back to it"},
    )


class ResentSchema(ma.Schema):
    confirmation = ma.fields.String(
        dump_default="sent", metadata={"description": "a new confirmation email is on its way"}
    )


class LoginSchema(_In):
    login = ma.fields.String(
        required=True,
        validate=validate.Length(min=1, max=254),
        metadata={"description": "email or username"},
    )
    password = ma.fields.String(
        required=True, load_only=True, validate=validate.Length(min=1, max=256)
    )
    remember = ma.fields.Boolean(load_default=False)


class TokenInSchema(_In):
    name = ma.fields.String(required=True, validate=validate.Length(min=1, max=80))


class PasswordChangeSchema(_In):
    current_password = ma.fields.String(
        required=True, load_only=True, validate=validate.Length(min=1, max=256)
    )
    new_password = ma.fields.String(
        required=True,
        load_only=True,
        validate=validate.Length(
            min=MIN_PASSWORD, max=MAX_PASSWORD, error=f"{MIN_PASSWORD} to {MAX_PASSWORD} characters"
        ),
    )


class GuestSchema(_In):
    name = ma.fields.String(
        required=True,
        validate=[
            validate.Length(min=1, max=GUEST_NAME_MAX),
            validate.Regexp(
                r"^[^\x00-\x1f\x7f]*\S[^\x00-\x1f\x7f]*$", error="plain text, not blank"
            ),
        ],
        metadata={"description": "shown with the comment; may not look like a username"},
    )
    email = ma.fields.Email(
        load_default=None,
        allow_none=True,
        validate=validate.Length(max=254),
        metadata={"description": "never shown; only for reply mail, once confirmed"},
    )
    website = ma.fields.Url(
        load_default=None,
        allow_none=True,
        schemes={"http", "https"},
        validate=validate.Length(max=300),
        metadata={"description": "shown as a nofollow link; http or https"},
    )

    @ma.pre_load
    def _blank_is_none(self, data: Any, **_: Any) -> Any:
        """Forms send empty optional fields as ""; they mean "not given"."""
        if isinstance(data, dict):
            return {k: (None if k != "name" and v == "" else v) for k, v in data.items()}
        return data

    @ma.post_load
    def _tidy(self, data: dict[str, Any], **_: Any) -> dict[str, Any]:
        if data.get("email"):
            data["email"] = data["email"].strip().lower()
        return data


class CommentInSchema(_In):
    body = ma.fields.String(required=True, metadata={"description": "Markdown, 1–8000 chars"})
    parent_id = ma.fields.Integer(
        load_default=None, allow_none=True, validate=validate.Range(min=1)
    )
    guest = ma.fields.Nested(
        GuestSchema,
        load_default=None,
        metadata={"description": "signed out, where GUESTS allows: who the guest is"},
    )
    started = ma.fields.String(
        load_default=None,
        validate=validate.Length(max=200),
        metadata={
            "description": "the form_token of GET /api/csrf, fetched when the form was "
            "shown; a guest's comment without one, or sent within seconds, is held"
        },
    )
    hp = ma.fields.String(
        load_default="",
        validate=validate.Length(max=500),
        metadata={"description": "the form's invisible field: leave it empty"},
    )
    notify = ma.fields.Boolean(
        load_default=False,
        metadata={
            "description": "mail the author replies to this comment (a guest's email is "
            "asked to confirm first); every mail has one-click unsubscribe links"
        },
    )


class IdempotencySchema(_In):
    idempotency_key = ma.fields.String(
        data_key="Idempotency-Key",
        load_default=None,
        validate=validate.Regexp(
            r"^[A-Za-z0-9_-]{8,64}$", error="8 to 64 letters, digits, '-' or '_'"
        ),
        metadata={"description": "the same key for every retry of one comment"},
    )


class EditSchema(_In):
    body = ma.fields.String(required=True)


class EditTokenSchema(_In):
    edit_token = ma.fields.String(
        data_key="X-Edit-Token",
        load_default=None,
        validate=validate.Length(max=500),
        metadata={"description": "a guest's: the edit_token their comment came with"},
    )


class ViewSchema(_In):
    path = ma.fields.String(
        required=True,
        validate=validate.Length(min=1, max=300),
        metadata={"description": "location.pathname of the page viewed"},
    )
    referrer = ma.fields.String(
        load_default="",
        validate=validate.Length(max=2000),
        metadata={"description": "document.referrer; only its host is kept"},
    )


class SearchQuerySchema(_In):
    q = ma.fields.String(
        load_default="", validate=validate.Length(max=200), metadata={"description": "words"}
    )
    limit = ma.fields.Integer(load_default=10, validate=validate.Range(min=1, max=50))


class PreviewSchema(_In):
    body = ma.fields.String(required=True)


class PostsQuerySchema(_In):
    tag = ma.fields.String(load_default=None, validate=validate.Length(max=100))
    page = ma.fields.Integer(load_default=1, validate=validate.Range(min=1, max=100000))
    per_page = ma.fields.Integer(load_default=20, validate=validate.Range(min=1, max=100))


class ThreadQuerySchema(_In):
    page = ma.fields.Integer(load_default=1, validate=validate.Range(min=1, max=100000))
    per_page = ma.fields.Integer(
        load_default=DEFAULT_PER_PAGE,
        validate=validate.Range(min=1, max=MAX_PER_PAGE),
        metadata={"description": "top-level comments per page (each comes with its replies)"},
    )
    order = ma.fields.String(
        load_default=ORDERS[0],
        validate=validate.OneOf(ORDERS),
        metadata={"description": "of the top-level comments; replies are always oldest first"},
    )


class RecentQuerySchema(_In):
    limit = ma.fields.Integer(load_default=10, validate=validate.Range(min=1, max=50))


class CountsQuerySchema(_In):
    slugs = ma.fields.String(
        required=True,
        validate=validate.Length(min=1, max=4000),
        metadata={"description": "comma-separated post slugs"},
    )


# -- responses ---------------------------------------------------------------------------
class UserSchema(ma.Schema):
    id = ma.fields.Integer()
    username = ma.fields.String()
    email = ma.fields.String()
    role = ma.fields.String()
    email_confirmed = ma.fields.Boolean(attribute="is_confirmed")
    created_at = ma.fields.DateTime()


class RegistrationSchema(ma.Schema):
    email = ma.fields.String()
    username = ma.fields.String()
    confirmation = ma.fields.String(
        dump_default="sent", metadata={"description": "a confirmation email is sent"}
    )


class TokenCreatedSchema(ma.Schema):
    id = ma.fields.Integer()
    name = ma.fields.String()
    token = ma.fields.String(metadata={"description": "shown once; store it now"})
    created_at = ma.fields.DateTime()


class TokenSchema(ma.Schema):
    id = ma.fields.Integer()
    name = ma.fields.String()
    created_at = ma.fields.DateTime()
    last_used_at = ma.fields.DateTime(allow_none=True)


class TokenListSchema(ma.Schema):
    """The caller's tokens that still work (never their secret)."""

    items = ma.fields.List(ma.fields.Nested(TokenSchema))
    page = ma.fields.Integer()
    per_page = ma.fields.Integer()
    total = ma.fields.Integer()


class AuthorSchema(ma.Schema):
    username = ma.fields.String(metadata={"description": "the account's, or the guest's name"})
    guest = ma.fields.Boolean(metadata={"description": "written without an account"})
    website = ma.fields.String(
        allow_none=True, metadata={"description": "a guest's, if given: link it rel=nofollow ugc"}
    )


class CommentSchema(ma.Schema):
    """Documents ``services.payloads.comment_payload``, which the views return
    (the same dict the live channel sends)."""

    id = ma.fields.Integer()
    post = ma.fields.String()
    parent_id = ma.fields.Integer(allow_none=True)
    author = ma.fields.Nested(
        AuthorSchema, allow_none=True, metadata={"description": "null for a deleted comment"}
    )
    body_html = ma.fields.String(metadata={"description": "sanitised HTML, safe to insert"})
    body = ma.fields.String(
        metadata={"description": "the Markdown source: only to the author and moderators"}
    )
    status = ma.fields.String()
    created_at = ma.fields.String(metadata={"format": "date-time"})
    edited_at = ma.fields.String(allow_none=True, metadata={"format": "date-time"})
    edit_token = ma.fields.String(
        metadata={
            "description": "to the guest who wrote it, once: send it as X-Edit-Token to "
            "edit or delete within the edit window"
        }
    )


class CommentListSchema(ma.Schema):
    """One page of the thread, paged by top-level comments: each top-level comment
    is followed by all its replies (and the tombstones that keep their places)."""

    items = ma.fields.List(
        ma.fields.Nested(CommentSchema),
        metadata={"description": "top-level comments in order, each followed by its replies"},
    )
    page = ma.fields.Integer()
    per_page = ma.fields.Integer(metadata={"description": "top-level comments per page"})
    total = ma.fields.Integer(
        metadata={"description": "top-level comments in the thread (replies not counted)"}
    )
    pages = ma.fields.Integer(
        metadata={"description": "pages in all; more after this one if page < pages"}
    )
    edit_window_seconds = ma.fields.Integer(
        metadata={"description": "how long after posting an author may still edit"}
    )
    guests = ma.fields.String(
        metadata={
            "description": "whether signed-out readers may comment: off, moderated "
            "(held for a moderator) or open"
        }
    )


class SearchHitSchema(ma.Schema):
    slug = ma.fields.String()
    title = ma.fields.String()
    url = ma.fields.String()
    path = ma.fields.String(metadata={"description": "the post's path on the site"})
    date = ma.fields.DateTime()
    tags = ma.fields.List(ma.fields.String())
    snippet_html = ma.fields.String(
        metadata={"description": "escaped text with the matches in <mark>; safe to insert"}
    )
    title_match = ma.fields.Boolean()


class SearchResultsSchema(ma.Schema):
    items = ma.fields.List(ma.fields.Nested(SearchHitSchema))
    page = ma.fields.Integer()
    per_page = ma.fields.Integer()
    total = ma.fields.Integer()


class PreviewOutSchema(ma.Schema):
    body_html = ma.fields.String()


class PostSchema(ma.Schema):
    slug = ma.fields.String()
    title = ma.fields.String()
    date = ma.fields.DateTime()
    url = ma.fields.String()
    tags = ma.fields.List(ma.fields.String())
    summary = ma.fields.String()
    comment_count = ma.fields.Integer()


class PostListSchema(ma.Schema):
    items = ma.fields.List(ma.fields.Nested(PostSchema))
    page = ma.fields.Integer()
    per_page = ma.fields.Integer()
    total = ma.fields.Integer()


class CsrfSchema(ma.Schema):
    csrf_token = ma.fields.String()
    form_token = ma.fields.String(
        metadata={"description": "send back as a new comment's started, when it is sent"}
    )


class HealthSchema(ma.Schema):
    status = ma.fields.String(metadata={"description": "ok or degraded"})
    checks = ma.fields.Dict(keys=ma.fields.String(), values=ma.fields.String())


class RecentCommentSchema(CommentSchema):
    post_title = ma.fields.String()
    post_url = ma.fields.String(
        metadata={"description": "the post's page, from the site's base URL"}
    )


class _OnePage(ma.Schema):
    """The contract's list envelope, for lists that are one page (``limit``)."""

    page = ma.fields.Integer()
    per_page = ma.fields.Integer()
    total = ma.fields.Integer()


class RecentListSchema(_OnePage):
    items = ma.fields.List(
        ma.fields.Nested(RecentCommentSchema), metadata={"description": "newest first"}
    )


class DiscussedSchema(ma.Schema):
    slug = ma.fields.String()
    title = ma.fields.String()
    url = ma.fields.String()
    comment_count = ma.fields.Integer()


class DiscussedListSchema(_OnePage):
    items = ma.fields.List(
        ma.fields.Nested(DiscussedSchema), metadata={"description": "most comments first"}
    )


class ReplySchema(RecentCommentSchema):
    unread = ma.fields.Boolean(metadata={"description": "made since the list was last read"})


class RepliesSchema(_OnePage):
    items = ma.fields.List(ma.fields.Nested(ReplySchema), metadata={"description": "newest first"})
    unread = ma.fields.Integer(metadata={"description": "unread replies, all of them"})
