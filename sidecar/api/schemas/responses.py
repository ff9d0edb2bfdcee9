"""What the API answers: the shapes the OpenAPI document publishes."""

from __future__ import annotations

import marshmallow as ma


class ResentSchema(ma.Schema):
    confirmation = ma.fields.String(
        dump_default="sent", metadata={"description": "a new confirmation email is on its way"}
    )


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


class _Page(ma.Schema):
    """The contract's list envelope: ``items`` (each subclass says of what) and
    where this page stands."""

    page = ma.fields.Integer()
    per_page = ma.fields.Integer()
    total = ma.fields.Integer()


class SearchResultsSchema(_Page):
    items = ma.fields.List(ma.fields.Nested(SearchHitSchema))


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


class PostListSchema(_Page):
    items = ma.fields.List(ma.fields.Nested(PostSchema))


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


class RecentListSchema(_Page):
    items = ma.fields.List(
        ma.fields.Nested(RecentCommentSchema), metadata={"description": "newest first"}
    )


class DiscussedSchema(ma.Schema):
    slug = ma.fields.String()
    title = ma.fields.String()
    url = ma.fields.String()
    comment_count = ma.fields.Integer()


class DiscussedListSchema(_Page):
    items = ma.fields.List(
        ma.fields.Nested(DiscussedSchema), metadata={"description": "most comments first"}
    )


class ReplySchema(RecentCommentSchema):
    unread = ma.fields.Boolean(metadata={"description": "made since the list was last read"})


class RepliesSchema(_Page):
    items = ma.fields.List(ma.fields.Nested(ReplySchema), metadata={"description": "newest first"})
    unread = ma.fields.Integer(metadata={"description": "unread replies, all of them"})
