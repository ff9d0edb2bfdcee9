"""Real sidecar processes sharing one database and one Redis, and their clients.

Each process is started as the README deploys it, by the one production
command (``sidecar.gunicorn_config.command``: gunicorn's gevent worker, one
process, ``sidecar.wsgi:app``). Used by the tests
of what crosses processes (comments, reader counts, ends of access) and of
Redis going away under them.
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import requests
import socketio as socketio_client

from sidecar.extensions import db
from sidecar.gunicorn_config import command
from sidecar.models import Role, User
from tests.conftest import REPO as REPO  # bench/loadkit.py points it at other code
from tests.conftest import Project
from tests.processes import HttpProcess, running_http_server
from tests.sidecar.conftest import make_app

__all__ = [
    "ORIGIN",
    "PASSWORD",
    "Listener",
    "Writer",
    "sidecar_env",
    "sidecar_process",
    "sidecar_server",
    "two_sidecars",
    "until",
]

ORIGIN = "https://blog.example"
PASSWORD = "correct horse battery"
WAIT = 10.0  # seconds for something to cross between processes


@contextmanager
def sidecar_process(env: dict[str, str], log: Path) -> Iterator[str]:
    with sidecar_server(env, log) as served:
        yield served.url


@contextmanager
def two_sidecars(env: dict[str, str], logs: Path) -> Iterator[tuple[str, str]]:
    """Two processes sharing ``env``'s database and Redis; logs ``a.log``, ``b.log``."""
    with sidecar_process(env, logs / "a.log") as a, sidecar_process(env, logs / "b.log") as b:
        yield a, b


@contextmanager
def sidecar_server(env: dict[str, str], log: Path, *options: str) -> Iterator[HttpProcess]:
    """:func:`sidecar_process`, as a process the test can kill (``.kill()``) or
    signal; ``options`` are gunicorn's, after (and over) the defaults here."""
    argv = command("--bind", "127.0.0.1:{port}", "--graceful-timeout", "2", *options)
    with running_http_server(argv, log, ready="/api/health", env=env, cwd=REPO) as served:
        yield served


def sidecar_env(
    blog: Project, database_url: str, redis_url: str, *, users: dict[str, Role], **settings: str
) -> dict[str, str]:
    """The environment of the processes, after creating ``users`` (name → role,
    confirmed, password ``PASSWORD``) in the database they share."""
    setup = make_app(blog, database_url)
    with setup.app_context():
        from sidecar.database import now_utc

        hasher = setup.extensions["sidecar.hasher"]
        for name, role in users.items():
            db.session.add(
                User(
                    email=f"{name}@example.test",
                    username=name,
                    role=role.value,
                    email_confirmed_at=now_utc(),
                    password_hash=hasher.hash(PASSWORD),
                )
            )
        db.session.commit()
        db.engine.dispose()
    return {
        **os.environ,
        "SIDECAR_ENV": "testing",
        "SECRET_KEY": "k" * 40,
        "DATABASE_URL": database_url,
        "REDIS_URL": redis_url,
        "SITE_ORIGIN": ORIGIN,
        "FROSTPRESS_ROOT": str(blog.root),
        "MODERATION": "none",
        **settings,
    }


class Writer:
    """A signed-in browser of one process: cookies and the CSRF token."""

    def __init__(self, base: str, name: str) -> None:
        self.base = base
        self.http = requests.Session()
        token = self.http.get(base + "/api/csrf", timeout=5).json()["csrf_token"]
        login = self.http.post(
            base + "/api/auth/login",
            json={"login": name, "password": PASSWORD},
            headers={"X-CSRFToken": token},
            timeout=10,
        )
        assert login.status_code == 200, login.text
        self.token = login.headers["X-CSRFToken"]

    def post(self, path: str, **json: Any) -> requests.Response:
        return self.http.post(
            self.base + path, json=json, headers={"X-CSRFToken": self.token}, timeout=10
        )

    def comment(self, body: str, slug: str = "hello") -> dict[str, Any]:
        posted = self.post(f"/api/posts/{slug}/comments", body=body)
        assert posted.status_code == 201, posted.text
        found: dict[str, Any] = posted.json()
        return found

    @property
    def cookie(self) -> str:
        return "; ".join(f"{c.name}={c.value}" for c in self.http.cookies)


class Listener:
    """A Socket.IO client of one process that keeps every event it is sent."""

    def __init__(self, base: str, *, cookie: str | None = None) -> None:
        self.events: list[tuple[str, Any]] = []
        self._arrived = threading.Condition()
        self.client = socketio_client.Client(reconnection=False)
        self.client.on("*", self._record)
        headers = {"Origin": ORIGIN, **({"Cookie": cookie} if cookie else {})}
        self.client.connect(base, headers=headers, transports=["polling"], wait_timeout=10)

    def _record(self, event: str, payload: Any = None) -> None:
        with self._arrived:
            self.events.append((event, payload))
            self._arrived.notify_all()

    def join(self, slug: str = "hello") -> Any:
        return self.client.call("join", {"post": slug}, timeout=10)

    def of(self, event: str) -> list[Any]:
        with self._arrived:
            return [payload for name, payload in self.events if name == event]

    def wait_for(self, seen: Callable[[Listener], bool]) -> bool:
        """Whether ``seen(self)`` comes true within ``WAIT`` seconds of events."""
        deadline = time.monotonic() + WAIT
        with self._arrived:
            while not seen(self):
                left = deadline - time.monotonic()
                if left <= 0:
                    return False
                self._arrived.wait(left)
            return True

    def close(self) -> None:
        self.client.disconnect()


def until(check: Callable[[], bool], timeout: float = WAIT) -> bool:
    """Whether ``check()`` comes true within ``timeout`` seconds (polled)."""
    deadline = time.monotonic() + timeout
    while not check():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.05)
    return True
