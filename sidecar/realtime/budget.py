"""How often one socket may join or leave post rooms.

The widget joins once per connection (again after a reconnect, which is a new
socket), so a handful a minute is plenty. A socket over its budget has its
joins and leaves refused; one that keeps going after that is disconnected.
Sockets live in one process, so the counts are kept in its memory.
"""

from __future__ import annotations

import enum

from limits import parse
from limits.storage import MemoryStorage
from limits.strategies import MovingWindowRateLimiter

__all__ = ["JOINS", "REFUSALS", "SocketBudget", "Verdict"]

JOINS = "10 per minute"  # joins and leaves one socket may make
REFUSALS = "20 per minute"  # refused ones it may make before it is disconnected


class Verdict(enum.Enum):
    ALLOWED = "allowed"
    REFUSED = "refused"
    ABUSIVE = "abusive"


class SocketBudget:
    def __init__(self, joins: str = JOINS, refusals: str = REFUSALS) -> None:
        self._limiter = MovingWindowRateLimiter(MemoryStorage())
        self._joins, self._refusals = parse(joins), parse(refusals)

    def spend(self, sid: str) -> Verdict:
        """Count one join or leave by ``sid``."""
        if self._limiter.hit(self._joins, "joins", sid):
            return Verdict.ALLOWED
        if self._limiter.hit(self._refusals, "refusals", sid):
            return Verdict.REFUSED
        return Verdict.ABUSIVE

    def forget(self, sid: str) -> None:
        """A closed socket's counts go with it."""
        self._limiter.clear(self._joins, "joins", sid)
        self._limiter.clear(self._refusals, "refusals", sid)
