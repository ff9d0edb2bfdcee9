"""Admin forms: each carries its CSRF token; the services decide what is allowed."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import SelectField, SelectMultipleField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired

from sidecar.models import Role
from sidecar.services.moderation import COMMENT_ACTIONS

__all__ = ["ModerateForm", "PlainForm", "RoleForm"]


class ModerateForm(FlaskForm):
    action = SelectField(
        "Action",
        choices=[SelectChoice(a.value, a.value.title()) for a in COMMENT_ACTIONS],
        validators=[DataRequired()],
    )
    ids = SelectMultipleField("Comments", coerce=int, validate_choice=False)


class RoleForm(FlaskForm):
    role = SelectField("Role", choices=[SelectChoice(r.value, r.value.title()) for r in Role])


class PlainForm(FlaskForm):
    """Only the CSRF token: the URL says what to do (ban, unban)."""
