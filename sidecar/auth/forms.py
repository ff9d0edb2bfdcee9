"""The account forms (Flask-WTF: each carries its CSRF token)."""

from __future__ import annotations

from typing import Any

import marshmallow as ma
from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, HiddenField, PasswordField, StringField
from wtforms.validators import DataRequired, EqualTo, Length, Optional, Regexp, ValidationError

from frostpress.content.slugs import SLUG_PATTERN
from sidecar.api.schemas import MAX_PASSWORD, MIN_PASSWORD

__all__ = ["LoginForm", "RegisterForm", "ResetForm", "ResetRequestForm"]

_EMAIL = ma.validate.Email(error="not a valid email address")


def Email() -> Any:
    """The API's email rule (marshmallow), so a form never refuses what the API takes."""

    def check(_form: FlaskForm, field: Any) -> None:
        try:
            _EMAIL(field.data or "")
        except ma.ValidationError as exc:
            raise ValidationError(str(exc.messages[0])) from None

    return check


class LoginForm(FlaskForm):
    login = StringField("Email or username", validators=[DataRequired(), Length(max=254)])
    password = PasswordField("Password", validators=[DataRequired(), Length(max=256)])
    remember = BooleanField("Keep me signed in")


class RegisterForm(FlaskForm):
    email = EmailField("Email", validators=[DataRequired(), Email(), Length(max=254)])
    username = StringField(
        "Username",
        validators=[
            DataRequired(),
            Regexp(r"^[A-Za-z0-9_.-]{3,40}$", message="3 to 40 letters, digits, '.', '_' or '-'"),
        ],
    )
    password = PasswordField(
        "Password", validators=[DataRequired(), Length(min=MIN_PASSWORD, max=MAX_PASSWORD)]
    )
    # The post being read: the confirmation page links back to it.
    post = HiddenField(validators=[Optional(), Length(max=200), Regexp(SLUG_PATTERN)])


class ResetRequestForm(FlaskForm):
    email = EmailField("Email", validators=[DataRequired(), Email(), Length(max=254)])


class ResetForm(FlaskForm):
    password = PasswordField(
        "New password", validators=[DataRequired(), Length(min=MIN_PASSWORD, max=MAX_PASSWORD)]
    )
    confirm = PasswordField("Repeat it", validators=[EqualTo("password", message="must match")])
