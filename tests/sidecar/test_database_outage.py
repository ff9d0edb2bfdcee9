"""PostgreSQL going away: 503 with the JSON error, recovery without a restart.

A fault run found every API request answering 500 ``internal_error`` while
PostgreSQL restarted, and, when a connection died after a request's last
query, the teardown's ROLLBACK escaping Flask as the server's bare HTML 500
page (for a comment that had been committed).

The outage is made on the test's own database of the shared server: every
connection to it is ended and new ones are refused (``ALLOW_CONNECTIONS``),
as while the server restarts; then connections are allowed again.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from flask import Flask
from psycopg import sql
from sqlalchemy import func, select, text

from sidecar.extensions import db, limiter
from sidecar.models import Comment, User
from tests.conftest import Project
from tests.servers import PostgresServer
from tests.sidecar.conftest import ApiClient, error_of, make_app

THREAD = "/api/posts/hello/comments"


class Outage:
    def __init__(self, server: PostgresServer, database: str) -> None:
        self.server, self.database = server, database

    def _alter(self, allow: bool) -> None:
        with self.server.admin() as conn:
            conn.execute(
                sql.SQL("ALTER DATABASE {} ALLOW_CONNECTIONS {}").format(
                    sql.Identifier(self.database), sql.SQL("true" if allow else "false")
                )
            )
            if not allow:
                conn.execute(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s",
                    (self.database,),
                )

    def kill_connections(self) -> None:
        """End every open connection to the database (new ones still work)."""
        with self.server.admin() as conn:
            conn.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s",
                (self.database,),
            )

    @contextmanager
    def down(self) -> Iterator[None]:
        self._alter(False)
        try:
            yield
        finally:
            self._alter(True)


@pytest.fixture
def outage_app(
    blog: Project,
    postgres_server: PostgresServer,
    migrated_postgresql: str,
    new_postgresql_database: Callable[..., str],
) -> Iterator[tuple[Flask, Outage]]:
    url = new_postgresql_database(template=migrated_postgresql)
    app = make_app(blog, url)
    app.config["PROPAGATE_EXCEPTIONS"] = False  # as served: errors become responses
    yield app, Outage(postgres_server, url.rsplit("/", 1)[1])
    with app.app_context():
        db.engine.dispose()


def _signed_in(app: Flask) -> ApiClient:
    from sidecar.database import now_utc

    with app.app_context():
        user = User(
            email="ada@example.test",
            username="ada",
            email_confirmed_at=now_utc(),
            password_hash=app.extensions["sidecar.hasher"].hash("correct horse battery"),
        )
        db.session.add(user)
        db.session.commit()
        db.session.refresh(user)
        db.session.expunge(user)
    client = ApiClient(app.test_client())
    client.login(user)
    return client


def _stored(app: Flask) -> int:
    with app.app_context():
        return int(db.session.scalar(select(func.count()).select_from(Comment)) or 0)


def test_an_outage_is_a_503_with_retry_after_and_recovers_by_itself(
    outage_app: tuple[Flask, Outage],
) -> None:
    app, outage = outage_app
    api = _signed_in(app)
    assert api.post(THREAD, json={"body": "before"}).status_code == 201
    with outage.down():
        for response in (
            api.get(THREAD),
            api.post(THREAD, json={"body": "during"}),
            api.get("/api/auth/me"),
            api.get("/api/counts?slugs=hello"),
        ):
            assert response.status_code == 503, response.get_data(as_text=True)[:300]
            assert error_of(response)["code"] == "unavailable"
            assert int(response.headers["Retry-After"]) > 0
        health = api.get("/api/health")
        assert health.status_code == 503
        assert health.get_json()["checks"]["database"] == "unreachable"
        page = app.test_client().get("/comments/hello")
        assert page.status_code == 503 and page.mimetype == "text/html"
    # Back, without restarting anything.
    assert api.get("/api/health").status_code == 200
    assert api.post(THREAD, json={"body": "after"}).status_code == 201
    assert [c["body_html"] for c in api.get(THREAD).get_json()["items"]] == [
        "<p>before</p>",
        "<p>after</p>",
    ]
    assert _stored(app) == 2  # nothing half-written during the outage
    assert not limiter._storage_dead  # the rate limiter never blamed its storage


def test_a_connection_lost_after_the_last_query_still_gets_a_json_answer(
    outage_app: tuple[Flask, Outage],
) -> None:
    """The teardown's ROLLBACK fails on the dead connection: that is not the
    client's problem, and the response already made goes out."""
    app, outage = outage_app

    @app.get("/api/test-dies-after-commit")
    def dies_after_commit() -> Any:
        db.session.execute(text("SELECT 1"))  # a transaction is open on this connection
        outage.kill_connections()
        return {"done": True}

    response = app.test_client().get("/api/test-dies-after-commit")
    assert response.status_code == 200
    assert response.get_json() == {"done": True}
    assert app.test_client().get("/api/health").status_code == 200  # the next one is fine


def test_whatever_escapes_flask_is_still_json_under_api(
    outage_app: tuple[Flask, Outage],
) -> None:
    app, _ = outage_app

    @app.teardown_request
    def broken_teardown(_exc: Any) -> None:
        raise RuntimeError("a teardown that fails")

    response = app.test_client().get("/api/csrf")
    assert response.status_code == 500
    assert error_of(response)["code"] == "internal_error"
    page = app.test_client().get("/auth/login")
    assert page.status_code == 500 and page.mimetype == "text/html"
