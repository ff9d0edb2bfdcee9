"""What every throwaway test server shares: free ports, scratch directories,
stopping a process group, and the CI rule for missing binaries.

Each server listens on 127.0.0.1 on a free port, keeps its data in a fresh
temporary directory, must be up within ``START_TIMEOUT`` seconds, and is always
stopped (politely, then by force) and its directory removed afterwards.
Missing binaries: :func:`require` skips on a developer's machine and fails under
``CI=true`` (``.ci/run`` installs them).
"""

from __future__ import annotations

import os
import pwd
import signal
import socket
import stat
import subprocess
import tempfile
from contextlib import suppress
from pathlib import Path

import pytest

__all__ = [
    "ATTEMPTS",
    "START_TIMEOUT",
    "STOP_TIMEOUT",
    "ServerError",
    "clean_environ",
    "free_port",
    "in_ci",
    "require",
    "scratch_dir",
    "stop_process",
    "tail",
]

START_TIMEOUT = 30.0  # seconds for a server to accept connections
STOP_TIMEOUT = 10.0  # seconds for a polite stop before force is used
ATTEMPTS = 3  # a free port can be taken between choosing and binding it: retry


class ServerError(RuntimeError):
    """A test server did not start; the message carries the end of its log."""


def in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() in ("1", "true", "yes")


def require(what: str, available: bool) -> None:
    """Skip without ``what`` on a developer's machine; fail under ``CI=true``."""
    if available:
        return
    if in_ci():
        pytest.fail(
            f"{what} is missing, and CI must run these tests against it "
            "(.ci/run installs it from the system's packages)",
            pytrace=False,
        )
    pytest.skip(f"{what} is not installed")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def clean_environ() -> dict[str, str]:
    """The environment without libpq/Redis settings that could redirect a server."""
    return {k: v for k, v in os.environ.items() if not k.startswith(("PG", "REDIS"))}


def tail(path: Path, lines: int = 30) -> str:
    try:
        text = path.read_text(errors="replace")
    except OSError:
        return "(no log)"
    return "\n".join(text.splitlines()[-lines:])


def stop_process(process: subprocess.Popen[bytes], first: signal.Signals, timeout: float) -> None:
    """``first`` signal, then SIGKILL for its whole process group; always reaped."""
    if process.poll() is not None:
        return
    process.send_signal(first)
    try:
        process.wait(timeout)
        return
    except subprocess.TimeoutExpired:
        pass
    # Still alive, so its process group (started with start_new_session: the group
    # id is the pid of the process we started) is ours: end it and its children.
    with suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGKILL)
    with suppress(subprocess.TimeoutExpired):  # not reaped only if stuck in the kernel
        process.wait(5)


def _traversable_by_others(path: Path) -> bool:
    for part in [path, *path.parents]:
        try:
            if not part.stat().st_mode & stat.S_IXOTH:
                return False
        except OSError:
            return False
    return True


def _roomy(path: str, megabytes: int) -> bool:
    try:
        usage = os.statvfs(path)
    except OSError:
        return False
    return usage.f_bavail * usage.f_frsize >= megabytes * 1024 * 1024


def scratch_dir(prefix: str, owner: pwd.struct_passwd | None, *, memory: bool = False) -> Path:
    """A fresh directory; with ``owner``, one that account can reach and owns.

    ``memory``: in /dev/shm when it is a roomy tmpfs (not Docker's 64 MB default):
    copying a database there takes milliseconds, on a busy disk far longer."""
    bases = [tempfile.gettempdir(), "/tmp", "/var/tmp"]
    if memory and _roomy("/dev/shm", 1024):
        bases.insert(0, "/dev/shm")
    for base in bases:
        usable = os.path.isdir(base) and os.access(base, os.W_OK | os.X_OK)
        if not usable or (owner is not None and not _traversable_by_others(Path(base))):
            continue
        path = Path(tempfile.mkdtemp(prefix=prefix, dir=base))
        if owner is not None:
            os.chown(path, owner.pw_uid, owner.pw_gid)
        return path
    raise ServerError(
        "no temporary directory to use"
        + (f" that {owner.pw_name!r} can reach" if owner is not None else "")
    )
