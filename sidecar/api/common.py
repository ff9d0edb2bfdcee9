"""Helpers shared by the API views."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from flask_login import current_user

from sidecar.errors import Unauthorized
from sidecar.models import User
from sidecar.openapi import ErrorSchema

__all__ = ["ErrorSchema", "errors", "one_page", "signed_in_user"]

F = TypeVar("F", bound=Callable[..., Any])

DESCRIPTIONS = {
    400: "Malformed request or missing CSRF token",
    401: "Not signed in",
    403: "Not allowed",
    404: "Not found",
    409: "Conflict",
    413: "Request too large",
    422: "Invalid fields (see error.fields)",
    429: "Too many requests (see Retry-After)",
    503: "Busy or unavailable for now (see Retry-After)",
}


def errors(blp: Any, *statuses: int) -> Callable[[F], F]:
    """Document the error statuses a view can answer with (the JSON envelope)."""

    def decorate(view: F) -> F:
        for status in statuses:
            view = blp.alt_response(status, schema=ErrorSchema, description=DESCRIPTIONS[status])(
                view
            )
        return view

    return decorate


def signed_in_user() -> User:
    if not current_user.is_authenticated:
        raise Unauthorized("Sign in first.")
    user: User = current_user._get_current_object()
    return user


def one_page(items: list[Any], limit: int, **more: Any) -> dict[str, Any]:
    """A list that is one page of at most ``limit``, in the contract's envelope."""
    return {"items": items, "page": 1, "per_page": limit, "total": len(items), **more}
