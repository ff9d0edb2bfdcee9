"""Watch ``content/`` and ``site/`` and call back once per burst of saves."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterable
from pathlib import Path

from watchdog.events import FileSystemEvent, FileSystemEventHandler
from watchdog.observers import Observer

__all__ = ["Watcher", "is_noise"]

_NOISE_SUFFIXES = (".swp", ".swx", ".tmp", "~", ".part", ".crdownload")
_NOISE_PREFIXES = (".#", "#", ".~")


def is_noise(path: str) -> bool:
    """Editor swap files and the like, which must not trigger a rebuild."""
    name = Path(path).name
    return (
        name.endswith(_NOISE_SUFFIXES)
        or name.startswith(_NOISE_PREFIXES)
        or name == "4913"
        or "__pycache__" in path
    )


class _Handler(FileSystemEventHandler):
    def __init__(self, watcher: Watcher) -> None:
        self.watcher = watcher

    def on_any_event(self, event: FileSystemEvent) -> None:
        if event.event_type in ("opened", "closed_no_write"):
            return
        if event.is_directory and event.event_type == "modified":
            return
        paths = [event.src_path, getattr(event, "dest_path", "") or ""]
        changed = [str(p) for p in paths if p and not is_noise(str(p))]
        if changed:
            self.watcher.notify(changed)


class Watcher:
    """Calls ``callback(changed_paths)`` after ``quiet`` seconds without new events."""

    def __init__(
        self, paths: Iterable[Path], callback: Callable[[set[str]], object], *, quiet: float = 0.03
    ) -> None:
        self.paths = [p for p in paths if p.is_dir()]
        self.callback = callback
        self.quiet = quiet
        self._observer = Observer()
        self._pending: set[str] = set()
        self._last_event = 0.0
        self._lock = threading.Condition()
        self._stopped = False
        self._thread = threading.Thread(target=self._run, name="frostpress-rebuild", daemon=True)

    def notify(self, changed: Iterable[str]) -> None:
        with self._lock:
            self._pending.update(changed)
            self._last_event = time.monotonic()
            self._lock.notify()

    def _run(self) -> None:
        while True:
            with self._lock:
                while not self._pending and not self._stopped:
                    self._lock.wait()
                if self._stopped:
                    return
                # Wait until the burst of events (an editor's save) is over.
                while (wait := self._last_event + self.quiet - time.monotonic()) > 0:
                    self._lock.wait(wait)
                changed, self._pending = self._pending, set()
            self.callback(changed)

    def start(self) -> None:
        handler = _Handler(self)
        for path in self.paths:
            self._observer.schedule(handler, str(path), recursive=True)
        self._observer.start()
        self._thread.start()

    def stop(self) -> None:
        with self._lock:
            self._stopped = True
            self._lock.notify()
        self._observer.stop()
        self._observer.join(timeout=5)
        self._thread.join(timeout=5)
