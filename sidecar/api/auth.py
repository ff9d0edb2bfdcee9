"""Accounts over JSON: register, log in and out, who am I, API tokens."""

from __future__ import annotations

from typing import Any

from flask import g, session
from flask_login import login_user, logout_user
from flask_smorest import Blueprint
from flask_wtf.csrf import generate_csrf

from sidecar import deps
from sidecar.api.common import errors, signed_in_user
from sidecar.api.schemas import (
    LoginSchema,
    PasswordChangeSchema,
    RegisterSchema,
    RegistrationSchema,
    ResendSchema,
    ResentSchema,
    TokenCreatedSchema,
    TokenInSchema,
    TokenListSchema,
    UserSchema,
)
from sidecar.extensions import ACCOUNT_WRITE_RATE, LOGIN_RATE, commenter_key, db, limiter
from sidecar.models import User
from sidecar.services.tokens import active_tokens, create_token, revoke_token

blp = Blueprint("api_auth", __name__, url_prefix="/api/auth", description="Accounts")


def _new_session(user: User, *, remember: bool = False) -> dict[str, str]:
    """A fresh session for ``user`` (nothing from before survives): the headers
    that carry its CSRF token."""
    session.clear()
    login_user(user, remember=remember)
    return {"X-CSRFToken": generate_csrf()}


@blp.route("/register", methods=["POST"])
@limiter.limit("5 per hour;20 per day")
@blp.arguments(RegisterSchema)
@blp.response(201, RegistrationSchema)
@errors(blp, 400, 409, 413, 422, 429)
def register(data: dict[str, Any]) -> Any:
    """Create an account, sign in to it (the response's ``X-CSRFToken`` header
    carries the new session's token) and send a confirmation email: the account
    may comment once its address is confirmed.

    The answer is the same whether or not the email was already registered
    (its owner gets an email saying so instead, and the new account can never
    be confirmed). With ``post``, the page the mailed link opens links back to
    that post."""
    registration = deps.accounts().register(
        data["email"], data["username"], data["password"], post=data["post"]
    )
    return registration, 201, _new_session(registration.user)


@blp.route("/confirm/resend", methods=["POST"])
@limiter.limit("3 per hour;10 per day", key_func=commenter_key)
@limiter.limit("10 per hour")
@blp.arguments(ResendSchema)
@blp.response(202, ResentSchema)
@errors(blp, 400, 401, 409, 413, 422, 429)
def resend_confirmation(data: dict[str, Any]) -> Any:
    """Send the signed-in reader's confirmation email again; 409 once confirmed."""
    deps.accounts().resend_confirmation(signed_in_user(), post=data["post"])
    return {}


@blp.route("/login", methods=["POST"])
@limiter.shared_limit(LOGIN_RATE, scope="login")
@blp.arguments(LoginSchema)
@blp.response(200, UserSchema)
@errors(blp, 400, 401, 403, 413, 422, 429)
def login(data: dict[str, Any]) -> Any:
    """Sign in by email or username. A new session starts; the response's
    ``X-CSRFToken`` header carries the token for it."""
    user = deps.accounts().authenticate(data["login"], data["password"])
    return user, 200, _new_session(user, remember=data["remember"])


@blp.route("/logout", methods=["POST"])
@limiter.shared_limit(ACCOUNT_WRITE_RATE, scope="account-write", key_func=commenter_key)
@blp.response(204)
@errors(blp, 400, 429)
def logout() -> Any:
    """Sign out everywhere: every session and remember-me cookie of the account
    ends, and every API token is revoked."""
    from flask_login import current_user

    if current_user.is_authenticated:
        deps.accounts().end_sessions(current_user._get_current_object())
    logout_user()
    session.clear()
    return ""


@blp.route("/me")
@blp.response(200, UserSchema)
@errors(blp, 401)
def me() -> Any:
    return signed_in_user()


@blp.route("/password", methods=["POST"])
@limiter.limit("5 per hour", key_func=commenter_key)
@blp.arguments(PasswordChangeSchema)
@blp.response(200, UserSchema)
@errors(blp, 400, 401, 413, 422, 429)
def change_password(data: dict[str, Any]) -> Any:
    """Change the password. Every other session and every API token of the account
    ends; this browser gets a new session (its ``X-CSRFToken`` header has the token)."""
    user = signed_in_user()
    deps.accounts().change_password(user, data["current_password"], data["new_password"])
    if g.get("via_token"):
        return user  # the token used for this request is revoked with the others
    return user, 200, _new_session(user)


@blp.route("/tokens")
@blp.response(200, TokenListSchema)
@errors(blp, 401)
def list_tokens() -> Any:
    """The caller's working tokens. A password reset or change and signing out
    revoke them all."""
    items = active_tokens(db.session, signed_in_user())
    return {"items": items, "page": 1, "per_page": max(1, len(items)), "total": len(items)}


@blp.route("/tokens", methods=["POST"])
@limiter.limit("10 per hour", key_func=commenter_key)
@blp.arguments(TokenInSchema)
@blp.response(201, TokenCreatedSchema)
@errors(blp, 400, 401, 413, 422, 429)
def new_token(data: dict[str, Any]) -> Any:
    """A personal API token for ``Authorization: Bearer``; shown only this once. It
    works until revoked, or until a password reset or change, or signing out."""
    token, plaintext = create_token(db.session, signed_in_user(), data["name"])
    return {"id": token.id, "name": token.name, "token": plaintext, "created_at": token.created_at}


@blp.route("/tokens/<int:token_id>", methods=["DELETE"])
@limiter.shared_limit(ACCOUNT_WRITE_RATE, scope="account-write", key_func=commenter_key)
@blp.response(204)
@errors(blp, 400, 401, 404, 429)
def delete_token(token_id: int) -> Any:
    revoke_token(db.session, signed_in_user(), token_id)
    return ""
