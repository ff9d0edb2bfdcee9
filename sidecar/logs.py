"""JSON log lines, each carrying the request id (also sent back as X-Request-ID).

Every line the sidecar's process writes is one JSON object: the app's own,
SQLAlchemy's, and the server's (gunicorn's error and access logs, through
``sidecar.gunicorn_config``). Outside development, secrets never reach a
line: links that carry a token (confirmation, reset, unsubscribe and
moderation links, whether in a request path, an access log line or a mail)
are redacted, and SQL errors are logged without their parameters
(``hide_parameters``).

Each request the app answers also gets one line of its own (logger
``sidecar.request``; ``LOG_REQUESTS=False`` turns it off): method, path
(never the query string), status and duration, with the request id and, once
known, the signed-in user's id. Headers, cookies and bodies are never logged.
"""

from __future__ import annotations

import json
import logging
import re
import time
import uuid
from typing import Any

from flask import Flask, Response, g, has_request_context, request

__all__ = ["JsonFormatter", "configure_logging", "redact", "request_id_from"]

request_log = logging.getLogger("sidecar.request")
_SAFE_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")


def request_id_from(given: str) -> str:
    """A caller's ``X-Request-ID`` when it is a short safe token, else a new one."""
    return given if _SAFE_ID.match(given) else uuid.uuid4().hex


# The paths that carry a secret in their last segment (every route with a
# <token> argument: tests/sidecar/test_logs.py checks the URL map against it).
TOKEN_PATHS = re.compile(
    r"(/auth/(?:confirm|reset)/|/comments/(?:unsubscribe|notify/confirm|moderate)/)[^/?#\s\"']+"
)


# PostgreSQL's errors repeat the offending values ("Key (email)=(ada@...)").
DB_DETAIL = re.compile(r"^DETAIL:.*$", re.MULTILINE)


def redact(text: str) -> str:
    return TOKEN_PATHS.sub(r"\1[redacted]", text)


class JsonFormatter(logging.Formatter):
    def __init__(self, *args: Any, redact_secrets: bool = True, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.redact_secrets = redact_secrets

    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": self.formatTime(record, "%Y-%m-%dT%H:%M:%S"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        if has_request_context():
            entry["request_id"] = g.get("request_id", "-")
            entry["path"] = request.path
            user = g.get("_login_user")
            if user is not None and getattr(user, "is_authenticated", False):
                entry["user_id"] = user.id
        fields = getattr(record, "fields", None)
        if isinstance(fields, dict):
            entry.update({k: v for k, v in fields.items() if k not in entry})
        if record.exc_info:
            entry["exception"] = DB_DETAIL.sub(
                "DETAIL: [redacted]", self.formatException(record.exc_info)
            )
        line = json.dumps(entry, ensure_ascii=False)
        return redact(line) if self.redact_secrets else line


def json_handler(*, redact_secrets: bool = True) -> logging.Handler:
    handler = logging.StreamHandler()
    handler.setFormatter(JsonFormatter(redact_secrets=redact_secrets))
    return handler


def configure_logging(app: Flask) -> None:
    if not app.config.get("TESTING") and not any(
        isinstance(h.formatter, JsonFormatter) for h in logging.getLogger().handlers
    ):
        root = logging.getLogger()
        # Development prints mails with their links: that is how one confirms there.
        root.addHandler(json_handler(redact_secrets=app.config["SIDECAR_ENV"] != "development"))
        root.setLevel(logging.INFO)

    @app.before_request
    def assign_request_id() -> None:
        g.request_id = request_id_from(request.headers.get("X-Request-ID", ""))
        g.request_started = time.perf_counter()

    app.config.setdefault("LOG_REQUESTS", True)

    # Registered first, so it runs last of the after-request hooks: the status is final.
    @app.after_request
    def send_request_id(response: Response) -> Response:
        response.headers["X-Request-ID"] = g.get("request_id", "-")
        if app.config["LOG_REQUESTS"]:
            started = g.get("request_started")
            took = round((time.perf_counter() - started) * 1000, 1) if started else None
            request_log.info(
                "%s %s %s",
                request.method,
                request.path,
                response.status_code,
                extra={
                    "fields": {
                        "method": request.method,
                        "status": response.status_code,
                        "duration_ms": took,
                    }
                },
            )
        return response
