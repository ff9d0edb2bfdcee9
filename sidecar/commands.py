"""``flask --app sidecar create-admin`` and ``rerender-comments``."""

from __future__ import annotations

import click
from flask.cli import with_appcontext

from sidecar import deps
from sidecar.errors import DomainError
from sidecar.extensions import db
from sidecar.models import Comment
from sidecar.services.rendering import RenderTimeout, plain_html, render_comment


@click.command("create-admin")
@click.option("--email", prompt=True)
@click.option("--username", prompt=True)
@click.option(
    "--password",
    prompt=True,
    hide_input=True,
    confirmation_prompt=True,
    help="Prompted for (hidden) when not given.",
)
@with_appcontext
def create_admin(email: str, username: str, password: str) -> None:
    """Create an administrator account (email already confirmed)."""
    if len(password) < 8:
        raise click.ClickException("the password needs at least 8 characters")
    from flask import current_app

    with current_app.test_request_context():
        try:
            user = deps.accounts().create_admin(email, username, password)
        except DomainError as exc:
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
