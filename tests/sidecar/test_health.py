"""Liveness, readiness, and no serving on a schema the code has outgrown.

Before: ``/api/health`` said ok on a database that had never been migrated,
while every comment request failed (a 500 on PostgreSQL, a misleading
"database unreachable" on SQLite), and nothing said what to run.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import event, text

from sidecar.extensions import db
from sidecar.models import User
from sidecar.schema_check import UPGRADE_COMMAND, schema_check
from tests.conftest import Project
from tests.sidecar.conftest import ApiClient, error_of, make_app, migrate_to

PASSWORD = "correct horse battery"
PREVIOUS = "0009"  # a revision before the code's head


def add_user(app: Flask, username: str = "ada") -> User:
    from sidecar.database import now_utc

    with app.app_context():
        user = User(
            email=f"{username}@example.test",
            username=username,
            password_hash=app.extensions["sidecar.hasher"].hash(PASSWORD),
            email_confirmed_at=now_utc(),
        )
        db.session.add(user)
        db.session.commit()
        db.session.refresh(user)
        db.session.expunge(user)
    return user


def comment(api: ApiClient) -> Any:
    return api.post("/api/posts/hello/comments", json={"body": "first!"})


def assert_schema_outdated(response: Any) -> None:
    assert response.status_code == 503, response.get_data(as_text=True)[:300]
    error = error_of(response)
    assert error["code"] == "schema_outdated"
    assert UPGRADE_COMMAND in error["message"]
    assert int(response.headers["Retry-After"]) > 0


def test_a_fresh_database_is_refused_until_upgraded_then_served_without_restart(
    empty_app: Flask, caplog: pytest.LogCaptureFixture
) -> None:
    api = ApiClient(empty_app.test_client())
    with caplog.at_level(logging.ERROR, logger="sidecar.schema_check"):
        assert_schema_outdated(api.get("/api/health/ready"))
    # The log says what to run, once (not once per request).
    told = [r.getMessage() for r in caplog.records if UPGRADE_COMMAND in r.getMessage()]
    assert len(told) == 1 and "never migrated" in told[0]
    # Writes and reads alike: a clear 503, never a 500 or a misleading error.
    posted = empty_app.test_client().post(
        "/api/posts/hello/comments", json={"body": "hi", "guest": {"name": "Bo"}}
    )
    assert_schema_outdated(posted)
    assert_schema_outdated(api.get("/api/posts/hello/comments"))
    assert_schema_outdated(api.get("/api/csrf"))
    page = empty_app.test_client().get("/comments/hello")
    assert page.status_code == 503 and page.mimetype == "text/html"
    assert "try again in a few minutes" in page.get_data(as_text=True)
    # Liveness stays what it was: the process is up and the database answers.
    alive = api.get("/api/health")
    assert alive.status_code == 200 and alive.get_json()["checks"]["database"] == "ok"

    migrate_to(empty_app)  # flask db upgrade, while the app keeps running

    ready = api.get("/api/health/ready")
    assert ready.status_code == 200, ready.get_json()
    assert ready.get_json()["checks"] == {"database": "ok", "schema": "current"}
    user = add_user(empty_app)
    api.login(user)
    created = comment(api)
    assert created.status_code == 201, created.get_json()
    assert api.get("/comments/hello").status_code == 200


def test_a_database_one_migration_behind_is_refused(blog: Project, empty_database_url: str) -> None:
    app = make_app(blog, empty_database_url)
    try:
        migrate_to(app, PREVIOUS)
        client = app.test_client()
        refused = client.get("/api/health/ready")
        assert_schema_outdated(refused)
        assert PREVIOUS in error_of(refused)["message"]
        assert_schema_outdated(client.get("/api/posts"))
        migrate_to(app)
        assert client.get("/api/posts").status_code == 200
    finally:
        with app.app_context():
            db.engine.dispose()


def test_a_database_ahead_of_the_code_is_still_served(app: Flask) -> None:
    """A newer release migrated it; this process is the old one, still draining."""
    with app.app_context():
        db.session.execute(text("UPDATE alembic_version SET version_num = 'f00dfeed'"))
        db.session.commit()
    client = app.test_client()
    ready = client.get("/api/health/ready")
    assert ready.status_code == 200
    assert ready.get_json()["checks"]["schema"] == "ahead"
    assert client.get("/api/posts").status_code == 200


def test_readiness_is_503_unavailable_when_the_database_is_unreachable(
    blog: Project, tmp_path: Path
) -> None:
    app = make_app(blog, f"sqlite:///{tmp_path / 'missing-dir' / 'x.sqlite3'}")
    response = app.test_client().get("/api/health/ready")
    assert response.status_code == 503
    assert error_of(response)["code"] == "unavailable"
    assert response.headers["Retry-After"]
    with app.app_context():
        db.engine.dispose()


def test_a_current_schema_is_not_looked_up_on_every_request(app: Flask) -> None:
    """Readiness is polled often and every request passes the check: it is cheap."""
    client = app.test_client()
    assert client.get("/api/health/ready").status_code == 200
    with app.app_context():
        engine = schema_check()._engine
    assert engine is not None
    connections: list[object] = []
    event.listen(engine, "connect", lambda *args: connections.append(args))
    for _ in range(20):
        assert client.get("/api/health/ready").status_code == 200
        assert client.get("/api/posts").status_code == 200
    assert connections == []  # all answered from the cache


def test_when_the_check_is_due_one_request_looks_and_the_others_go_on(app: Flask) -> None:
    """Every few seconds the check is due again, for every request in flight at
    once: one of them opens a connection and looks, the rest keep the answer it
    replaces (a busy process queued all of them, each with a connection of its
    own, for seconds)."""
    import threading
    import time

    app.test_client().get("/api/health/ready")
    with app.app_context():
        check = schema_check()
    assert check._engine is not None
    connections: list[object] = []

    def slow_connect(*args: object) -> None:
        connections.append(args)
        time.sleep(0.3)  # the others arrive while this one looks

    event.listen(check._engine, "connect", slow_connect)
    check._checked_at = float("-inf")  # due
    reports: list[Any] = []
    callers = [threading.Thread(target=lambda: reports.append(check.report())) for _ in range(10)]
    for caller in callers:
        caller.start()
    for caller in callers:
        caller.join(10)
    assert len(reports) == 10 and all(report.serving for report in reports)
    assert len(connections) == 1


def test_the_api_document_says_every_operation_may_be_unavailable(app: Flask) -> None:
    doc = app.test_client().get("/api/openapi.json").get_json()
    error = {"$ref": "#/components/schemas/Error"}
    unavailable = doc["components"]["responses"]["UNAVAILABLE"]
    assert unavailable["content"]["application/json"]["schema"] == error
    assert "schema_outdated" in unavailable["description"]
    for path, item in doc["paths"].items():
        for method, operation in item.items():
            if method in {"get", "post", "put", "patch", "delete"}:
                assert "503" in operation["responses"], f"{method.upper()} {path}"
    ready = doc["paths"]["/api/health/ready"]["get"]["responses"]
    assert {"200", "503"} <= set(ready)
    assert ready["503"]["content"]["application/json"]["schema"] == error
