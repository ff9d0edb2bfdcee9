"""``POST /api/site/content-changed``: CI says a deploy published new content."""

from __future__ import annotations

from typing import Any

from flask import current_app, request
from flask_smorest import Blueprint
from marshmallow import Schema, fields

from sidecar import deps
from sidecar.api.common import errors
from sidecar.extensions import limiter
from sidecar.services.manifest_hook import content_changed

blp = Blueprint("api_site", __name__, url_prefix="/api", description="The static site")


class ContentChangedSchema(Schema):
    changed = fields.Boolean(required=True, metadata={"description": "whether posts changed"})
    posts = fields.Integer(required=True, metadata={"description": "published posts now"})


@blp.route("/site/content-changed", methods=["POST"])
@limiter.limit("10 per minute")
@blp.response(200, ContentChangedSchema)
@errors(blp, 400, 401, 404, 429, 503)
def changed() -> Any:
    """Read the published posts again now (after a deploy). Authenticated with the
    shared ``CONTENT_HOOK_SECRET`` as ``Authorization: Bearer``; no CSRF, no cookie."""
    done = content_changed(
        deps.catalog(),
        current_app.config.get("CONTENT_HOOK_SECRET"),
        request.headers.get("Authorization", ""),
    )
    return {"changed": done.changed, "posts": done.posts}
