"""Reader counts across sidecar processes that share one Redis, and their broadcasts."""

from __future__ import annotations

import logging
from typing import Any

import pytest

from sidecar.realtime.announce import PresenceAnnouncer
from sidecar.realtime.presence import LocalPresence, SharedPresence, TooManyRooms
from tests.servers import RedisServer
from tests.sidecar.manual_time import ManualTime


class Clock:
    def __init__(self) -> None:
        self.now = 1_000_000.0

    def __call__(self) -> float:
        return self.now


def test_one_process_counts_its_own_readers() -> None:
    presence = LocalPresence()
    assert presence.join("a", "hello") == 1
    assert presence.join("a", "hello") is None  # joining twice is one reader: no change
    assert presence.count("hello") == 1
    assert presence.join("b", "hello") == 2
    assert presence.leave("c", "hello") is None  # never joined
    assert presence.drop("a") == {"hello": 1}


def test_a_connection_is_in_a_bounded_number_of_rooms() -> None:
    presence = LocalPresence()
    for slug in ("a", "b"):
        presence.join("x", slug, limit=2)
    with pytest.raises(TooManyRooms):
        presence.join("x", "c", limit=2)
    assert presence.count("c") == 0
    assert presence.join("x", "a", limit=2) is None  # a room it is in is no new room
    presence.leave("x", "a")
    assert presence.join("x", "c", limit=2) == 1


def announcer(presence: LocalPresence, clock: ManualTime) -> tuple[PresenceAnnouncer, list[Any]]:
    sent: list[Any] = []
    return PresenceAnnouncer(presence, lambda *a: sent.append(a), scheduler=clock), sent


def test_a_change_to_a_quiet_room_is_announced_at_once() -> None:
    presence, clock = LocalPresence(), ManualTime()
    announce, sent = announcer(presence, clock)
    presence.join("a", "hello")
    announce.changed("hello")
    assert sent == [("hello", 1)] and clock.pending == 0


def test_changes_within_a_second_are_announced_together_with_the_last_count() -> None:
    presence, clock = LocalPresence(), ManualTime()
    announce, sent = announcer(presence, clock)
    for sid in "abcde":
        presence.join(sid, "hello")
        announce.changed("hello")
        clock.advance(0.1)
    presence.drop("e")
    announce.changed("hello")
    assert sent == [("hello", 1)]  # the first; the others wait for the second to end
    clock.advance(0.6)
    assert sent == [("hello", 1), ("hello", 4)]  # one more, with the count as it is then
    clock.advance(10)
    assert len(sent) == 2  # and nothing after it


def test_rooms_are_coalesced_apart() -> None:
    presence, clock = LocalPresence(), ManualTime()
    announce, sent = announcer(presence, clock)
    for slug in ("hello", "second", "hello", "second"):
        presence.join(f"{slug}-{len(sent)}", slug)
        announce.changed(slug)
    clock.advance(1)
    assert sent == [("hello", 1), ("second", 1), ("hello", 2), ("second", 2)]


def test_processes_take_turns_announcing_a_room(redis_url: str) -> None:
    first, second = SharedPresence(redis_url), SharedPresence(redis_url)
    try:
        assert first.claim("hello", 1.0) == 0  # first to ask: announces now
        assert 0 < second.claim("hello", 1.0) <= 1.0  # the other, when the turn ends
        assert first.claim("second", 1.0) == 0  # each post has its own turns
    finally:
        first.close()
        second.close()


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
            assert presence.claim("hello", 1.0) == 0  # each process announces its own
        assert "counting this process only" in caplog.text
    finally:
        presence.close()
        redis_server.start()
