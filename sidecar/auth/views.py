"""Sign in, sign up, confirm, reset: plain forms, each a thin adapter to Accounts."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, session, url_for
from flask_login import current_user, login_user, logout_user
from werkzeug.wrappers import Response

from frostpress.content.slugs import SLUG_PATTERN
from sidecar import deps
from sidecar.auth.forms import LoginForm, RegisterForm, ResetForm, ResetRequestForm
from sidecar.errors import DomainError
from sidecar.extensions import ACCOUNT_WRITE_RATE, LOGIN_RATE, commenter_key, limiter
from sidecar.security import safe_next_url

__all__ = ["bp"]

bp = Blueprint("auth", __name__, url_prefix="/auth")


def _form_status() -> int:
    """A form shown again after a POST is shown because it was invalid."""
    return 422 if request.method == "POST" else 200


@bp.route("/login", methods=["GET", "POST"])
@limiter.shared_limit(LOGIN_RATE, scope="login", methods=["POST"])
def login() -> str | Response | tuple[str, int] | tuple[str, int, dict[str, str]]:
    form = LoginForm()
    target = safe_next_url(request.args.get("next"))
    if form.validate_on_submit():
        try:
            user = deps.accounts().authenticate(form.login.data, form.password.data)
        except DomainError as exc:
            form.password.errors = [exc.message]
            return (
                render_template("auth/login.html", form=form, next=target),
                exc.status,
                exc.headers,
            )
        else:
            session.clear()
            login_user(user, remember=form.remember.data)
            return redirect(target)
    return render_template("auth/login.html", form=form, next=target), (
        401 if form.errors and request.method == "POST" else 200
    )


@bp.route("/logout", methods=["POST"])
@limiter.shared_limit(ACCOUNT_WRITE_RATE, scope="account-write", key_func=commenter_key)
def logout() -> Response:
    if current_user.is_authenticated:
        deps.accounts().end_sessions(current_user._get_current_object())
    logout_user()
    session.clear()
    return redirect(safe_next_url(request.args.get("next")))


@bp.route("/register", methods=["GET", "POST"])
@limiter.limit("5 per hour;20 per day", methods=["POST"])
def register() -> str | Response | tuple[str, int]:
    form = RegisterForm()
    if request.method == "GET":
        wanted = request.args.get("post", "")
        form.post.data = wanted if SLUG_PATTERN.match(wanted) and len(wanted) <= 200 else ""
    status = _form_status()
    if form.validate_on_submit():
        try:
            registration = deps.accounts().register(
                form.email.data, form.username.data, form.password.data, post=form.post.data or None
            )
        except DomainError as exc:
            status = exc.status
            for name, reason in exc.fields.items():
                getattr(form, name).errors = [reason]
            if not exc.fields:
                flash(exc.message)
        else:
            session.clear()
            login_user(registration.user)
            post = deps.catalog().post(form.post.data) if form.post.data else None
            return render_template(
                "auth/message.html",
                title="Check your email",
                message=f"You are signed in as {registration.username}. We sent a "
                f"confirmation link to {registration.email}: follow it to start commenting.",
                back=(url_for("pages.thread", slug=post.slug), "Back to the comments")
                if post
                else None,
            )
    return render_template("auth/register.html", form=form), status


@bp.route("/confirm/<token>")
def confirm(token: str) -> str | tuple[str, int]:
    catalog = deps.catalog()
    site = catalog.config
    try:
        confirmed = deps.accounts().confirm_email(token)
    except DomainError as exc:
        return render_template(
            "auth/message.html",
            title="Link not valid",
            message=exc.message,
            back=(site.base_url, f"Go to {site.title}"),
        ), exc.status
    # Back to the post they were reading, if it is still published; its address
    # comes from the site's configuration, never from the link or the request.
    post = catalog.post(confirmed.post) if confirmed.post else None
    back = (
        (catalog.url(post), f"Back to “{post.title}”")
        if post
        else (site.base_url, f"Go to {site.title}")
    )
    return render_template(
        "auth/message.html",
        title="Email confirmed",
        message=f"Thank you, {confirmed.user.username}: you can comment on {site.title} now.",
        back=back,
    )


@bp.route("/reset", methods=["GET", "POST"])
@limiter.limit("5 per hour", methods=["POST"])
def reset_request() -> str | tuple[str, int]:
    form = ResetRequestForm()
    if form.validate_on_submit():
        deps.accounts().request_password_reset(form.email.data)
        return render_template(
            "auth/message.html",
            title="Check your email",
            message="If an account uses that address, a reset link is "
            "on its way. It works once, within an hour.",
        )
    return render_template("auth/reset_request.html", form=form), _form_status()


@bp.route("/reset/<token>", methods=["GET", "POST"])
@limiter.limit("10 per hour", methods=["POST"])
def reset_password(token: str) -> str | Response | tuple[str, int]:
    form = ResetForm()
    if form.validate_on_submit():
        try:
            deps.accounts().reset_password(token, form.password.data)
        except DomainError as exc:
            return render_template(
                "auth/message.html", title="Link not valid", message=exc.message
            ), exc.status
        flash(
            "Your password is changed. Every session and API token of the account has "
            "ended: sign in with the new password."
        )
        return redirect(url_for("auth.login"))
    return render_template("auth/reset.html", form=form), _form_status()
