"""``flask --app sidecar create-admin``."""

from __future__ import annotations

import click
from flask.cli import with_appcontext

from sidecar import deps
from sidecar.errors import DomainError


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
