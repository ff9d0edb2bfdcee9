"""Two sidecar processes, one Redis: what happens on one reaches the sockets of the other.

Each process is started as the README deploys it (tests/sidecar/sidecars.py).
"""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

import pytest
import socketio as socketio_client

from sidecar.models import Role
from tests.conftest import Project
from tests.sidecar.sidecars import (
    ORIGIN,
    Listener,
    Writer,
    sidecar_env,
    sidecar_process,
    two_sidecars,
    until,
)


@pytest.fixture
def shared_env(blog: Project, sqlite_database_url: str, redis_url: str) -> dict[str, str]:
    return sidecar_env(blog, sqlite_database_url, redis_url, users={"ada": Role.COMMENTER})


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
            posted = Writer(a, "ada").comment("from A")
            assert got_it.wait(10), "the comment never reached process B"
            public = {k: v for k, v in posted.items() if k != "body"}
            assert arrived == [public]  # the readers' view: no Markdown source
        finally:
            reader.disconnect()


def test_readers_are_counted_across_processes(shared_env: dict[str, str], tmp_path: Path) -> None:
    with (
        sidecar_process(shared_env, tmp_path / "a.log") as a,
        sidecar_process(shared_env, tmp_path / "b.log") as b,
    ):
        on_a = Listener(a)  # what a reader on A is told
        on_b = Listener(b)
        counts = lambda: [p["count"] for p in on_a.of("presence")]  # noqa: E731
        try:
            assert on_a.join() == {"ok": True, "count": 1}
            assert on_b.join() == {"ok": True, "count": 2}
            assert until(lambda: counts()[-1:] == [2]), counts()  # B's reader, announced on A
            on_b.close()
            assert until(lambda: counts()[-1:] == [1]), counts()  # and their leaving
        finally:
            on_a.close()
            on_b.close()


def test_a_moderator_signed_out_on_one_process_leaves_the_admin_room_on_another(
    blog: Project, sqlite_database_url: str, redis_url: str, tmp_path: Path
) -> None:
    users = {"ada": Role.COMMENTER, "mod": Role.MODERATOR, "boss": Role.ADMIN}
    env = sidecar_env(blog, sqlite_database_url, redis_url, users=users, MODERATION="all")
    with two_sidecars(env, tmp_path) as (a, b):
        ada, boss, mod = Writer(a, "ada"), Writer(a, "boss"), Writer(a, "mod")
        socket = Listener(b, cookie=mod.cookie)  # the moderator's socket, on the other process
        try:
            assert socket.join()["ok"]
            first = ada.comment("held")
            assert socket.wait_for(
                lambda s: [c["id"] for c in s.of("moderation:new")] == [first["id"]]
            )

            assert mod.post("/api/auth/logout").status_code == 204  # on process A
            second = ada.comment("held too")
            public = boss.comment("a moderator's comment is never held")
            # B hands on what A published in order: once the public comment is
            # here, the held one would have been too.
            assert socket.wait_for(lambda s: public["id"] in [c["id"] for c in s.of("comment:new")])
            assert second["id"] not in [c["id"] for c in socket.of("moderation:new")]
        finally:
            socket.close()
