"""Health (liveness), readiness and the CSRF token.

``/api/health`` says the process is up and how its database, Redis and live
channel are; ``/api/health/ready`` says whether it should be sent traffic:
503 while the database is unreachable or its schema is behind the code.
"""

from __future__ import annotations

from typing import Any

import marshmallow as ma
from flask import current_app
from flask_smorest import Blueprint
from flask_wtf.csrf import generate_csrf
from sqlalchemy import text

from sidecar.api.common import ErrorSchema
from sidecar.api.schemas import CsrfSchema, HealthSchema
from sidecar.errors import Unavailable
from sidecar.extensions import db
from sidecar.failsafe import RETRY_AFTER, UNAVAILABLE, drop_session
from sidecar.schema_check import SchemaState, outdated_error, schema_check


class ReadySchema(ma.Schema):
    status = ma.fields.String(metadata={"description": "ready"})
    checks = ma.fields.Dict(
        keys=ma.fields.String(),
        values=ma.fields.String(),
        metadata={"description": "database: ok; schema: current, or ahead (of this release)"},
    )
    revision = ma.fields.String(metadata={"description": "the database's Alembic revision"})


blp = Blueprint("health", __name__, url_prefix="/api", description="Health and CSRF")


def _content_status() -> str:
    """Which posts exist: ``checkout`` (read from content/), ``ok`` (the site's
    manifest, last read fine) or ``stale`` (the last read failed: the sidecar
    keeps the last good list until the site answers again)."""
    catalog = current_app.extensions["sidecar.catalog"]
    if not hasattr(catalog, "last_error"):
        return "checkout"
    return "stale" if catalog.last_error else "ok"


def _redis_status() -> str:
    url = current_app.config.get("REDIS_URL")
    if not url:
        return "not configured"
    import redis

    try:
        redis.Redis.from_url(url, socket_timeout=0.5, socket_connect_timeout=0.5).ping()
    except redis.RedisError:
        return "unreachable"
    return "ok"


@blp.route("/health")
@blp.response(200, HealthSchema)
@blp.alt_response(503, schema=HealthSchema, description="The database is down")
def health() -> Any:
    """``degraded`` (still 200) while Redis is unreachable, the live channel is
    not subscribed to it, or the site's manifest could not be read (``content``:
    ``stale``); 503 only when the database is down."""
    try:
        db.session.execute(text("SELECT 1"))
        database = "ok"
    except Exception:
        drop_session()
        database = "unreachable"
    redis_state = _redis_status()
    # The live channel: "unsubscribed" while this process cannot hear what the
    # others publish (Redis down, or back but not listened to yet).
    realtime = current_app.extensions["sidecar.live"].status
    content = _content_status()
    degraded = (
        database != "ok"
        or redis_state == "unreachable"
        or realtime == "unsubscribed"
        or content == "stale"
    )
    checks = {"database": database, "redis": redis_state, "realtime": realtime, "content": content}
    body = {"status": "degraded" if degraded else "ok", "checks": checks}
    return body, (503 if database != "ok" else 200)


@blp.route("/health/ready")
@blp.response(200, ReadySchema)
@blp.alt_response(
    503,
    schema=ErrorSchema,
    description="Not ready: the database is unreachable (unavailable) or its schema is "
    "behind the code (schema_outdated); see Retry-After",
)
def ready() -> Any:
    """Ready for traffic: 200, or 503 while the database is unreachable or behind

    For load balancers and orchestrators: send traffic only on a 200. Cheap: while
    the schema is current the answer is kept for SCHEMA_CHECK_SECONDS (5)."""
    report = schema_check().report()
    if report.state is SchemaState.UNREACHABLE:
        raise Unavailable(UNAVAILABLE, retry_after=int(RETRY_AFTER))
    if report.state is SchemaState.BEHIND:
        raise outdated_error(report)
    return {
        "status": "ready",
        "checks": {"database": "ok", "schema": report.state.value},
        "revision": ",".join(report.database),
    }


@blp.route("/csrf")
@blp.response(200, CsrfSchema)
def csrf_token() -> Any:
    """The token browser sessions send back in ``X-CSRFToken`` on every write, and
    the signed time a comment form was shown (``form_token``, sent back as a
    comment's ``started``: a comment sent sooner than a person could write it
    is held)."""
    from sidecar import deps

    return {"csrf_token": generate_csrf(), "form_token": deps.form_clock().issue()}
