"""The Socket.IO client managers: who is in which room, in this process or through Redis.

A moderator's socket is in ``admin`` and in ``user:<id>``. Closing a user's
room (``Publisher.end_live_access``) takes its sockets out of ``admin`` as
well: python-socketio carries a ``close_room`` to every process sharing the
queue, and each process handles it for the sockets it holds, so a user's access
ends everywhere without anyone knowing which process holds which socket.

Through Redis, each process listens on one channel. While it is not subscribed
(Redis down, or just back), what the other processes publish never reaches its
sockets. python-socketio's own listener then retries after 1, 2, 4 … 60
seconds, and redis-py adds jittered retries of its own to every attempt, so
events were lost for several seconds after Redis returned, unseen. Here the
listener retries every 0.1 s, doubling up to 1 s, with no retries inside
redis-py; ``status`` says whether it is subscribed (``/api/health``), and once
it is subscribed again after a gap it calls every ``after_gap`` callback, so
the process can tell its sockets to catch up.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import suppress
from typing import Any

import socketio
from redis.backoff import NoBackoff
from redis.retry import Retry

from sidecar.config import ConfigurationError
from sidecar.services.events import ADMIN_ROOM, is_user_room

__all__ = ["LocalManager", "RedisQueue", "make_manager"]

log = logging.getLogger("sidecar.realtime")

RETRY_FIRST = 0.1  # seconds before the first new attempt to subscribe
RETRY_CAP = 1.0  # and never more between two attempts
POLL = 1.0  # seconds the listener waits for a message before looking again


class _UserRooms:
    """Closing ``user:<id>`` also takes that room's sockets out of ``admin``.

    ``basic_close_room`` is where every close ends up: one made here, and one
    another process published on the queue."""

    def basic_close_room(self, room: Any, namespace: str) -> None:
        if is_user_room(room):
            for sid, _eio_sid in list(self.get_participants(namespace, room)):  # type: ignore[attr-defined]
                self.basic_leave_room(sid, namespace, ADMIN_ROOM)  # type: ignore[attr-defined]
        super().basic_close_room(room, namespace)  # type: ignore[misc]


class LocalManager(_UserRooms, socketio.Manager):  # type: ignore[misc]
    """One process: rooms in memory."""

    status = "in process"  # nothing to subscribe to: every event is heard


class RedisQueue(_UserRooms, socketio.RedisManager):  # type: ignore[misc]
    """Several processes sharing Redis as the Socket.IO message queue."""

    def __init__(self, url: str, channel: str = "flask-socketio") -> None:
        options = {  # a dead Redis answers fast; the retrying is done here
            "socket_connect_timeout": 0.5,
            "socket_timeout": 0.5,
            "retry": Retry(NoBackoff(), 0),
        }
        super().__init__(url, channel=channel, redis_options=options)
        self.after_gap: list[Callable[[], None]] = []
        self._started = False
        self._subscribed = threading.Event()

    @property
    def status(self) -> str:
        """``idle`` before the first socket (no listener yet), ``ok`` while
        subscribed, ``unsubscribed`` while events of other processes are missed."""
        if not self._started:
            return "idle"
        return "ok" if self._subscribed.is_set() else "unsubscribed"

    def _redis_listen_with_retries(self) -> Iterator[dict[str, Any]]:
        self._started = True
        delay, gap = RETRY_FIRST, False
        while True:
            client = pubsub = None
            try:
                client = self._get_redis_module().Redis.from_url(
                    self.redis_url, **self.redis_options
                )
                pubsub = client.pubsub()  # the listener's own: publishing reconnects apart
                pubsub.subscribe(self.channel)
                while True:
                    message = pubsub.get_message(timeout=POLL)
                    if message is None:
                        continue
                    if message["type"] != "subscribe":
                        yield message
                        continue
                    self._subscribed.set()  # Redis confirmed: from now on nothing is missed
                    delay = RETRY_FIRST
                    if gap:
                        gap = False
                        log.warning("live channel: subscribed to the message queue again")
                        self._caught_up()
            except Exception as exc:
                if not gap:  # once per gap
                    log.warning("live channel: cannot hear the message queue (%s); retrying", exc)
                self._subscribed.clear()
                gap = True
            finally:
                _close_quietly(pubsub, client)
            time.sleep(delay)
            delay = min(delay * 2, RETRY_CAP)

    def _caught_up(self) -> None:
        for action in list(self.after_gap):
            self.server.start_background_task(_logging_errors, action)


def _logging_errors(action: Callable[[], None]) -> None:
    try:
        action()
    except Exception:
        log.exception("live channel: catching up after a gap in the message queue failed")


def _close_quietly(*closables: Any) -> None:
    for closable in closables:
        if closable is not None:
            with suppress(Exception):  # it is being thrown away
                closable.close()


def make_manager(queue: str | None) -> Any:
    """The manager for a message queue URL (Redis), or for this process alone."""
    if not queue:
        return LocalManager()
    if not str(queue).startswith(("redis://", "rediss://", "unix://")):
        raise ConfigurationError(f"the Socket.IO message queue must be a Redis URL, not {queue!r}")
    return RedisQueue(queue)
