"""flask-smorest's Api with frostpress's error envelope and OpenAPI defaults."""

from __future__ import annotations

from typing import Any

import marshmallow as ma
from flask import Response
from flask_smorest import Api
from werkzeug.exceptions import HTTPException

__all__ = ["ErrorSchema", "SidecarApi"]


class _ErrorBody(ma.Schema):
    code = ma.fields.String(required=True, metadata={"example": "not_found"})
    message = ma.fields.String(required=True)
    fields = ma.fields.Dict(
        keys=ma.fields.String(),
        values=ma.fields.String(),
        metadata={"description": "field → what is wrong with it"},
    )


class ErrorSchema(ma.Schema):
    error = ma.fields.Nested(_ErrorBody, required=True)


class SidecarApi(Api):  # type: ignore[misc]
    ERROR_SCHEMA = ErrorSchema

    def handle_http_exception(self, error: HTTPException) -> Response | tuple[Any, ...]:
        from sidecar.errors import http_error

        return http_error(error)
