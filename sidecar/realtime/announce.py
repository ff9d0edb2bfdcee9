"""Presence broadcasts, coalesced: at most one per post per interval, the last always sent.

Every join, leave and disconnect changes a post's count, but readers only need
to see the count settle. The first change of a quiet post is announced at once;
changes within the next ``interval`` are announced together when it ends (a
trailing edge), with the count as it is then, so the final count always
arrives. Across processes the turn to announce is shared through Redis
(``SharedPresence.claim``): a process whose change falls in another's turn
announces when that turn ends.

The scheduler is injected (``LIVE_SCHEDULER``), so tests move time by hand.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Protocol

from sidecar.realtime.presence import LocalPresence

__all__ = ["PresenceAnnouncer", "Scheduler", "ThreadScheduler"]

EARLY = 0.01  # seconds: a timer this close to its turn has reached it


class Scheduler(Protocol):
    def now(self) -> float: ...

    def later(self, delay: float, action: Callable[[], None]) -> None: ...


class ThreadScheduler:
    """Real time: a daemon timer thread per pending announcement (at most one per post)."""

    def now(self) -> float:
        return time.monotonic()

    def later(self, delay: float, action: Callable[[], None]) -> None:
        timer = threading.Timer(delay, action)
        timer.daemon = True
        timer.start()


class PresenceAnnouncer:
    def __init__(
        self,
        presence: LocalPresence,
        send: Callable[[str, int], None],
        *,
        interval: float = 1.0,
        scheduler: Scheduler | None = None,
    ) -> None:
        self.presence = presence
        self.send = send  # (slug, count): the broadcast itself
        self.interval = interval
        self.scheduler: Scheduler = scheduler if scheduler is not None else ThreadScheduler()
        self._lock = threading.Lock()
        self._sent: dict[str, float] = {}  # slug -> when this process last announced it
        self._pending: set[str] = set()  # slugs with an announcement scheduled

    def changed(self, slug: str) -> None:
        """``slug``'s count changed: announce it now, or when its turn comes."""
        with self._lock:
            if slug in self._pending:
                return  # the scheduled announcement will carry this change too
            now = self.scheduler.now()
            wait = self._sent.get(slug, float("-inf")) + self.interval - now
            if wait <= EARLY:
                wait = self.presence.claim(slug, self.interval)
            if wait > EARLY:
                self._pending.add(slug)
                self.scheduler.later(wait, lambda: self._due(slug))
                return
            self._sent[slug] = now
        self.send(slug, self.presence.count(slug))

    def _due(self, slug: str) -> None:
        with self._lock:
            self._pending.discard(slug)
        self.changed(slug)
