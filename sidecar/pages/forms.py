"""The comment forms (Flask-WTF: each carries its CSRF token).

The forms only parse: what makes a comment acceptable (length, emptiness,
depth, who may edit) is the Comments service's to say, so the same rules
answer the API, these pages and the admin alike.
"""

from __future__ import annotations

import re
import secrets

from flask_wtf import FlaskForm
from wtforms import BooleanField, HiddenField, StringField, TextAreaField
from wtforms.validators import Optional, Regexp

__all__ = ["CommentForm", "DeleteForm", "EditForm", "new_key"]

_ID = re.compile(r"[0-9]{1,12}\Z")  # digits only, no trailing newline
_KEY = re.compile(r"[A-Za-z0-9_-]{8,64}\Z")


def new_key() -> str:
    return secrets.token_urlsafe(18)


class CommentForm(FlaskForm):
    body = TextAreaField("Your comment")
    parent_id = HiddenField(
        validators=[Optional(), Regexp(_ID, message="That is not a comment you can reply to.")]
    )
    # New with every form shown, the same when the browser sends the form again
    # (a double click, a retry after an error page): one comment either way.
    idempotency_key = HiddenField()
    # Signed out, where GUESTS allows: the guest's name, email and website,
    # checked by the API's own schema (sidecar.api.schemas.GuestSchema).
    guest_name = StringField("Name")
    guest_email = StringField("Email (optional, never shown; for replies by mail)")
    guest_website = StringField("Website (optional)")
    notify = BooleanField("Email me replies")
    # For the spam checks: when the form was shown (signed), and a field no person
    # sees, so none fills it in.
    started = HiddenField()
    hp = StringField("Leave this empty")

    @property
    def key(self) -> str | None:
        value = self.idempotency_key.data or ""
        return value if _KEY.match(value) else None

    @property
    def guest(self) -> dict[str, str | None]:
        return {
            "name": self.guest_name.data or "",
            "email": self.guest_email.data or None,
            "website": self.guest_website.data or None,
        }

    @property
    def parent(self) -> int | None:
        """The comment replied to, or None for a new thread (or a garbled id)."""
        value = self.parent_id.data or ""
        return int(value) if _ID.match(value) else None


class EditForm(FlaskForm):
    body = TextAreaField("Your comment")


class DeleteForm(FlaskForm):
    """Only the CSRF token: the comment is named by the URL."""
