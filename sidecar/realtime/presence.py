"""How many readers are on each post: in this process, or across all of them.

``LocalPresence`` counts this process's connections (``make dev``, one
process). ``SharedPresence`` adds every process sharing a Redis: one sorted
set per post whose members are socket ids (unique across processes) scored by
when they were last known alive. Each process re-scores its own readers every
``heartbeat`` seconds, so the readers of a process that died without saying
goodbye drop out of the count after ``ttl``. If Redis cannot be reached the
count falls back to this process's own, with a log line, and never fails a join.

:meth:`claim` is how processes take turns announcing a post's count: at most
one of them announces within each ``interval`` (``sidecar.realtime.announce``).
"""

from __future__ import annotations

import logging
import threading
import time
from collections import Counter
from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from redis.client import Pipeline

__all__ = ["LocalPresence", "SharedPresence", "TooManyRooms"]

log = logging.getLogger("sidecar.realtime")


class TooManyRooms(Exception):
    """A connection is already in as many post rooms as it may be."""


class LocalPresence:
    """Connections in each post's room, in this process."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._counts: Counter[str] = Counter()
        self._rooms: dict[str, set[str]] = {}

    def join(self, sid: str, slug: str, *, limit: int | None = None) -> int | None:
        """The new count, or None when ``sid`` was in that room already; raises
        :class:`TooManyRooms` when ``sid`` is in ``limit`` rooms already."""
        with self._lock:
            rooms = self._rooms.setdefault(sid, set())
            if slug in rooms:
                return None
            if limit is not None and len(rooms) >= limit:
                raise TooManyRooms(f"at most {limit} posts at once")
            rooms.add(slug)
            self._counts[slug] += 1
            return self._counts[slug]

    def count(self, slug: str) -> int:
        with self._lock:
            return self._counts[slug]

    def claim(self, slug: str, interval: float) -> float:
        """0 when this process may announce ``slug``'s count now, else how many
        seconds until it may. One process: always now (the announcer keeps time)."""
        return 0.0

    def leave(self, sid: str, slug: str) -> int | None:
        """The new count, or None when ``sid`` was not in that room."""
        with self._lock:
            rooms = self._rooms.get(sid, set())
            if slug not in rooms:
                return None
            rooms.discard(slug)
            self._counts[slug] -= 1
            return self._counts[slug]

    def drop(self, sid: str) -> dict[str, int]:
        """Forget a closed connection; the new count of every room it was in."""
        with self._lock:
            left = self._rooms.pop(sid, set())
            for slug in left:
                self._counts[slug] -= 1
            return {slug: self._counts[slug] for slug in left}

    def members(self) -> list[tuple[str, str]]:
        with self._lock:
            return [(sid, slug) for sid, rooms in self._rooms.items() for slug in rooms]

    def refresh(self) -> None:
        """Mark this process's readers alive: one process has nothing to tell."""

    def slugs(self) -> set[str]:
        """The posts this process has readers on."""
        with self._lock:
            return {slug for slug, count in self._counts.items() if count > 0}


class SharedPresence(LocalPresence):
    """Readers counted across every process that shares one Redis."""

    def __init__(
        self,
        url: str,
        *,
        ttl: float = 60.0,
        heartbeat: float = 20.0,
        clock: Callable[[], float] = time.time,
    ) -> None:
        import redis

        super().__init__()
        self._errors: tuple[type[Exception], ...] = (redis.RedisError, OSError)
        self.redis = redis.Redis.from_url(url, socket_timeout=0.5, socket_connect_timeout=0.5)
        self.ttl, self.heartbeat, self.clock = ttl, heartbeat, clock
        self._beating: threading.Thread | None = None
        self._stop = threading.Event()

    @staticmethod
    def key(slug: str) -> str:
        return f"frostpress:presence:{slug}"

    @staticmethod
    def turn_key(slug: str) -> str:
        return f"frostpress:presence-announced:{slug}"

    def _shared(self, slug: str, local: int, change: Callable[[Pipeline, float], object]) -> int:
        now = self.clock()
        try:
            with self.redis.pipeline() as pipe:
                change(pipe, now)
                pipe.zremrangebyscore(self.key(slug), "-inf", now - self.ttl)
                pipe.zcard(self.key(slug))
                pipe.expire(self.key(slug), int(self.ttl * 2))
                return int(pipe.execute()[-2])
        except self._errors as exc:
            log.warning("presence: Redis unreachable (%s); counting this process only", exc)
            return local

    def join(self, sid: str, slug: str, *, limit: int | None = None) -> int | None:
        local = super().join(sid, slug, limit=limit)
        if local is None:
            return None
        self._start_heartbeat()
        return self._shared(slug, local, lambda pipe, now: pipe.zadd(self.key(slug), {sid: now}))

    def count(self, slug: str) -> int:
        return self._shared(slug, super().count(slug), lambda pipe, now: None)

    def claim(self, slug: str, interval: float) -> float:
        """The first process to ask within ``interval`` announces; the others are
        told when the turn ends. Without Redis, every process announces its own."""
        try:
            with self.redis.pipeline() as pipe:
                pipe.set(self.turn_key(slug), b"1", nx=True, px=max(1, int(interval * 1000)))
                pipe.pttl(self.turn_key(slug))
                won, left = pipe.execute()
        except self._errors as exc:
            log.warning("presence: Redis unreachable (%s); announcing from this process", exc)
            return 0.0
        if won:
            return 0.0
        return max(int(left), 10) / 1000  # gone meanwhile (-2): ask again very soon

    def leave(self, sid: str, slug: str) -> int | None:
        local = super().leave(sid, slug)
        if local is None:
            return None
        return self._shared(slug, local, lambda pipe, now: pipe.zrem(self.key(slug), sid))

    def drop(self, sid: str) -> dict[str, int]:
        def forget(slug: str, local: int) -> int:
            return self._shared(slug, local, lambda pipe, now: pipe.zrem(self.key(slug), sid))

        return {slug: forget(slug, local) for slug, local in super().drop(sid).items()}

    def refresh(self) -> None:
        """Mark this process's readers alive now."""
        members = self.members()
        if not members:
            return
        now = self.clock()
        try:
            with self.redis.pipeline() as pipe:
                for sid, slug in members:
                    pipe.zadd(self.key(slug), {sid: now})
                    pipe.expire(self.key(slug), int(self.ttl * 2))
                pipe.execute()
        except self._errors as exc:
            log.warning("presence: heartbeat failed (%s)", exc)

    def _start_heartbeat(self) -> None:
        if self._beating is not None:
            return
        with self._lock:
            if self._beating is None:
                self._beating = threading.Thread(
                    target=self._beat, name="presence-heartbeat", daemon=True
                )
                self._beating.start()

    def _beat(self) -> None:
        while not self._stop.wait(self.heartbeat):
            self.refresh()

    def close(self) -> None:
        self._stop.set()
