"""What the API accepts: unknown fields dropped, every limit explained."""

from __future__ import annotations

from typing import Any

import marshmallow as ma
from marshmallow import validate

from frostpress.content.slugs import SLUG_PATTERN
from sidecar.services.guests import GUEST_NAME_MAX
from sidecar.services.threads import DEFAULT_PER_PAGE, MAX_PER_PAGE, ORDERS

USERNAME = validate.Regexp(
    r"^[A-Za-z0-9_.-]{3,40}$", error="3 to 40 letters, digits, '.', '_' or '-'"
)


MIN_PASSWORD, MAX_PASSWORD = 8, 256
# A password being chosen (registering, changing it): one rule and one message.
NEW_PASSWORD = validate.Length(
    min=MIN_PASSWORD, max=MAX_PASSWORD, error=f"{MIN_PASSWORD} to {MAX_PASSWORD} characters"
)


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
        validate=NEW_PASSWORD,
    )


class ResendSchema(_In):
    post = ma.fields.String(
        load_default=None,
        validate=POST_SLUG,
        metadata={"description": "the post being read: the confirmation page links back to it"},
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
        validate=NEW_PASSWORD,
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
