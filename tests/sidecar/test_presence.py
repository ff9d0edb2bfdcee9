"""Reader counts across sidecar processes that share one Redis."""

from __future__ import annotations

import logging

import pytest

from sidecar.realtime.presence import LocalPresence, SharedPresence
from tests.servers import RedisServer


class Clock:
    def __init__(self) -> None:
        self.now = 1_000_000.0

    def __call__(self) -> float:
        return self.now


def test_one_process_counts_its_own_readers() -> None:
    presence = LocalPresence()
    assert presence.join("a", "hello") == 1
    assert presence.join("a", "hello") == 1  # joining twice is one reader
    assert presence.join("b", "hello") == 2
    assert presence.leave("c", "hello") is None  # never joined
    assert presence.drop("a") == {"hello": 1}


def test_readers_of_every_process_are_counted(redis_url: str) -> None:
    clock = Clock()
    first, second = (SharedPresence(redis_url, clock=clock) for _ in range(2))
    try:
        assert first.join("a", "hello") == 1
        assert second.join("b", "hello") == 2  # another process, the same post
        assert second.join("c", "second") == 1  # other posts are counted apart
        assert first.leave("a", "hello") == 1
        assert second.drop("b") == {"hello": 0}
    finally:
        first.close()
        second.close()


def test_the_readers_of_a_process_that_died_drop_out(redis_url: str) -> None:
    clock = Clock()
    alive = SharedPresence(redis_url, ttl=60, clock=clock)
    crashed = SharedPresence(redis_url, ttl=60, clock=clock)
    try:
        alive.join("a", "hello")
        crashed.join("b", "hello")  # then it stops refreshing: it crashed
        clock.now += 45
        alive.refresh()  # the heartbeat of the living process
        clock.now += 30
        assert alive.join("c", "hello") == 2  # a and c; b is 75 s stale
    finally:
        alive.close()
        crashed.close()


def test_without_redis_the_count_falls_back_to_this_process(
    redis_server: RedisServer, caplog: pytest.LogCaptureFixture
) -> None:
    presence = SharedPresence(redis_server.url)
    try:
        redis_server.stop()
        with caplog.at_level(logging.WARNING, logger="sidecar.realtime"):
            assert presence.join("a", "hello") == 1
            assert presence.join("b", "hello") == 2
        assert "counting this process only" in caplog.text
    finally:
        presence.close()
        redis_server.start()
