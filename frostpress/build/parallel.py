"""A process pool shared by the stages of one build, started only when needed.

Workers come from a ``forkserver`` with the engine preloaded: no fork of a
process that may run watcher or server threads, and no per-worker import cost.
Small jobs (the watcher's one-post edits) never start it.
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from typing import Any, TypeVar

__all__ = ["WorkerPool"]

R = TypeVar("R")


class WorkerPool:
    def __init__(self, workers: int | None = None) -> None:
        self.workers = workers if workers is not None else (os.cpu_count() or 1)
        self._executor: ProcessPoolExecutor | None = None

    @property
    def parallel(self) -> bool:
        return self.workers > 1

    def _start(self) -> ProcessPoolExecutor:
        if self._executor is None:
            context = multiprocessing.get_context("forkserver")
            context.set_forkserver_preload(["frostpress.build.builder"])
            self._executor = ProcessPoolExecutor(self.workers, mp_context=context)
        return self._executor

    def warm(self) -> None:
        """Start the workers now, in the background, ahead of the first job."""
        if self.parallel:
            executor = self._start()
            for _ in range(self.workers):
                executor.submit(os.getpid)

    def map(
        self, function: Callable[..., R], *iterables: Iterable[Any], chunksize: int = 1
    ) -> Iterator[R]:
        return self._start().map(function, *iterables, chunksize=chunksize)

    def submit(self, function: Callable[..., R], *args: Any) -> Future[R]:
        return self._start().submit(function, *args)

    def close(self) -> None:
        if self._executor is not None:
            self._executor.shutdown(cancel_futures=True)
            self._executor = None

    def __enter__(self) -> WorkerPool:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
