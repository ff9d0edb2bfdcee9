"""Work with a deadline, in worker processes that can be killed.

Python cannot interrupt a thread inside a regular expression, so a time budget
needs a separate process. ``BudgetPool`` keeps a few of them (pebble's
``ProcessPool``: a task that overruns its ``timeout`` has its worker killed and
replaced). Workers come from a ``forkserver`` with the work's module preloaded:
never a fork of a process that runs server threads, and a replacement costs a
fork, not a fresh interpreter. The pool starts on first use, one per process
(shared by every app the process makes), and stops at exit.
"""

from __future__ import annotations

import atexit
import multiprocessing
import threading
from collections.abc import Callable
from typing import Any, TypeVar

from pebble import ProcessExpired, ProcessPool

__all__ = ["BudgetPool", "Busy", "Overran", "shared_pool"]

R = TypeVar("R")


class Overran(Exception):
    """The task ran past its budget (or killed its worker); the worker was replaced."""


class Busy(Exception):
    """No worker was free in time: every one was busy with other tasks."""


class BudgetPool:
    def __init__(self, workers: int, preload: tuple[str, ...] = ()) -> None:
        self.workers = max(1, workers)
        self.preload = preload
        self._pool: ProcessPool | None = None
        self._lock = threading.Lock()

    def _started(self) -> ProcessPool:
        with self._lock:
            if self._pool is None or not self._pool.active:
                if self._pool is not None:
                    self._pool.stop()  # broken: its workers are ended, a new pool replaces it
                context = multiprocessing.get_context("forkserver")
                if self.preload:
                    context.set_forkserver_preload(list(self.preload))
                self._pool = ProcessPool(max_workers=self.workers, context=context)
            return self._pool

    def run(self, function: Callable[..., R], *args: Any, budget: float, wait: float) -> R:
        """``function(*args)`` in a worker: it may run ``budget`` seconds once a
        worker takes it, and waits at most ``wait`` seconds more for one."""
        future = self._started().schedule(function, args=args, timeout=budget)
        try:
            return future.result(timeout=wait + budget)
        except TimeoutError:
            if future.done() and not future.cancelled():
                raise Overran(f"ran over its budget of {budget:g} s") from None
            future.cancel()  # a queued task is dropped, a running one has its worker killed
            raise Busy(f"no worker was free within {wait:g} s") from None
        except ProcessExpired as exc:
            raise Overran(f"its worker died ({exc})") from None

    def close(self) -> None:
        with self._lock:
            if self._pool is not None:
                self._pool.stop()
                self._pool.join()
                self._pool = None


_pools: dict[tuple[int, tuple[str, ...]], BudgetPool] = {}
_pools_lock = threading.Lock()


def shared_pool(workers: int, preload: tuple[str, ...] = ()) -> BudgetPool:
    """This process's pool of ``workers`` processes (made once, stopped at exit)."""
    with _pools_lock:
        key = (workers, preload)
        if key not in _pools:
            _pools[key] = pool = BudgetPool(workers, preload)
            atexit.register(pool.close)
        return _pools[key]
