"""Throwaway PostgreSQL servers for the tests, started from installed binaries.

PostgreSQL refuses to run as root. When the tests run as root (CI containers),
``initdb`` and ``postgres`` are started as an unprivileged account instead
(``nobody`` unless ``FROSTPRESS_TEST_PG_USER`` names another), through
``subprocess``'s own ``user=``/``group=`` switch, so no ``su``/``runuser`` and no
new system account are needed; the data directory is created where that
account can reach it and is owned by it.
"""

from __future__ import annotations

import glob
import os
import pwd
import re
import shutil
import signal
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tests.servers.common import (
    ATTEMPTS,
    START_TIMEOUT,
    STOP_TIMEOUT,
    ServerError,
    clean_environ,
    free_port,
    scratch_dir,
    stop_process,
    tail,
)

__all__ = ["PostgresBinaries", "PostgresServer", "find_postgres", "running_postgres"]


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
        stop_process(self.process, signal.SIGINT, STOP_TIMEOUT)
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
            raise ServerError(f"postgres exited with {process.returncode}:\n{tail(server.log)}")
        try:
            with psycopg.connect(server.conninfo(), connect_timeout=2):
                return
        except psycopg.OperationalError:
            if time.monotonic() > deadline:
                raise ServerError(
                    f"postgres did not accept connections within {START_TIMEOUT:.0f}s:\n"
                    f"{tail(server.log)}"
                ) from None
            time.sleep(0.05)


@contextmanager
def running_postgres(
    binaries: PostgresBinaries, *settings: str, timeout: float = START_TIMEOUT
) -> Iterator[PostgresServer]:
    """A fresh cluster (``initdb``) served by ``postgres`` until the block ends.

    ``settings`` are extra ``name=value`` server settings (``-c``)."""
    account = _postgres_account()
    scratch = scratch_dir("frostpress-pg-", account, memory=True)
    datadir, sockets, log = scratch / "data", scratch / "sockets", scratch / "postgres.log"
    environ = {**clean_environ(), "LC_ALL": "C", "LANG": "C", "TZ": "UTC"}
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
            raise ServerError(f"initdb failed ({initdb.returncode}):\n{tail(log)}")
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
                last = tail(log, 10)
                if ("could not bind" in last or "in use" in last) and attempt + 1 < ATTEMPTS:
                    continue  # the free port was taken meanwhile: another one
                raise
            yield server
            break
    finally:
        if server is not None:
            server.stop()
        shutil.rmtree(scratch, ignore_errors=True)
