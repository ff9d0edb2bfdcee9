"""Domain errors, their HTTP status, and the one JSON error envelope.

    DomainError                 400 bad_request
    ├── Unauthorized            401 unauthorized
    ├── Forbidden               403 forbidden
    ├── NotFound                404 not_found
    ├── Conflict                409 conflict
    ├── Invalid                 422 invalid (with ``fields``)
    ├── TooManyRequests         429 rate_limited (with ``Retry-After``)
    └── Unavailable             503 unavailable (with ``Retry-After``)

Services raise these (or subclasses with a more precise ``code``); views
never build error responses themselves. Under ``/api`` every error —
including Flask's own 404/405/413/500 — is
``{"error": {"code", "message", "fields"}}``; other paths get an HTML page.
"""

from __future__ import annotations

import logging
from html import escape
from typing import Any

from flask import Flask, Response, jsonify, render_template, request
from flask.globals import request_ctx
from werkzeug.exceptions import HTTPException, InternalServerError, SecurityError

__all__ = [
    "Conflict",
    "DomainError",
    "Forbidden",
    "Invalid",
    "NotFound",
    "TooManyRequests",
    "Unauthorized",
    "Unavailable",
    "error_response",
    "register_errorhandlers",
    "wants_json",
]

log = logging.getLogger(__name__)

HTTP_CODES = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    413: "too_large",
    415: "unsupported_media_type",
    422: "invalid",
    429: "rate_limited",
    500: "internal_error",
    503: "unavailable",
}


class DomainError(Exception):
    status = 400
    code = "bad_request"

    def __init__(
        self, message: str, *, fields: dict[str, str] | None = None, code: str | None = None
    ) -> None:
        super().__init__(message)
        self.message = message
        self.fields = fields or {}
        self.headers: dict[str, str] = {}
        if code:
            self.code = code


class Unauthorized(DomainError):
    status, code = 401, "unauthorized"


class Forbidden(DomainError):
    status, code = 403, "forbidden"


class NotFound(DomainError):
    status, code = 404, "not_found"


class Conflict(DomainError):
    status, code = 409, "conflict"


class Invalid(DomainError):
    status, code = 422, "invalid"


class TooManyRequests(DomainError):
    status, code = 429, "rate_limited"

    def __init__(self, message: str, *, retry_after: int) -> None:
        super().__init__(message)
        self.headers["Retry-After"] = str(retry_after)


class Unavailable(DomainError):
    """Could not be done now, through no fault of the request: try again shortly."""

    status, code = 503, "unavailable"

    def __init__(self, message: str, *, retry_after: int = 2) -> None:
        super().__init__(message)
        self.headers["Retry-After"] = str(retry_after)


def wants_json() -> bool:
    if request.path.startswith("/api/") or request.path == "/api":
        return True
    best = request.accept_mimetypes.best_match(["text/html", "application/json"])
    return best == "application/json"


def error_response(
    status: int,
    code: str,
    message: str,
    fields: dict[str, str] | None = None,
    headers: dict[str, str] | None = None,
) -> Response:
    if wants_json():
        response = jsonify({"error": {"code": code, "message": message, "fields": fields or {}}})
    elif request_ctx.url_adapter is None:
        # The request was refused before routing (an untrusted Host): the site's
        # template builds links, which needs a URL adapter, so answer plainly.
        response = Response(
            f"<!doctype html><title>{status}</title><h1>{status}</h1><p>{escape(message)}</p>",
            mimetype="text/html",
        )
    else:
        response = Response(
            render_template("error.html", status=status, message=message), mimetype="text/html"
        )
    response.status_code = status
    for name, value in (headers or {}).items():
        response.headers[name] = value
    return response


def flatten_messages(messages: Any, prefix: str = "") -> dict[str, str]:
    """webargs/marshmallow messages → ``{"field": "reason; reason"}``."""
    fields: dict[str, str] = {}
    if isinstance(messages, dict):
        for key, value in messages.items():
            # webargs nests by location ("json", "query"); the field is what matters.
            name = (
                prefix
                if key in ("json", "query", "form", "view_args", "headers")
                else f"{prefix}.{key}"
                if prefix
                else str(key)
            )
            fields.update(flatten_messages(value, name))
    elif isinstance(messages, list | tuple):
        if all(isinstance(m, str) for m in messages):
            fields[prefix or "_schema"] = "; ".join(messages)
        else:
            for item in messages:
                fields.update(flatten_messages(item, prefix))
    else:
        fields[prefix or "_schema"] = str(messages)
    return fields


def http_error(error: HTTPException) -> Response:
    if isinstance(error, SecurityError):  # an untrusted Host: never echo it back
        return error_response(400, "bad_request", "This host is not served here.")
    status = error.code or 500
    data = getattr(error, "data", None) or {}
    fields = flatten_messages(data.get("messages") or data.get("errors") or {})
    if status == 422 and fields:
        message = "The request has invalid fields: " + ", ".join(sorted(fields))
    else:
        message = data.get("message") or error.description or error.name
    headers = dict(data.get("headers") or {})
    if status == 429 and error.get_headers():
        headers.update({k: v for k, v in error.get_headers() if k == "Retry-After"})
    if status == 405:
        headers["Allow"] = ", ".join(getattr(error, "valid_methods", None) or [])
    return error_response(status, HTTP_CODES.get(status, "error"), message, fields, headers)


def register_errorhandlers(app: Flask) -> None:
    @app.errorhandler(DomainError)
    def domain_error(error: DomainError) -> Response:
        return error_response(error.status, error.code, error.message, error.fields, error.headers)

    @app.errorhandler(InternalServerError)
    def internal_error(error: InternalServerError) -> Response:
        original = getattr(error, "original_exception", None)
        if original is not None:
            log.error("unhandled error", exc_info=original)
        return error_response(500, "internal_error", "Something went wrong on our side.")
