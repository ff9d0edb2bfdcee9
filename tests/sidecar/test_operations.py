"""What an operator relies on: health, production security, logs, real mail."""

from __future__ import annotations

import json
import logging
from email import message_from_bytes
from pathlib import Path
from typing import Any

import pytest
from flask import Flask, g

from sidecar.extensions import db
from sidecar.logs import JsonFormatter
from sidecar.services.mail import Message, SmtpMailer
from tests.conftest import Project
from tests.servers import free_port
from tests.sidecar.conftest import make_app


def test_health_answers_503_when_the_database_is_down(blog: Project, tmp_path: Path) -> None:
    app = make_app(blog, f"sqlite:///{tmp_path / 'missing-dir' / 'x.sqlite3'}")
    response = app.test_client().get("/api/health")
    assert response.status_code == 503
    assert response.get_json() == {
        "status": "degraded",
        "checks": {
            "database": "unreachable",
            "redis": "not configured",
            "realtime": "in process",
            "content": "checkout",
        },
    }
    with app.app_context():
        db.engine.dispose()


def test_production_redirects_to_https_and_sends_hsts(production: Flask) -> None:
    client = production.test_client()
    plain = client.get("/api/health", base_url="http://sidecar.example")
    assert plain.status_code in (301, 302) and plain.headers["Location"].startswith("https://")
    secure = client.get("/api/health", base_url="https://sidecar.example")
    assert secure.status_code == 200
    assert "max-age=" in secure.headers["Strict-Transport-Security"]


def test_production_session_cookies_are_secure_httponly_lax(production: Flask) -> None:
    response = production.test_client().get("/api/csrf", base_url="https://sidecar.example")
    cookie = response.headers["Set-Cookie"]
    for flag in ("Secure", "HttpOnly", "SameSite=Lax"):
        assert flag in cookie, cookie


def test_log_lines_are_json_with_the_request_id(app: Flask) -> None:
    record = logging.LogRecord(
        "sidecar.test", logging.WARNING, __file__, 1, "comment %s refused", (7,), None
    )
    with app.test_request_context("/api/posts/hello/comments"):
        g.request_id = "req-12345678"
        line = json.loads(JsonFormatter().format(record))
    assert line["message"] == "comment 7 refused" and line["level"] == "WARNING"
    assert line["request_id"] == "req-12345678"
    assert line["path"] == "/api/posts/hello/comments"


def test_errors_are_logged_with_their_traceback(
    app: Flask, caplog: pytest.LogCaptureFixture
) -> None:
    app.config["PROPAGATE_EXCEPTIONS"] = False

    @app.get("/api/boom-for-logs")
    def boom() -> Any:
        raise RuntimeError("kaboom")

    with caplog.at_level(logging.ERROR):
        response = app.test_client().get("/api/boom-for-logs")
    assert response.status_code == 500
    assert any(r.exc_info and "kaboom" in str(r.exc_info[1]) for r in caplog.records)
    assert "kaboom" not in response.get_data(as_text=True)  # never shown to the client


def test_mail_goes_out_over_smtp_when_configured() -> None:
    from aiosmtpd.controller import Controller

    received: list[bytes] = []

    class Inbox:
        async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
            received.append(envelope.content)
            return "250 OK"

    port = free_port()
    controller = Controller(Inbox(), hostname="127.0.0.1", port=port)
    controller.start()
    try:
        mailer = SmtpMailer("127.0.0.1", port, "Blog <noreply@blog.example>", use_tls=False)
        mailer.send(
            Message(
                "ada@example.test",
                "Confirm your email address",
                "Follow https://blog.example/auth/confirm/abc",
            )
        )
    finally:
        controller.stop()
    assert len(received) == 1
    message = message_from_bytes(received[0])
    assert message["To"] == "ada@example.test"
    assert message["Subject"] == "Confirm your email address"
    assert "https://blog.example/auth/confirm/abc" in message.get_payload()
