"""The comment forms (Flask-WTF: each carries its CSRF token).

The forms only parse: what makes a comment acceptable (length, emptiness,
depth, who may edit) is the Comments service's to say, so the same rules
answer the API, these pages and the admin alike.
"""

from __future__ import annotations

import re

from flask_wtf import FlaskForm
from wtforms import HiddenField, TextAreaField
from wtforms.validators import Optional, Regexp

__all__ = ["CommentForm", "DeleteForm", "EditForm"]

_ID = re.compile(r"[0-9]{1,12}\Z")  # digits only, no trailing newline


class CommentForm(FlaskForm):
    body = TextAreaField("Your comment")
    parent_id = HiddenField(
        validators=[Optional(), Regexp(_ID, message="That is not a comment you can reply to.")]
    )

    @property
    def parent(self) -> int | None:
        """The comment replied to, or None for a new thread (or a garbled id)."""
        value = self.parent_id.data or ""
        return int(value) if _ID.match(value) else None


class EditForm(FlaskForm):
    body = TextAreaField("Your comment")


class DeleteForm(FlaskForm):
    """Only the CSRF token: the comment is named by the URL."""
