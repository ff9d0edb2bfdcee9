"""Two sidecar processes, one Redis: a comment posted to one reaches readers of the other.

Each process is started as the README deploys it: gunicorn, one worker with
threads (Socket.IO's threading mode), ``sidecar.wsgi:app``.
"""

from __future__ import annotations

import os
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
import requests
import socketio as socketio_client

from sidecar.extensions import db
from sidecar.models import User
from tests.conftest import REPO, Project
from tests.processes import running_http_process
from tests.sidecar.conftest import make_app

ORIGIN = "https://blog.example"
PASSWORD = "correct horse battery"


@contextmanager
def sidecar_process(env: dict[str, str], log: Path) -> Iterator[str]:
    argv = [
        *(sys.executable, "-m", "gunicorn", "-c", "python:sidecar.gunicorn_config"),
        *("--workers", "1", "--threads", "20"),
        *("--bind", "127.0.0.1:{port}", "--graceful-timeout", "2", "sidecar.wsgi:app"),
    ]
    with running_http_process(argv, log, ready="/api/health", env=env, cwd=REPO) as url:
        yield url


@pytest.fixture
def shared_env(blog: Project, sqlite_database_url: str, redis_url: str) -> dict[str, str]:
    setup = make_app(blog, sqlite_database_url)
    with setup.app_context():
        from sidecar.database import now_utc

        db.session.add(
            User(
                email="ada@example.test",
                username="ada",
                email_confirmed_at=now_utc(),
                password_hash=setup.extensions["sidecar.hasher"].hash(PASSWORD),
            )
        )
        db.session.commit()
        db.engine.dispose()
    return {
        **os.environ,
        "SIDECAR_ENV": "testing",
        "SECRET_KEY": "k" * 40,
        "DATABASE_URL": sqlite_database_url,
        "REDIS_URL": redis_url,
        "SITE_ORIGIN": ORIGIN,
        "FROSTPRESS_ROOT": str(blog.root),
        "MODERATION": "none",
    }


def test_a_comment_posted_to_one_process_reaches_readers_of_another(
    shared_env: dict[str, str], tmp_path: Path
) -> None:
    with (
        sidecar_process(shared_env, tmp_path / "a.log") as a,
        sidecar_process(shared_env, tmp_path / "b.log") as b,
    ):
        arrived: list[Any] = []
        got_it = threading.Event()
        # A websocket, as the widget opens first; websocket-client sends its own
        # Origin unless told which.
        reader = socketio_client.Client(
            reconnection=False, websocket_extra_options={"origin": ORIGIN}
        )

        @reader.on("comment:new")
        def on_comment(payload: Any) -> None:
            arrived.append(payload)
            got_it.set()

        reader.connect(b, transports=["websocket"], wait_timeout=10)
        try:
            assert reader.call("join", {"post": "hello"}, timeout=10) == {"ok": True, "count": 1}
            writer = requests.Session()
            token = writer.get(a + "/api/csrf", timeout=5).json()["csrf_token"]
            login = writer.post(
                a + "/api/auth/login",
                json={"login": "ada", "password": PASSWORD},
                headers={"X-CSRFToken": token},
                timeout=10,
            )
            assert login.status_code == 200, login.text
            posted = writer.post(
                a + "/api/posts/hello/comments",
                json={"body": "from A"},
                headers={"X-CSRFToken": login.headers["X-CSRFToken"]},
                timeout=10,
            )
            assert posted.status_code == 201, posted.text
            assert got_it.wait(10), "the comment never reached process B"
            public = {k: v for k, v in posted.json().items() if k != "body"}
            assert arrived == [public]  # the readers' view: no Markdown source
        finally:
            reader.disconnect()


def settles(counts: list[int], expected: int) -> bool:
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        if counts and counts[-1] == expected:
            return True
        time.sleep(0.05)
    return False


def test_readers_are_counted_across_processes(shared_env: dict[str, str], tmp_path: Path) -> None:
    with (
        sidecar_process(shared_env, tmp_path / "a.log") as a,
        sidecar_process(shared_env, tmp_path / "b.log") as b,
    ):
        counts: list[int] = []  # what a reader on A is told
        on_a = socketio_client.Client(reconnection=False)
        on_b = socketio_client.Client(reconnection=False)
        on_a.on("presence", lambda payload: counts.append(payload["count"]))
        on_a.connect(a, headers={"Origin": ORIGIN}, transports=["polling"], wait_timeout=10)
        on_b.connect(b, headers={"Origin": ORIGIN}, transports=["polling"], wait_timeout=10)
        try:
            assert on_a.call("join", {"post": "hello"}, timeout=10) == {"ok": True, "count": 1}
            assert on_b.call("join", {"post": "hello"}, timeout=10) == {"ok": True, "count": 2}
            assert settles(counts, 2), counts  # B's reader is announced on A
            on_b.disconnect()
            assert settles(counts, 1), counts  # and so is their leaving
        finally:
            on_a.disconnect()
            on_b.disconnect()
