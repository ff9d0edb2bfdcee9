"""Progress for long builds: one updating line on a terminal, plain lines otherwise."""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from typing import TextIO

__all__ = ["OnProgress", "Progress"]

OnProgress = Callable[[str, int, int], None]
"""What the build calls as it goes: ``(stage, done, total)``; :class:`Progress` is one."""

_LABELS = {"render": "Rendering Markdown", "write": "Writing pages"}


class Progress:
    """A ``(stage, done, total)`` callback for :meth:`Builder.build`."""

    def __init__(
        self, stream: TextIO | None = None, *, interval: float = 0.1, minimum: int = 50
    ) -> None:
        self.stream = stream or sys.stderr
        self.tty = self.stream.isatty()
        self.interval = interval
        self.minimum = minimum  # stages shorter than this print nothing
        self._last = 0.0
        self._stage: str | None = None

    def __call__(self, stage: str, done: int, total: int) -> None:
        if total < self.minimum:
            return
        label = _LABELS.get(stage, stage)
        if self.tty:
            now = time.monotonic()
            if done == total or now - self._last >= self.interval:
                self._last = now
                end = "\n" if done == total else ""
                self.stream.write(f"\r{label}: {done}/{total} ({100 * done // total}%){end}")
                self.stream.flush()
        elif stage != self._stage or done == total:
            # Plain lines for logs: when a stage starts and when it ends.
            state = "done" if done == total else "started"
            self.stream.write(f"{label}: {done}/{total} {state}\n")
            self.stream.flush()
        self._stage = stage if done < total else None
