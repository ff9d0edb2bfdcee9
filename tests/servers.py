"""Throwaway PostgreSQL and Redis servers for the tests, started from installed binaries.

Each server listens on 127.0.0.1 on a free port, keeps its data in a fresh
temporary directory, must be up within ``START_TIMEOUT`` seconds, and is always
stopped (politely, then by force) and its directory removed afterwards.

PostgreSQL refuses to run as root. When the tests run as root (CI containers),
``initdb`` and ``postgres`` are started as an unprivileged account instead
(``nobody`` unless ``FROSTPRESS_TEST_PG_USER`` names another), through
``subprocess``'s own ``user=``/``group=`` switch, so no ``su``/``runuser`` and no
new system account are needed; the data directory is created where that
account can reach it and is owned by it.

Missing binaries: :func:`require` skips on a developer's machine and fails under
``CI=true`` (``.ci/run`` installs them).
"""

from __future__ import annotations

import glob
import os
import pwd
import re
import shutil
import signal
import socket
import stat
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

__all__ = [
    "START_TIMEOUT",
    "PostgresBinaries",
    "PostgresServer",
    "RedisServer",
    "ServerError",
    "find_postgres",
    "find_redis",
    "free_port",
    "in_ci",
    "require",
    "running_postgres",
    "running_redis",
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


def _clean_environ() -> dict[str, str]:
    """The environment without libpq/Redis settings that could redirect a server."""
    return {k: v for k, v in os.environ.items() if not k.startswith(("PG", "REDIS"))}


def _tail(path: Path, lines: int = 30) -> str:
    try:
        text = path.read_text(errors="replace")
    except OSError:
        return "(no log)"
    return "\n".join(text.splitlines()[-lines:])


def _stop(process: subprocess.Popen[bytes], first: signal.Signals, timeout: float) -> None:
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


def _scratch_dir(prefix: str, owner: pwd.struct_passwd | None, *, memory: bool = False) -> Path:
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


# -- PostgreSQL ------------------------------------------------------------------------


@dataclass(frozen=True)
class PostgresBinaries:
    initdb: Path
    postgres: Path


def _version_key(path: str) -> tuple[int, ...]:
    return tuple(int(n) for n in re.findall(r"\d+", path)) or (0,)


def find_postgres() -> PostgresBinaries | None:
    """``initdb`` and ``postgres`` from one installation: PATH first, then Debian's
    ``/usr/lib/postgresql/<version>/bin`` (newest version)."""
    candidates: list[Path] = []
    initdb = shutil.which("initdb")
    if initdb:
        candidates.append(Path(initdb).resolve().parent)
    candidates += [
        Path(p).parent
        for p in sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=_version_key)[::-1]
    ]
    for folder in candidates:
        pair = PostgresBinaries(folder / "initdb", folder / "postgres")
        if all(os.access(p, os.X_OK) for p in (pair.initdb, pair.postgres)):
            return pair
    return None


def _postgres_account() -> pwd.struct_passwd | None:
    """The account PostgreSQL runs as: ``None`` (ourselves) unless we are root."""
    if os.geteuid() != 0:
        return None
    name = os.environ.get("FROSTPRESS_TEST_PG_USER", "nobody")
    try:
        return pwd.getpwnam(name)
    except KeyError:
        raise ServerError(
            f"running as root, and there is no account {name!r} to run PostgreSQL as "
            "(set FROSTPRESS_TEST_PG_USER to an unprivileged account)"
        ) from None


def _as(account: pwd.struct_passwd | None) -> dict[str, Any]:
    """Popen arguments that run a child as ``account`` (only root can switch)."""
    if account is None:
        return {}
    return {"user": account.pw_uid, "group": account.pw_gid, "extra_groups": []}


class PostgresServer:
    """A running throwaway cluster; superuser ``postgres``, trust authentication.

    One started by :func:`running_postgres` can be stopped and started again on
    the same port and data directory (``stop()``, ``start()``), as a restart would."""

    def __init__(
        self,
        port: int,
        datadir: Path,
        log: Path,
        *,
        command: list[str] | None = None,
        launch: dict[str, Any] | None = None,
        timeout: float = START_TIMEOUT,
    ) -> None:
        self.host = "127.0.0.1"
        self.port = port
        self.datadir = datadir
        self.log = log
        self.timeout = timeout
        self._command = command
        self._launch = launch or {}
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def running(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def start(self) -> None:
        """Start ``postgres`` (again); returns once it accepts connections."""
        if self.running:
            return
        if self._command is None:
            raise ServerError("this server was not started here: it cannot be started again")
        with self.log.open("ab") as output:
            self.process = subprocess.Popen(
                self._command, stdin=subprocess.DEVNULL, stdout=output,
                stderr=subprocess.STDOUT, start_new_session=True, **self._launch,
            )  # fmt: skip
        try:
            _wait_for_postgres(self.process, self, time.monotonic() + self.timeout)
        except ServerError:
            self.stop()
            raise

    def stop(self) -> None:
        """Stop it; its data directory stays, for ``start()``.

        SIGINT is PostgreSQL's "fast" shutdown: it ends the clients' sessions
        (SIGTERM would wait for them), then SIGKILL for anything left."""
        if self.process is None:
            return
        _stop(self.process, signal.SIGINT, STOP_TIMEOUT)
        self.process = None

    def url(self, database: str = "postgres") -> str:
        """A SQLAlchemy URL (psycopg 3 driver) for ``database``."""
        return f"postgresql+psycopg://postgres@{self.host}:{self.port}/{database}"

    def conninfo(self, database: str = "postgres") -> str:
        return f"host={self.host} port={self.port} user=postgres dbname={database}"

    @contextmanager
    def admin(self) -> Iterator[Any]:
        """An autocommit psycopg connection to the ``postgres`` database."""
        import psycopg

        with psycopg.connect(self.conninfo(), autocommit=True, connect_timeout=5) as conn:
            yield conn

    def create_database(self, name: str, template: str | None = None) -> str:
        """``CREATE DATABASE name [TEMPLATE template]``; returns its URL.

        Copying a template needs it to have no open connections: dispose every
        engine that used it first."""
        from psycopg import sql

        statement = sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name))
        if template:
            statement = sql.SQL("{} TEMPLATE {}").format(statement, sql.Identifier(template))
        with self.admin() as conn:
            conn.execute(statement)
        return self.url(name)

    def drop_database(self, name: str) -> None:
        """Drop ``name``, ending any sessions still connected to it."""
        from psycopg import sql

        with self.admin() as conn:
            conn.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
            )


