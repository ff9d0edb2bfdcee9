"""``flask --app sidecar create-admin`` and ``rerender-comments``."""

from __future__ import annotations

import click
from flask import Flask
from flask.cli import with_appcontext
from marshmallow import ValidationError, validate
from sqlalchemy import func, select

from sidecar import deps
from sidecar.api.schemas import MAX_PASSWORD, MIN_PASSWORD, USERNAME
from sidecar.errors import DomainError
from sidecar.extensions import db
from sidecar.models import Comment, User
from sidecar.services.rendering import RenderTimeout, plain_html, render_comment


def _app_of(ctx: click.Context) -> Flask:
    from flask.cli import ScriptInfo

    return ctx.ensure_object(ScriptInfo).load_app()


def _check_email(ctx: click.Context, _param: click.Parameter, value: str) -> str:
    """Checked as soon as it is typed: a prompt asks again, a flag stops the command."""
    value = value.strip().lower()
    try:
        validate.Email(error="not an email address")(value)
        validate.Length(max=254, error="at most 254 characters")(value)
    except ValidationError as exc:
        raise click.BadParameter(" ".join(exc.messages)) from None
    with _app_of(ctx).app_context():
        if db.session.scalar(select(User.id).where(User.email == value)) is not None:
            raise click.BadParameter("an account with that email already exists")
    return value


def _check_username(ctx: click.Context, _param: click.Parameter, value: str) -> str:
    value = value.strip()
    try:
        USERNAME(value)
    except ValidationError as exc:
        raise click.BadParameter(" ".join(exc.messages)) from None
    with _app_of(ctx).app_context():
        taken = select(User.id).where(func.lower(User.username) == value.lower())
        if db.session.scalar(taken) is not None:
            raise click.BadParameter("an account with that username already exists")
    return value


def _check_password(_ctx: click.Context, _param: click.Parameter, value: str) -> str:
    if not MIN_PASSWORD <= len(value) <= MAX_PASSWORD:
        raise click.BadParameter(
            f"the password needs at least {MIN_PASSWORD} characters (at most {MAX_PASSWORD})"
        )
    return value


@click.command("create-admin")
@click.option("--email", prompt=True, callback=_check_email)
@click.option("--username", prompt=True, callback=_check_username)
@click.option(
    "--password",
    prompt=True,
    hide_input=True,
    confirmation_prompt=True,
    callback=_check_password,
    help="Prompted for (hidden) when not given.",
)
@with_appcontext
def create_admin(email: str, username: str, password: str) -> None:
    """Create an administrator account (email already confirmed). Each answer is
    checked as it is typed, and asked for again until it will do."""
    from flask import current_app

    with current_app.test_request_context():
        try:
            user = deps.accounts().create_admin(email, username, password)
        except DomainError as exc:  # taken since the prompt: another one was quicker
            raise click.ClickException(exc.message) from None
    click.echo(f"Created admin {user.username} <{user.email}>.")


@click.command("rerender-comments")
@click.option("--batch", default=200, show_default=True, help="Comments per transaction.")
@with_appcontext
def rerender_comments(batch: int) -> None:
    """Render every stored comment again from its source with today's rules.

    A comment's HTML is made once, when it is written: after an upgrade that
    tightens what survives (allowed languages, classes, links), run this so
    older comments follow the same rules. A comment that overruns the render
    budget is kept as plain text."""
    changed = seen = 0
    last_id = 0
    while True:
        rows = db.session.scalars(
            db.select(Comment).where(Comment.id > last_id).order_by(Comment.id).limit(batch)
        ).all()
        if not rows:
            break
        for comment in rows:
            try:
                html = render_comment(comment.body_source)
            except RenderTimeout:
                html = plain_html(comment.body_source)
            if html != comment.body_html:
                comment.body_html = html
                changed += 1
        seen += len(rows)
        last_id = rows[-1].id
        db.session.commit()
    click.echo(f"Rendered {seen} comments again; {changed} changed.")
