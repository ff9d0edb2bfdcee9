"""Sidecar fixtures: an app on a migrated database, a client that speaks CSRF.

Every test that uses a database runs on each kind: SQLite, PostgreSQL, and
PostgreSQL with Redis; the databases and the servers behind them come from
``tests/sidecar/databases.py``, whose fixtures are all visible here.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterator
from typing import Any, Protocol

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import event
from werkzeug.test import TestResponse

from sidecar import create_app
from sidecar.extensions import db, limiter
from sidecar.models import Role, User
from tests.conftest import Project
from tests.sidecar.browser import Browser

# The databases' fixtures, and make_app/migrate_to, which the tests import from here.
from tests.sidecar.databases import *  # noqa: F403
from tests.sidecar.databases import make_app, with_redis
from tests.sidecar.mailbox import Mailbox as Mailbox  # the tests import both from here too
from tests.sidecar.mailbox import link_in as link_in
from tests.sidecar.smtp import smtp as smtp  # a fixture: a real SMTP server on loopback

_names = itertools.count(1)


@pytest.fixture
def empty_app(blog: Project, empty_database_url: str) -> Iterator[Flask]:
    """The sidecar on that empty database, as a new install or a skipped upgrade finds it."""
    app = make_app(blog, empty_database_url)
    yield app
    with app.app_context():
        db.engine.dispose()


@pytest.fixture
def blog(project: Project) -> Project:
    """Two published posts, a draft and a future one."""
    project.post(title="Hello there", slug="hello", tags=["python"])
    project.post(title="Second post", slug="second", date="2026-02-01 09:00:00")
    project.post(title="A draft", slug="draft", draft=True)
    project.post(title="Not yet", slug="later", date="2099-01-01 00:00:00")
    return project


@pytest.fixture
def production(blog: Project, sqlite_database_url: str) -> Iterator[Flask]:
    """The app as production configures it (SQLite aside), for ``sidecar.example``."""
    app = create_app(
        {"ARGON2_PROFILE": "fast"},
        environ={
            "SIDECAR_ENV": "production",
            "SECRET_KEY": "s" * 48,
            "FROSTPRESS_ROOT": str(blog.root),
            "DATABASE_URL": sqlite_database_url,
            "PUBLIC_URL": "https://blog.example",
            "TRUSTED_HOSTS": "sidecar.example",
            "MAIL_SERVER": "smtp.example",
        },
    )
    yield app
    with app.app_context():
        db.engine.dispose()


@pytest.fixture(autouse=True)
def limiter_storage_alive() -> None:
    """Every test starts with a rate limiter that trusts its storage.

    The sidecar's ``limiter`` is one object per process, shared by every app made
    here, and ``init_app`` does not forget that an earlier app's storage died
    (Redis stopped by a test): the next test's app would then count against the
    in-memory fallback ("30 per minute") instead of its real limits. The back-off
    between its storage checks (1, 2, 4 ... 32 s) starts again too. Nor does it
    forget ``RATELIMIT_ENABLED = False``: it becomes the next app's default."""
    limiter.enabled = True
    limiter._storage_dead = False
    limiter._Limiter__check_backend_count = 0  # type: ignore[attr-defined]


@pytest.fixture
def sidecar_config() -> dict[str, Any]:
    """Override in a test module to change settings (e.g. moderation)."""
    return {}


@pytest.fixture
def app(
    request: pytest.FixtureRequest,
    blog: Project,
    database_url: str,
    sidecar_config: dict[str, Any],
) -> Iterator[Flask]:
    config = dict(sidecar_config)
    if with_redis(request):
        config.setdefault("REDIS_URL", request.getfixturevalue("redis_url"))
    app = make_app(blog, database_url, **config)
    yield app
    with app.app_context():
        db.engine.dispose()


@pytest.fixture
def mail(app: Flask) -> Mailbox:
    return Mailbox(app)


