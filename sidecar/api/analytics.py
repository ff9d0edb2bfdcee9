"""``POST /api/views``: the static pages' beacon. No cookie in, none out."""

from __future__ import annotations

from typing import Any

from flask import request
from flask_smorest import Blueprint

from sidecar import deps
from sidecar.api.common import errors
from sidecar.api.schemas import ViewSchema
from sidecar.extensions import client_address, limiter

blp = Blueprint("api_views", __name__, url_prefix="/api", description="Page views")


@blp.route("/views", methods=["POST"])
@limiter.limit("120 per minute")
@blp.arguments(ViewSchema)
@blp.response(204)
@errors(blp, 400, 413, 422, 429)
def record(data: dict[str, Any]) -> Any:
    """Count a page view: 204 whether or not it counted (a bot, a path that is not
    a page of the site, or a repeat within the day are quietly ignored)."""
    deps.analytics().record(
        data["path"],
        data.get("referrer") or "",
        client_address(),
        request.headers.get("User-Agent", "")[:512],
    )
    return ""
