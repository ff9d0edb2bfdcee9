"""flask-smorest's Api with frostpress's error envelope and OpenAPI defaults."""

from __future__ import annotations

from typing import Any

import marshmallow as ma
from apispec import BasePlugin
from flask import Flask, Response
from flask_smorest import Api
from werkzeug.exceptions import HTTPException

__all__ = ["ErrorSchema", "SidecarApi"]


class _ErrorBody(ma.Schema):
    code = ma.fields.String(required=True, metadata={"example": "not_found"})
    message = ma.fields.String(required=True)
    # marshmallow takes declared fields off the class: this one hides no Schema.fields.
    fields = ma.fields.Dict(  # type: ignore[assignment]
        keys=ma.fields.String(),
        values=ma.fields.String(),
        metadata={"description": "field → what is wrong with it"},
    )


class ErrorSchema(ma.Schema):
    error = ma.fields.Nested(_ErrorBody, required=True)


UNAVAILABLE = "UNAVAILABLE"


class _MayBeUnavailable(BasePlugin):
    """Every operation under /api may answer 503 (see Retry-After): the database is
    unreachable (``unavailable``) or its schema is behind the code (``schema_outdated``)."""

    def operation_helper(
        self, path: str | None = None, operations: dict[str, Any] | None = None, **kwargs: Any
    ) -> None:
        if not (path or "").startswith("/api/"):
            return
        for operation in (operations or {}).values():
            responses = operation.get("responses") if isinstance(operation, dict) else None
            if responses is not None and not {503, "503"} & set(responses):
                responses["503"] = UNAVAILABLE


class SidecarApi(Api):  # type: ignore[misc]
    ERROR_SCHEMA = ErrorSchema

    def init_app(self, app: Flask, *, spec_kwargs: dict[str, Any] | None = None) -> None:
        super().init_app(app, spec_kwargs=spec_kwargs)
        self.spec.components.response(
            UNAVAILABLE,
            {
                "description": "Unavailable for now, see Retry-After: the database is "
                "unreachable (unavailable) or its schema is behind the code (schema_outdated)",
                "content": {"application/json": {"schema": "Error"}},
            },
        )
        self.spec.plugins.append(_MayBeUnavailable())

    def handle_http_exception(self, error: HTTPException) -> Response | tuple[Any, ...]:
        from sidecar.errors import http_error

        return http_error(error)
