"""Sidecar fixtures: an app on a migrated database, a client that speaks CSRF.

Databases are built by running the Alembic migrations (once per session into
a template, copied per test), never by ``create_all``.

Every test that uses a database runs twice: on SQLite (a copied file) and on a
real PostgreSQL server that the session starts itself (``CREATE DATABASE ...
TEMPLATE``). ``redis_server``/``redis_url`` give a real Redis. Without the
server binaries those tests skip, and fail under ``CI=true`` (tests/servers/).
"""

from __future__ import annotations

import itertools
import logging
import os
import shutil
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Protocol

import pytest
from flask import Flask
from flask.testing import FlaskClient
from flask_migrate import downgrade, upgrade
from sqlalchemy import event
from werkzeug.test import TestResponse

from sidecar import create_app
from sidecar.extensions import db, limiter
from sidecar.models import Role, User
from tests.conftest import Project
from tests.servers import (
    PostgresServer,
    RedisServer,
    find_postgres,
    find_redis,
    require,
    running_postgres,
    running_redis,
)
from tests.sidecar.browser import Browser
from tests.sidecar.mailbox import Mailbox as Mailbox  # the tests import both from here too
from tests.sidecar.mailbox import link_in as link_in
from tests.sidecar.smtp import smtp as smtp  # a fixture: a real SMTP server on loopback

_names = itertools.count(1)
_databases = itertools.count(1)
# Every sidecar test runs on each: SQLite (make dev), PostgreSQL, and PostgreSQL
# with Redis behind the rate limits (production).
DATABASES = ["sqlite", "postgresql", "postgresql_redis"]
PG_TEMPLATE = "migrated_template"


def make_app(project: Project, database_url: str, **config: Any) -> Flask:
    settings = {
        "TESTING": True,
        "SQLALCHEMY_DATABASE_URI": database_url,
        "ARGON2_PROFILE": "fast",
        "MODERATION": "none",
        # Each app would open its own Redis listener for the Socket.IO queue; the
        # tests that need the queue across processes ask for it.
        "SOCKETIO_MESSAGE_QUEUE": None,
        # Test clients send a form back at once; the spam tests set their own minimum.
        "SPAM_MIN_SECONDS": 0,
        **config,
    }
    return create_app(
        settings,
        environ={
            "FROSTPRESS_ROOT": str(project.root),
            "SIDECAR_INSTANCE": str(project.root / "instance"),
        },
    )


@contextmanager
def keeping_logging() -> Iterator[None]:
    """Undo what running the migrations does to logging.

    Alembic's env.py calls ``logging.config.fileConfig``, which disables every
    logger that exists already (so ``caplog`` sees nothing from them afterwards)
    and adds a stderr handler to the root logger. The tests run migrations
    in-process, so the logging setup is put back afterwards."""
    manager = logging.Logger.manager
    root = logging.getLogger()
    saved_root = (root.level, list(root.handlers), root.disabled)
    saved = {
        name: (logger.level, list(logger.handlers), logger.disabled, logger.propagate)
        for name, logger in manager.loggerDict.items()
        if isinstance(logger, logging.Logger)
    }
    try:
        yield
    finally:
        root.setLevel(saved_root[0])
        root.handlers[:] = saved_root[1]
        root.disabled = saved_root[2]
        for name, logger in list(manager.loggerDict.items()):
            if not isinstance(logger, logging.Logger):
                continue
            if name in saved:
                logger.level, handlers, logger.disabled, logger.propagate = saved[name]
                logger.handlers[:] = handlers
            else:  # created by the migration run (alembic.*): quiet and propagating
                logger.disabled = False
        manager._clear_cache()  # type: ignore[attr-defined]


def migrate_to(app: Flask, revision: str = "head", *, down: bool = False) -> None:
    """``flask db upgrade``/``downgrade`` in-process, then close every connection."""
    with app.app_context(), keeping_logging():
        try:
            (downgrade if down else upgrade)(revision=revision)
        finally:
            db.engine.dispose()


