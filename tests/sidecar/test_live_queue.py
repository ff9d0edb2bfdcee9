"""The live channel when Redis, its message queue, dies and comes back.

DESIGN.md, "Redis unreachable": ``/api/health`` reports ``degraded`` until the
live channel is subscribed again, and readers then resynchronise, so every
reader ends up with every comment. Two real sidecar processes (A and B) share
a real Redis that the tests kill (as a crash would) and start again.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import requests

from sidecar.models import Role
from tests.conftest import Project
from tests.servers import RedisServer
from tests.sidecar.sidecars import (
    Listener,
    Writer,
    sidecar_env,
    two_sidecars,
    until,
)


def health(base: str) -> requests.Response:
    return requests.get(base + "/api/health", timeout=5)


def live_channel(base: str) -> str:
    state: str = health(base).json()["checks"]["realtime"]
    return state


def ids(comments: list[Any]) -> list[int]:
    return [c["id"] for c in comments]


def test_health_is_degraded_until_the_live_channel_listens_again(
    blog: Project,
    sqlite_database_url: str,
    redis_url: str,
    redis_server: RedisServer,
    tmp_path: Path,
) -> None:
    env = sidecar_env(blog, sqlite_database_url, redis_url, users={"ada": Role.COMMENTER})
    with two_sidecars(env, tmp_path) as (a, b):
        writer = Writer(a, "ada")
        reader = Listener(b)
        try:
            assert reader.join()["ok"]
            assert until(lambda: live_channel(b) == "ok")

            redis_server.stop()
            assert until(lambda: live_channel(b) == "unsubscribed")
            down = health(b)
            assert down.status_code == 200  # only the database makes it 503
            assert down.json()["status"] == "degraded"

            redis_server.start()
            assert until(lambda: health(b).json()["status"] == "ok"), health(b).json()
            assert health(b).json()["checks"] == {
                "database": "ok",
                "redis": "ok",
                "realtime": "ok",
                "content": "checkout",
            }
            # "ok" means listening: what A publishes from now on reaches B's readers.
            posted = writer.comment("the moment health says ok")
            assert reader.wait_for(lambda r: posted["id"] in ids(r.of("comment:new")))
        finally:
            reader.close()


def test_readers_catch_up_on_what_was_published_while_the_queue_was_away(
    blog: Project,
    sqlite_database_url: str,
    redis_url: str,
    redis_server: RedisServer,
    tmp_path: Path,
) -> None:
    env = sidecar_env(blog, sqlite_database_url, redis_url, users={"ada": Role.COMMENTER})
    with two_sidecars(env, tmp_path) as (a, b):
        writer = Writer(a, "ada")
        reader = Listener(b)
        try:
            assert reader.join()["ok"]
            before = writer.comment("before")  # B listens: it reaches the reader
            assert reader.wait_for(lambda r: ids(r.of("comment:new")) == [before["id"]])

            redis_server.stop()
            during = writer.comment("while Redis is down")  # saved; its event is lost
            redis_server.start()
            after = writer.comment("as soon as Redis is back")  # B may not listen yet

            assert reader.wait_for(lambda r: r.of("resync") == [{"post": "hello"}])
            # What the widget does on resync: fetch the thread again, from B.
            thread = requests.get(b + "/api/posts/hello/comments", timeout=5).json()
            assert {during["id"], after["id"]} <= set(ids(thread["items"]))
        finally:
            reader.close()


def test_an_end_of_access_missed_while_the_queue_was_away_is_caught_up(
    blog: Project,
    sqlite_database_url: str,
    redis_url: str,
    redis_server: RedisServer,
    tmp_path: Path,
) -> None:
    users = {"ada": Role.COMMENTER, "mod": Role.MODERATOR, "boss": Role.ADMIN}
    env = sidecar_env(blog, sqlite_database_url, redis_url, users=users, MODERATION="all")
    with two_sidecars(env, tmp_path) as (a, b):
        ada, boss, mod = Writer(a, "ada"), Writer(a, "boss"), Writer(a, "mod")
        socket = Listener(b, cookie=mod.cookie)  # the moderator's socket, on B
        try:
            assert socket.join()["ok"]
            first = ada.comment("held")  # B listens: it reaches the moderator
            assert socket.wait_for(lambda s: ids(s.of("moderation:new")) == [first["id"]])

            redis_server.stop()
            assert mod.post("/api/auth/logout").status_code == 204  # B cannot hear of it
            redis_server.start()
            assert socket.wait_for(lambda s: {"post": "hello"} in s.of("resync"))
            assert {"admin": True} not in socket.of("resync")  # it was out of the room by then

            held = ada.comment("held")
            public = boss.comment("a moderator's comment is never held")
            assert socket.wait_for(lambda s: public["id"] in ids(s.of("comment:new")))
            assert held["id"] not in ids(socket.of("moderation:new"))
        finally:
            socket.close()
