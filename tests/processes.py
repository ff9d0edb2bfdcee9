"""Running one of our own programs as a server for a test, on a free loopback port."""

from __future__ import annotations

import os
import signal
import subprocess
import time
import urllib.error
import urllib.request
from collections.abc import Iterator, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path

from tests.servers import free_port

__all__ = ["HttpProcess", "free_port", "running_http_process", "running_http_server"]


def _answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2):
            return True
    except urllib.error.HTTPError:
        return True  # it answered, if not with 200
    except OSError:
        return False


@dataclass(frozen=True)
class HttpProcess:
    """A program serving HTTP in a process group of its own."""

    url: str
    process: subprocess.Popen[bytes]

    def kill(self) -> None:
        """End it as a crash would: SIGKILL for it and every process it started."""
        with suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=10)


@contextmanager
def running_http_process(
    argv: Sequence[str],
    log: Path,
    *,
    ready: str = "/",
    env: dict[str, str] | None = None,
    cwd: Path | None = None,
    timeout: float = 30.0,
) -> Iterator[str]:
    """Start ``argv`` (``{port}`` in it becomes a free port) and yield its base URL
    once ``ready`` answers; stop it afterwards, killing it if it will not stop."""
    with running_http_server(argv, log, ready=ready, env=env, cwd=cwd, timeout=timeout) as served:
        yield served.url


@contextmanager
def running_http_server(
    argv: Sequence[str],
    log: Path,
    *,
    ready: str = "/",
    env: dict[str, str] | None = None,
    cwd: Path | None = None,
    timeout: float = 30.0,
) -> Iterator[HttpProcess]:
    """:func:`running_http_process`, yielding the process too (one a test may kill);
    whatever it started is stopped with it."""
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    with log.open("w") as output:
        process = subprocess.Popen(
            [arg.replace("{port}", str(port)) for arg in argv],
            env=env,
            cwd=cwd,
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        try:
            deadline = time.monotonic() + timeout
            while not _answers(url + ready):
                if process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"{argv[:4]} did not start:\n{log.read_text()}")
                time.sleep(0.1)
            yield HttpProcess(url, process)
        finally:
            process.terminate()
            with suppress(subprocess.TimeoutExpired):
                process.wait(timeout=10)
            with suppress(ProcessLookupError):  # it, or what it left running
                os.killpg(process.pid, signal.SIGKILL)
            with suppress(subprocess.TimeoutExpired):
                process.wait(timeout=10)