def _wait_for_postgres(
    process: subprocess.Popen[bytes], server: PostgresServer, deadline: float
) -> None:
    import psycopg

    while True:
        if process.poll() is not None:
            raise ServerError(f"postgres exited with {process.returncode}:\n{_tail(server.log)}")
        try:
            with psycopg.connect(server.conninfo(), connect_timeout=2):
                return
        except psycopg.OperationalError:
            if time.monotonic() > deadline:
                raise ServerError(
                    f"postgres did not accept connections within {START_TIMEOUT:.0f}s:\n"
                    f"{_tail(server.log)}"
                ) from None
            time.sleep(0.05)


@contextmanager
def running_postgres(
    binaries: PostgresBinaries, *settings: str, timeout: float = START_TIMEOUT
) -> Iterator[PostgresServer]:
    """A fresh cluster (``initdb``) served by ``postgres`` until the block ends.

    ``settings`` are extra ``name=value`` server settings (``-c``)."""
    account = _postgres_account()
    scratch = _scratch_dir("frostpress-pg-", account, memory=True)
    datadir, sockets, log = scratch / "data", scratch / "sockets", scratch / "postgres.log"
    environ = {**_clean_environ(), "LC_ALL": "C", "LANG": "C", "TZ": "UTC"}
    server: PostgresServer | None = None
    try:
        sockets.mkdir(mode=0o700)
        if account is not None:
            os.chown(sockets, account.pw_uid, account.pw_gid)
        with log.open("ab") as output:
            initdb = subprocess.run(
                [str(binaries.initdb), "-D", str(datadir), "-A", "trust", "-U", "postgres",
                 "--no-sync", "-E", "UTF8", "--locale=C", "--no-instructions"],
                stdin=subprocess.DEVNULL, stdout=output, stderr=subprocess.STDOUT,
                env=environ, cwd=scratch, timeout=timeout, check=False, **_as(account),
            )  # fmt: skip
        if initdb.returncode != 0:
            raise ServerError(f"initdb failed ({initdb.returncode}):\n{_tail(log)}")
        for attempt in range(ATTEMPTS):
            port = free_port()
            server = PostgresServer(
                port, datadir, log, timeout=timeout,
                command=[str(binaries.postgres), "-D", str(datadir), "-k", str(sockets),
                         "-h", "127.0.0.1", "-p", str(port), "-F",
                         "-c", "fsync=off", "-c", "full_page_writes=off",
                         "-c", "synchronous_commit=off", "-c", "max_connections=100",
                         *[a for s in settings for a in ("-c", s)]],
                launch={"env": environ, "cwd": scratch, **_as(account)},
            )  # fmt: skip
            try:
                server.start()
            except ServerError:
                server = None
                tail = _tail(log, 10)
                if ("could not bind" in tail or "in use" in tail) and attempt + 1 < ATTEMPTS:
                    continue  # the free port was taken meanwhile: another one
                raise
            yield server
            break
    finally:
        if server is not None:
            server.stop()
        shutil.rmtree(scratch, ignore_errors=True)


# -- Redis --------------------------------------------------------------------------


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
                env=_clean_environ(), cwd=self.workdir, start_new_session=True,
            )  # fmt: skip
        self._wait(time.monotonic() + self.timeout)

    def _wait(self, deadline: float) -> None:
        import redis

        assert self.process is not None
        while True:
            if self.process.poll() is not None:
                raise ServerError(
                    f"redis-server exited with {self.process.returncode}:\n{_tail(self.log)}"
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
                    f"{_tail(self.log)}"
                )
            time.sleep(0.02)

    def stop(self, *, kill: bool = True) -> None:
        """Stop it: by default as a crash would (SIGKILL, nothing saved)."""
        if self.process is None:
            return
        _stop(self.process, signal.SIGKILL if kill else signal.SIGTERM, STOP_TIMEOUT)
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
                if attempt + 1 < ATTEMPTS and "Address already in use" in _tail(server.log, 10):
                    continue
                raise
            break
        assert server is not None
        yield server
    finally:
        if server is not None:
            server.stop(kill=False)
        shutil.rmtree(workdir, ignore_errors=True)
