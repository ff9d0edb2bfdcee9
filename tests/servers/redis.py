"""Throwaway Redis servers for the tests, which a test can kill and bring back."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from tests.servers.common import (
    ATTEMPTS,
    START_TIMEOUT,
    STOP_TIMEOUT,
    ServerError,
    clean_environ,
    free_port,
    stop_process,
    tail,
)

__all__ = ["RedisServer", "find_redis", "running_redis"]


def find_redis() -> Path | None:
    found = shutil.which("redis-server") or (
        "/usr/bin/redis-server" if os.access("/usr/bin/redis-server", os.X_OK) else None
    )
    return Path(found) if found else None


class RedisServer:
    """A throwaway ``redis-server`` that a test can kill and bring back on its port."""

    def __init__(self, binary: Path, port: int, workdir: Path, timeout: float) -> None:
        self.binary = binary
        self.port = port
        self.workdir = workdir
        self.timeout = timeout
        self.log = workdir / "redis.log"
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    @property
    def running(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def client(self) -> Any:
        """A redis-py client (close it, or use it in ``with``)."""
        import redis

        return redis.Redis.from_url(self.url, socket_timeout=2, socket_connect_timeout=2)

    def start(self) -> None:
        """Start (or restart, on the same port); returns once it answers PING."""
        if self.running:
            return
        with self.log.open("ab") as output:
            self.process = subprocess.Popen(
                [str(self.binary), "--port", str(self.port), "--bind", "127.0.0.1",
                 "--save", "", "--appendonly", "no", "--daemonize", "no",
                 "--dir", str(self.workdir), "--logfile", ""],
                stdin=subprocess.DEVNULL, stdout=output, stderr=subprocess.STDOUT,
                env=clean_environ(), cwd=self.workdir, start_new_session=True,
            )  # fmt: skip
        self._wait(time.monotonic() + self.timeout)

    def _wait(self, deadline: float) -> None:
        import redis

        assert self.process is not None
        while True:
            if self.process.poll() is not None:
                raise ServerError(
                    f"redis-server exited with {self.process.returncode}:\n{tail(self.log)}"
                )
            try:
                with self.client() as client:
                    if client.ping():
                        return
            except redis.RedisError:
                pass
            if time.monotonic() > deadline:
                self.stop()
                raise ServerError(
                    f"redis-server did not answer PING within {self.timeout:.0f}s:\n"
                    f"{tail(self.log)}"
                )
            time.sleep(0.02)

    def stop(self, *, kill: bool = True) -> None:
        """Stop it: by default as a crash would (SIGKILL, nothing saved)."""
        if self.process is None:
            return
        stop_process(self.process, signal.SIGKILL if kill else signal.SIGTERM, STOP_TIMEOUT)
        self.process = None


@contextmanager
def running_redis(binary: Path, *, timeout: float = START_TIMEOUT) -> Iterator[RedisServer]:
    workdir = Path(tempfile.mkdtemp(prefix="frostpress-redis-"))
    server: RedisServer | None = None
    try:
        for attempt in range(ATTEMPTS):
            server = RedisServer(binary, free_port(), workdir, timeout)
            try:
                server.start()
            except ServerError:
                if attempt + 1 < ATTEMPTS and "Address already in use" in tail(server.log, 10):
                    continue
                raise
            break
        assert server is not None
        yield server
    finally:
        if server is not None:
            server.stop(kill=False)
        shutil.rmtree(workdir, ignore_errors=True)
