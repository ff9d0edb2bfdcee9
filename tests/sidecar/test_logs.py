"""Every log line is one JSON object, written once, and no secret is ever in one.

Before: reset and confirmation tokens sat in the path of every line logged
during those requests, mails (with their links) were logged at INFO in
production, SQL errors carried their parameters (comment bodies, emails,
password hashes), and gunicorn's lines were plain text, some printed twice.
"""

from __future__ import annotations

import io
import json
import logging
import re
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from sqlalchemy.exc import IntegrityError

from sidecar.extensions import db
from sidecar.logs import TOKEN_PATHS, JsonFormatter
from sidecar.models import User
from tests.conftest import Project
from tests.sidecar.browser import Browser
from tests.sidecar.conftest import Mailbox, link_in
from tests.sidecar.sidecars import sidecar_process

SECRET_TOKEN = "eyJ1aWQiOjF9.ZZZsecretZZZ.abc"


def _record(message: str, *args: Any) -> logging.LogRecord:
    return logging.LogRecord("sidecar.test", logging.INFO, __file__, 1, message, args, None)


def test_token_paths_are_redacted_from_lines_and_request_paths(app: Flask) -> None:
    formatter = JsonFormatter(redact_secrets=True)
    with app.test_request_context(f"/auth/reset/{SECRET_TOKEN}"):
        line = formatter.format(
            _record("Follow https://blog.example/auth/confirm/%s", SECRET_TOKEN)
        )
    entry = json.loads(line)
    assert SECRET_TOKEN not in line
    assert entry["path"] == "/auth/reset/[redacted]"
    assert entry["message"] == "Follow https://blog.example/auth/confirm/[redacted]"
    # Development shows them: that is where one follows the link from the terminal.
    shown = JsonFormatter(redact_secrets=False).format(_record("/auth/confirm/%s", SECRET_TOKEN))
    assert SECRET_TOKEN in shown


def test_every_route_that_takes_a_token_is_redacted(app: Flask) -> None:
    token_rules = [r.rule for r in app.url_map.iter_rules() if "token" in r.arguments]
    assert token_rules, "the reset and confirmation routes take a token"
    for rule in token_rules:
        path = rule.replace("<token>", SECRET_TOKEN)
        assert SECRET_TOKEN not in TOKEN_PATHS.sub("[redacted]", path), rule


def test_sql_errors_are_logged_without_their_values(app: Flask, ada: User) -> None:
    secret_email = "not-for-the-log@example.test"  # a parameter of an insert that fails
    with app.app_context():
        db.session.add(User(email=secret_email, username=ada.username, password_hash="h4sh"))
        with pytest.raises(IntegrityError) as failure:
            db.session.commit()
        db.session.rollback()
    record = _record("insert failed")
    record.exc_info = (IntegrityError, failure.value, failure.value.__traceback__)
    line = JsonFormatter().format(record)
    assert "IntegrityError" in json.loads(line)["exception"]
    assert secret_email not in line and "h4sh" not in line


def _get(url: str, **kwargs: Any) -> int:
    request = urllib.request.Request(url, **kwargs)
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return int(response.status)
    except urllib.error.HTTPError as error:
        return int(error.code)


def test_a_served_process_writes_one_json_line_per_event_and_no_secret(
    blog: Project, sqlite_database_url: str, ada: User, tmp_path: Path
) -> None:
    import os

    env = {
        **os.environ,
        "SIDECAR_ENV": "testing",
        "SECRET_KEY": "k" * 40,
        "DATABASE_URL": sqlite_database_url,
        "FROSTPRESS_ROOT": str(blog.root),
    }
    log = tmp_path / "sidecar.log"
    with sidecar_process(env, log) as url:
        assert _get(f"{url}/auth/confirm/{SECRET_TOKEN}") == 422
        assert _get(f"{url}/auth/reset/{SECRET_TOKEN}") == 200
        login = json.dumps({"login": "ada", "password": "hunter2-secret-pw"}).encode()
        _get(
            f"{url}/api/auth/login",
            data=login,
            method="POST",
            headers={"Content-Type": "application/json"},
        )
    lines = [line for line in log.read_text().splitlines() if line.strip()]
    entries = [json.loads(line) for line in lines]  # each line is one JSON object
    text = log.read_text()
    assert SECRET_TOKEN not in text and "hunter2-secret-pw" not in text
    access = [e["message"] for e in entries if e["logger"] == "gunicorn.access"]
    confirm = [m for m in access if "/auth/confirm/" in m]
    assert len(confirm) == 1 and "/auth/confirm/[redacted]" in confirm[0]
    booted = [e for e in entries if re.search(r"Booting worker", e["message"])]
    assert len(booted) == 1  # gunicorn's own lines come out once, not twice


def test_the_live_channel_logs_only_through_the_json_handler(app: Flask) -> None:
    from sidecar.extensions import socketio

    for logger in (socketio.server.logger, socketio.server.eio.logger):
        assert logger.handlers == [] and logger.propagate, logger.name
    for name in ("socketio.server", "engineio.server"):
        plain = [
            h
            for h in logging.getLogger(name).handlers
            if not isinstance(h.formatter, JsonFormatter)
        ]
        assert plain == [], name


@pytest.fixture
def log_lines() -> Iterator[io.StringIO]:
    """What the sidecar's JSON handler writes, as in production (secrets redacted)."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter(redact_secrets=True))
    root = logging.getLogger()
    level = root.level
    root.addHandler(handler)
    root.setLevel(logging.INFO)
    try:
        yield stream
    finally:
        root.removeHandler(handler)
        root.setLevel(level)


def test_a_login_and_a_reset_are_logged_with_ids_and_without_secrets(
    app: Flask, ada: User, mail: Mailbox, log_lines: io.StringIO
) -> None:
    browser = Browser(app.test_client())
    password = "correct horse battery"  # ada's
    csrf = browser.csrf_token("/auth/login")
    signed_in = browser.client.post(
        "/auth/login", data={"csrf_token": csrf, "login": "ada", "password": password}
    )
    assert signed_in.status_code == 302
    login_id = signed_in.headers["X-Request-ID"]
    me = browser.client.get("/api/auth/me", headers={"X-Request-ID": "probe-0001"})
    assert me.status_code == 200
    browser.submit("/auth/reset", email=ada.email)
    reset_path = link_in(mail, "/auth/reset/")
    reset_token = reset_path.rsplit("/", 1)[-1]
    assert browser.client.get(reset_path).status_code == 200
    cookie = browser.client.get_cookie("session")
    assert cookie is not None

    lines = [line for line in log_lines.getvalue().splitlines() if line.strip()]
    entries = [json.loads(line) for line in lines]  # one JSON object per line
    requests = [e for e in entries if e["logger"] == "sidecar.request"]
    login = [e for e in requests if e["request_id"] == login_id]
    assert len(login) == 1
    assert login[0]["user_id"] == ada.id and login[0]["status"] == 302
    assert login[0]["method"] == "POST" and login[0]["path"] == "/auth/login"
    probe = [e for e in requests if e["request_id"] == "probe-0001"]
    assert len(probe) == 1 and probe[0]["user_id"] == ada.id
    assert all(e["request_id"] for e in requests)
    assert any(e["path"] == "/auth/reset/[redacted]" for e in requests)
    text = log_lines.getvalue()
    for secret in (password, cookie.value, csrf, reset_token):
        assert secret not in text
