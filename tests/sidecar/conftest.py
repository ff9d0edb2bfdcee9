"""Sidecar fixtures: an app on a migrated database, a client that speaks CSRF.

Databases are built by running the Alembic migrations (once per session into
a template, copied per test), never by ``create_all``.
"""

from __future__ import annotations

import itertools
import re
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from flask_migrate import upgrade

from sidecar import create_app
from sidecar.extensions import db
from sidecar.models import Role, User
from sidecar.services.mail import LogMailer
from tests.conftest import Project

_names = itertools.count(1)


def make_app(project: Project, database_url: str, **config: Any) -> Flask:
    settings = {
        "TESTING": True,
        "SQLALCHEMY_DATABASE_URI": database_url,
        "ARGON2_PROFILE": "fast",
        "MODERATION": "none",
        **config,
    }
    return create_app(
        settings,
        environ={
            "FROSTPRESS_ROOT": str(project.root),
            "SIDECAR_INSTANCE": str(project.root / "instance"),
        },
    )


@pytest.fixture(scope="session")
def migrated_sqlite(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A SQLite file with every migration applied, copied for each test."""
    root = tmp_path_factory.mktemp("migrated")
    template = root / "template.sqlite3"
    project = Project(root / "blog")
    app = make_app(project, f"sqlite:///{template}")
    with app.app_context():
        upgrade()
        db.engine.dispose()
    return template


@pytest.fixture
def blog(project: Project) -> Project:
    """Two published posts, a draft and a future one."""
    project.post(title="Hello there", slug="hello", tags=["python"])
    project.post(title="Second post", slug="second", date="2026-02-01 09:00:00")
    project.post(title="A draft", slug="draft", draft=True)
    project.post(title="Not yet", slug="later", date="2099-01-01 00:00:00")
    return project


@pytest.fixture
def database_url(tmp_path: Path, migrated_sqlite: Path) -> str:
    path = tmp_path / "sidecar.sqlite3"
    shutil.copy(migrated_sqlite, path)
    return f"sqlite:///{path}"


@pytest.fixture
def sidecar_config() -> dict[str, Any]:
    """Override in a test module to change settings (e.g. moderation)."""
    return {}


@pytest.fixture
def app(blog: Project, database_url: str, sidecar_config: dict[str, Any]) -> Iterator[Flask]:
    app = make_app(blog, database_url, **sidecar_config)
    yield app
    with app.app_context():
        db.engine.dispose()


@pytest.fixture
def mail(app: Flask) -> LogMailer:
    mailer: LogMailer = app.extensions["sidecar.mailer"]
    return mailer


class ApiClient:
    """A browser-like API client: fetches and sends the CSRF token by itself."""

    def __init__(self, client: FlaskClient) -> None:
        self.client = client
        self.token: str | None = None

    def csrf(self) -> str:
        if self.token is None:
            self.token = self.client.get("/api/csrf").get_json()["csrf_token"]
        return self.token

    def get(self, path: str, **kwargs: Any) -> Any:
        return self.client.get(path, **kwargs)

    def _write(self, method: str, path: str, **kwargs: Any) -> Any:
        headers = {"X-CSRFToken": self.csrf(), **kwargs.pop("headers", {})}
        response = getattr(self.client, method)(path, headers=headers, **kwargs)
        if response.headers.get("X-CSRFToken"):
            self.token = response.headers["X-CSRFToken"]  # a login starts a new session
        return response

    def post(self, path: str, **kwargs: Any) -> Any:
        return self._write("post", path, **kwargs)

    def patch(self, path: str, **kwargs: Any) -> Any:
        return self._write("patch", path, **kwargs)

    def delete(self, path: str, **kwargs: Any) -> Any:
        return self._write("delete", path, **kwargs)

    def login(self, user: User, password: str = "correct horse battery") -> Any:
        response = self.post("/api/auth/login", json={"login": user.username, "password": password})
        assert response.status_code == 200, response.get_json()
        return response


@pytest.fixture
def api(app: Flask) -> ApiClient:
    return ApiClient(app.test_client())


@pytest.fixture
def make_user(app: Flask) -> Any:
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


def link_in(mail: LogMailer, path: str) -> str:
    """The path of the last mailed link containing ``path``."""
    for message in reversed(mail.sent):
        match = re.search(r"https?://[^/\s]+(\S*" + re.escape(path) + r"\S*)", message.body)
        if match:
            return match.group(1)
    raise AssertionError(f"no mail with a link to {path}")
