"""Admin forms: each carries its CSRF token; the services decide what is allowed."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import SelectField, SelectMultipleField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired

from sidecar.models import Role
from sidecar.services.moderation import COMMENT_ACTIONS

__all__ = ["MAIL_LABELS", "BlockForm", "MailForm", "ModerateForm", "PlainForm", "RoleForm"]


class ModerateForm(FlaskForm):
    action = SelectField(
        "Action",
        choices=[SelectChoice(a.value, a.value.title()) for a in COMMENT_ACTIONS],
        validators=[DataRequired()],
    )
    ids = SelectMultipleField("Comments", coerce=int, validate_choice=False)


MAIL_LABELS = {"off": "Never", "immediate": "As they arrive", "digest": "Once a day"}


class MailForm(FlaskForm):
    moderation_mail = SelectField(
        "Mail me held comments",
        choices=[SelectChoice(value, label) for value, label in MAIL_LABELS.items()],
    )


class BlockForm(FlaskForm):
    kind = SelectField(
        "Block a",
        choices=[
            SelectChoice("word", "word or phrase"),
            SelectChoice("domain", "domain (links, websites, email addresses)"),
            SelectChoice("network", "network address (e.g. 203.0.113.0/24)"),
        ],
    )
    value = StringField("Value", validators=[DataRequired()])


class RoleForm(FlaskForm):
    role = SelectField("Role", choices=[SelectChoice(r.value, r.value.title()) for r in Role])


class PlainForm(FlaskForm):
    """Only the CSRF token: the URL says what to do (ban, unban)."""