@pytest.fixture(scope="session")
def migrated_sqlite(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A SQLite file with every migration applied, copied for each test."""
    root = tmp_path_factory.mktemp("migrated")
    template = root / "template.sqlite3"
    project = Project(root / "blog")
    migrate_to(make_app(project, f"sqlite:///{template}"))
    return template


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[PostgresServer]:
    """One throwaway PostgreSQL server for the whole session."""
    binaries = find_postgres()
    require(
        "PostgreSQL (initdb and postgres; Debian: apt-get install postgresql)", binaries is not None
    )
    assert binaries is not None
    with running_postgres(binaries) as server:
        yield server


@pytest.fixture(scope="session")
def migrated_postgresql(
    postgres_server: PostgresServer, tmp_path_factory: pytest.TempPathFactory
) -> str:
    """The name of a PostgreSQL database with every migration applied: the template
    each test's database is copied from (so it must have no open connections)."""
    url = postgres_server.create_database(PG_TEMPLATE)
    project = Project(tmp_path_factory.mktemp("migrated-pg") / "blog")
    migrate_to(make_app(project, url))
    return PG_TEMPLATE


@pytest.fixture
def new_postgresql_database(postgres_server: PostgresServer) -> Iterator[Callable[..., str]]:
    """``new(template=None)`` → the URL of a fresh database, dropped after the test
    (any connection still open to it is ended then)."""
    created: list[str] = []

    def new(template: str | None = None) -> str:
        name = f"test_{os.getpid()}_{next(_databases)}"
        url = postgres_server.create_database(name, template=template)
        created.append(name)
        return url

    yield new
    for name in created:
        postgres_server.drop_database(name)


@pytest.fixture
def sqlite_database_url(tmp_path: Path, migrated_sqlite: Path) -> str:
    path = tmp_path / "sidecar.sqlite3"
    shutil.copy(migrated_sqlite, path)
    return f"sqlite:///{path}"


@pytest.fixture
def postgresql_database_url(
    migrated_postgresql: str, new_postgresql_database: Callable[..., str]
) -> str:
    return new_postgresql_database(template=migrated_postgresql)


@pytest.fixture
def postgresql_redis_database_url(postgresql_database_url: str) -> str:
    return postgresql_database_url  # the app fixture adds REDIS_URL for this one


def _with_redis(request: pytest.FixtureRequest) -> bool:
    callspec = getattr(request.node, "callspec", None)
    return callspec is not None and callspec.params.get("database_url") == "postgresql_redis"


@pytest.fixture(params=DATABASES)
def database_url(request: pytest.FixtureRequest) -> str:
    """A migrated database of the test's own: every test using it runs on each kind."""
    url: str = request.getfixturevalue(f"{request.param}_database_url")
    return url


@pytest.fixture(params=["sqlite", "postgresql"])
def empty_database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A database with nothing in it, not even the migrations (Redis adds nothing here)."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'empty.sqlite3'}"
    new: Callable[..., str] = request.getfixturevalue("new_postgresql_database")
    return new()


@pytest.fixture
def empty_app(blog: Project, empty_database_url: str) -> Iterator[Flask]:
    """The sidecar on that empty database, as a new install or a skipped upgrade finds it."""
    app = make_app(blog, empty_database_url)
    yield app
    with app.app_context():
        db.engine.dispose()


@pytest.fixture(scope="session")
def redis_server() -> Iterator[RedisServer]:
    """One throwaway Redis for the session: ``.url``, ``.stop()`` (a crash),
    ``.start()`` (back on the same port), ``.client()``."""
    binary = find_redis()
    require("Redis (redis-server; Debian: apt-get install redis-server)", binary is not None)
    assert binary is not None
    with running_redis(binary) as server:
        yield server


@pytest.fixture
def redis_url(redis_server: RedisServer) -> Iterator[str]:
    """The session's Redis, running and empty at the start of the test; running
    again afterwards even if the test stopped it."""
    redis_server.start()
    with redis_server.client() as client:
        client.flushall()
    yield redis_server.url
    redis_server.start()


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
    if _with_redis(request):
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