class ApiClient:
    """A browser-like API client: fetches and sends the CSRF token by itself and,
    as the widget does, sends a new comment with the form token fetched with it."""

    def __init__(self, client: FlaskClient) -> None:
        self.client = client
        self.token: str | None = None
        self.form_token: str | None = None

    def csrf(self) -> str:
        if self.token is None:
            answer = self.client.get("/api/csrf").get_json()
            self.token, self.form_token = answer["csrf_token"], answer["form_token"]
        return self.token

    def get(self, path: str, **kwargs: Any) -> TestResponse:
        return self.client.get(path, **kwargs)

    def _write(self, method: str, path: str, **kwargs: Any) -> TestResponse:
        headers = {"X-CSRFToken": self.csrf(), **kwargs.pop("headers", {})}
        response: TestResponse = getattr(self.client, method)(path, headers=headers, **kwargs)
        if response.headers.get("X-CSRFToken"):
            self.token = response.headers["X-CSRFToken"]  # a login starts a new session
        return response

    def post(self, path: str, **kwargs: Any) -> TestResponse:
        body = kwargs.get("json")
        if path.endswith("/comments") and isinstance(body, dict) and "started" not in body:
            self.csrf()
            kwargs["json"] = {**body, "started": self.form_token}
        return self._write("post", path, **kwargs)

    def patch(self, path: str, **kwargs: Any) -> TestResponse:
        return self._write("patch", path, **kwargs)

    def delete(self, path: str, **kwargs: Any) -> TestResponse:
        return self._write("delete", path, **kwargs)

    def login(self, user: User, password: str = "correct horse battery") -> TestResponse:
        response = self.post("/api/auth/login", json={"login": user.username, "password": password})
        assert response.status_code == 200, response.get_json()
        return response


@pytest.fixture
def api(app: Flask) -> ApiClient:
    return ApiClient(app.test_client())


class MakeUser(Protocol):
    def __call__(
        self,
        *,
        role: Role = ...,
        confirmed: bool = ...,
        password: str = ...,
        username: str | None = ...,
    ) -> User: ...


@pytest.fixture
def make_user(app: Flask) -> MakeUser:
    """``make_user(role=..., confirmed=..., password=...)`` → a saved User."""

    def make(
        *,
        role: Role = Role.COMMENTER,
        confirmed: bool = True,
        password: str = "correct horse battery",
        username: str | None = None,
    ) -> User:
        from sidecar.database import now_utc

        number = next(_names)
        username = username or f"user{number}"
        with app.app_context():
            user = User(
                email=f"{username}@example.test",
                username=username,
                password_hash=app.extensions["sidecar.hasher"].hash(password),
                role=role.value,
                email_confirmed_at=now_utc() if confirmed else None,
            )
            db.session.add(user)
            db.session.commit()
            db.session.refresh(user)
            db.session.expunge(user)
        return user

    return make


def error_of(response: Any) -> dict[str, Any]:
    """The error envelope's inner object, after checking the envelope's shape."""
    body = response.get_json()
    assert response.mimetype == "application/json", response.get_data(as_text=True)[:200]
    assert set(body) == {"error"} and set(body["error"]) == {"code", "message", "fields"}
    return dict(body["error"])


def statements_during(app: Flask, action: Callable[[], Any]) -> list[str]:
    """The SQL statements the database saw while ``action`` ran (to count queries)."""
    seen: list[str] = []

    def record(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        seen.append(statement)

    with app.app_context():
        engine = db.engine
        event.listen(engine, "before_cursor_execute", record)
    try:
        action()
    finally:
        event.remove(engine, "before_cursor_execute", record)
    return seen


# -- the no-JavaScript pages, read like a browser would -----------------------------
@pytest.fixture
def browser(app: Flask) -> Browser:
    return Browser(app.test_client())


@pytest.fixture
def new_browser(app: Flask) -> Any:
    """Another reader, with cookies of their own."""
    return lambda: Browser(app.test_client())


@pytest.fixture
def ada(make_user: MakeUser) -> User:
    return make_user(username="ada")


@pytest.fixture
def signed_in(browser: Browser, ada: User) -> Browser:
    browser.login(ada)
    return browser
