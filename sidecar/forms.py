"""What every server-rendered form view shares."""

from __future__ import annotations

from flask_wtf import FlaskForm

from sidecar.errors import DomainError

__all__ = ["submitted"]


def submitted(form: FlaskForm) -> bool:
    """Validate a posted form; a bad CSRF token is a clear 400, whoever let it through.

    The request hook checks the token for cookie sessions; a request signed
    with a bearer token skips that hook, but a form still needs its token.
    """
    valid: bool = form.validate_on_submit()
    if form.csrf_token.errors:
        raise DomainError(
            "The form has expired; reload the page and try again.", code="csrf_failed"
        )
    return valid
