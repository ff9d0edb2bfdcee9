"""Health and the CSRF token."""

from __future__ import annotations

from typing import Any

from flask import current_app
from flask_smorest import Blueprint
from flask_wtf.csrf import generate_csrf
from sqlalchemy import text

from sidecar.api.schemas import CsrfSchema, HealthSchema
from sidecar.extensions import db
from sidecar.failsafe import drop_session

blp = Blueprint("health", __name__, url_prefix="/api", description="Health and CSRF")


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
    """``degraded`` (still 200) while Redis is unreachable or the live channel is
    not subscribed to it; 503 only when the database is down."""
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
    degraded = database != "ok" or redis_state == "unreachable" or realtime == "unsubscribed"
    body = {
        "status": "degraded" if degraded else "ok",
        "checks": {"database": database, "redis": redis_state, "realtime": realtime},
    }
    return body, (503 if database != "ok" else 200)


@blp.route("/csrf")
@blp.response(200, CsrfSchema)
def csrf_token() -> Any:
    """The token browser sessions send back in ``X-CSRFToken`` on every write."""
    return {"csrf_token": generate_csrf()}
