"""Budgets a service keeps itself, where the key needs the database.

Flask-Limiter's decorators run before the view, keyed by functions that must
never touch the database (a failing read there would look to the limiter like
its storage failing). A budget that belongs to an *account* (failed logins
against it, whichever name or address was typed) is therefore kept by the
service once it has resolved the account, in the limiter's own storage
(Redis when configured), falling back to this process's memory when that
storage is unreachable: never off.
"""

from __future__ import annotations

import logging
import math
import time
from collections.abc import Callable

from limits import RateLimitItem, parse_many
from limits.storage import MemoryStorage
from limits.strategies import MovingWindowRateLimiter, RateLimiter

from sidecar.errors import TooManyRequests

__all__ = ["Throttle"]

log = logging.getLogger(__name__)


class Throttle:
    def __init__(
        self, scope: str, rate: str, limiter: Callable[[], RateLimiter] | None = None
    ) -> None:
        """``limiter``: gives the shared strategy (Flask-Limiter's, whose storage may be
        Redis); without it, this process's memory."""
        self.scope = scope
        self.items: list[RateLimitItem] = parse_many(rate)
        self.limiter = limiter
        self._fallback = MovingWindowRateLimiter(MemoryStorage())

    def _hit(self, strategy: RateLimiter, key: str) -> RateLimitItem | None:
        """Count one attempt; the limit it broke, if any."""
        for item in self.items:
            if not strategy.hit(item, self.scope, key):
                return item
        return None

    def spend(self, key: str, message: str) -> None:
        """Count one attempt for ``key``, or refuse it (429) when over budget."""
        try:
            strategy = self.limiter() if self.limiter else self._fallback
            broken = self._hit(strategy, key)
        except Exception as exc:  # the shared storage is away: this process counts alone
            log.warning("%s budget: storage unreachable (%s); counting in memory", self.scope, exc)
            strategy = self._fallback
            broken = self._hit(strategy, key)
        if broken is not None:
            reset = strategy.get_window_stats(broken, self.scope, key).reset_time
            retry = max(1, math.ceil(reset - time.time()))
            raise TooManyRequests(message, retry_after=retry)
