"""The sidecar's databases for tests, and the app on one.

Databases are built by running the Alembic migrations (once per session into
a template, copied per test), never by ``create_all``. ``database_url`` gives
each test a migrated database of its own on every kind in ``DATABASES``:
SQLite (a copied file) and a real PostgreSQL server that the session starts
itself (``CREATE DATABASE ... TEMPLATE``), alone and with Redis behind the rate
limits. ``redis_server``/``redis_url`` give a real Redis. Without the server
binaries those tests skip, and fail under ``CI=true`` (tests/servers/).

``tests/sidecar/conftest.py`` re-exports the fixtures, so every sidecar and
hostile test sees them.
"""

from __future__ import annotations

import itertools
import logging
import os
import shutil
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask_migrate import downgrade, upgrade

from sidecar import create_app
from sidecar.extensions import db
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

__all__ = [
    "DATABASES",
    "database_url",
    "empty_database_url",
    "make_app",
    "migrate_to",
    "migrated_postgresql",
    "migrated_sqlite",
    "new_postgresql_database",
    "postgres_server",
    "postgresql_database_url",
    "postgresql_redis_database_url",
    "redis_server",
    "redis_url",
    "sqlite_database_url",
    "with_redis",
]

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


def with_redis(request: pytest.FixtureRequest) -> bool:
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
