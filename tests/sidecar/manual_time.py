"""Time that moves only when a test says so: the live channel's scheduler (``LIVE_SCHEDULER``)."""

from __future__ import annotations

import heapq
import itertools
from collections.abc import Callable

__all__ = ["ManualTime"]


class ManualTime:
    def __init__(self) -> None:
        self.current = 0.0
        self._due: list[tuple[float, int, Callable[[], None]]] = []
        self._order = itertools.count()

    def now(self) -> float:
        return self.current

    def later(self, delay: float, action: Callable[[], None]) -> None:
        heapq.heappush(self._due, (self.current + delay, next(self._order), action))

    @property
    def pending(self) -> int:
        return len(self._due)

    def advance(self, seconds: float) -> None:
        """Move time on, running what falls due on the way, in order."""
        end = self.current + seconds
        while self._due and self._due[0][0] <= end:
            when, _, action = heapq.heappop(self._due)
            self.current = max(self.current, when)
            action()
        self.current = end
