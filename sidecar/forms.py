"""What every server-rendered form view shares."""

from __future__ import annotations

from typing import Any

from flask_wtf import FlaskForm

from sidecar.errors import DomainError

__all__ = ["page_number", "submitted"]


def page_number(args: Any) -> int:
    """``?page=`` of a paged page: a number from 1, anything else is the first."""
    raw = args.get("page", "1")
    return int(raw) if raw.isdigit() and 0 < int(raw) < 100_000 else 1


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
