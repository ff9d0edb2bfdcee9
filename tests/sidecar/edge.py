"""The sidecar as deployed: nginx (deploy/nginx.conf) in front of its processes.

Clients here speak to nginx only, with the sidecar's host in ``Host``, as
readers' browsers and the CDN do. Processes are started with the command the
other multi-process tests use (``sidecars.sidecar_server``), read from it, so
a change there reaches these tests and the deploy files' check too; here they
can also be stopped and started again on the same port, as a restart does.
"""

from __future__ import annotations

import os
import signal
import subprocess
import time
import urllib.error
import urllib.request
from collections.abc import Iterator, Sequence
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import Any
from unittest import mock

import requests

from sidecar.extensions import db
from sidecar.models import User
from sidecar.services.tokens import create_token
from tests.conftest import REPO, Project
from tests.servers import free_port
from tests.sidecar import sidecars
from tests.sidecar.conftest import make_app

__all__ = [
    "HOST",
    "EdgeClient",
    "Sidecar",
    "bearer_tokens",
    "production_settings",
    "running_sidecars",
    "served",
    "sidecar_argv",
]

HOST = "sidecar.example.test"  # the sidecar's own host: nginx's server_name


def production_settings() -> dict[str, str]:
    """The proxy settings production sets (README: Deploying the sidecar)."""
    return {"TRUSTED_PROXIES": "1", "PUBLIC_URL": sidecars.ORIGIN, "TRUSTED_HOSTS": HOST}


def sidecar_argv() -> list[str]:
    """The command ``sidecars.sidecar_server`` starts (``{port}`` in it), as it runs."""
    seen: dict[str, Any] = {}

    @contextmanager
    def record(argv: Sequence[str], *_args: Any, **_kwargs: Any) -> Iterator[None]:
        seen["argv"] = list(argv)
        yield None

    with (
        mock.patch.object(sidecars, "running_http_server", record),
        sidecars.sidecar_server({}, Path("unused.log")),
    ):
        pass
    assert "argv" in seen, (
        "sidecars.sidecar_server no longer starts its process through running_http_server: "
        "read its command another way here (it is the one deploy files are held to)"
    )
    argv: list[str] = seen["argv"]
    return argv


def bearer_tokens(blog: Project, database_url: str, names: Sequence[str]) -> dict[str, str]:
    """An API token for each of these existing accounts (name → token)."""
    setup = make_app(blog, database_url)
    tokens: dict[str, str] = {}
    with setup.app_context():
        for name in names:
            user = db.session.query(User).filter_by(username=name).one()
            tokens[name] = create_token(db.session, user, "edge")[1]
        db.engine.dispose()
    return tokens


def served(log: Path, request_line: str) -> int:
    """How many access-log lines of a process name ``request_line`` ("POST /api/...")."""
    try:
        return log.read_text(errors="replace").count(f'"{request_line}')
    except OSError:
        return 0


class EdgeClient:
    """A browser or API client of the sidecar's host, through nginx."""

    def __init__(self, base: str, *, token: str | None = None) -> None:
        self.base = base
        self.http = requests.Session()
        self.http.headers["Host"] = HOST
        if token:
            self.http.headers["Authorization"] = f"Bearer {token}"
        self.csrf = ""

    def get(self, path: str, **kwargs: Any) -> requests.Response:
        return self.http.get(self.base + path, timeout=10, **kwargs)

    def post(
        self, path: str, headers: dict[str, str] | None = None, **kwargs: Any
    ) -> requests.Response:
        sent = {**({"X-CSRFToken": self.csrf} if self.csrf else {}), **(headers or {})}
        return self.http.post(self.base + path, headers=sent, timeout=10, **kwargs)

    def login(self, name: str) -> EdgeClient:
        self.csrf = self.get("/api/csrf").json()["csrf_token"]
        signed_in = self.post(
            "/api/auth/login", json={"login": name, "password": sidecars.PASSWORD}
        )
        assert signed_in.status_code == 200, signed_in.text
        self.csrf = signed_in.headers["X-CSRFToken"]
        return self


def _answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2):
            return True
    except urllib.error.HTTPError:
        return True
    except OSError:
        return False


class Sidecar:
    """One sidecar process on a fixed loopback port, which a test may stop
    (SIGTERM: gunicorn's graceful stop), kill, and start again on that port."""

    def __init__(self, env: dict[str, str], log: Path, *, timeout: float = 30.0) -> None:
        self.env = env
        self.log = log
        self.timeout = timeout
        self.port = free_port()
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def upstream(self) -> str:
        return f"127.0.0.1:{self.port}"

    def start(self) -> None:
        argv = [a.replace("{port}", str(self.port)) for a in sidecar_argv()]
        with self.log.open("a") as output:
            self.process = subprocess.Popen(
                argv, env=self.env, cwd=REPO, stdout=output, stderr=subprocess.STDOUT,
                start_new_session=True,
            )  # fmt: skip
        deadline = time.monotonic() + self.timeout
        while not _answers(f"http://{self.upstream}/api/health"):
            if self.process.poll() is not None or time.monotonic() > deadline:
                self.kill()
                raise RuntimeError(f"the sidecar did not start:\n{self.log.read_text()[-3000:]}")
            time.sleep(0.1)

    def stop(self) -> None:
        """SIGTERM, as a service manager stops it; force only if it will not end."""
        if self.process is None:
            return
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.kill()
        self.process = None

    def kill(self) -> None:
        if self.process is None:
            return
        with suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGKILL)
        with suppress(subprocess.TimeoutExpired):
            self.process.wait(timeout=10)
        self.process = None


@contextmanager
def running_sidecars(env: dict[str, str], logs: Path, count: int = 2) -> Iterator[list[Sidecar]]:
    started: list[Sidecar] = []
    try:
        for index in range(count):
            process = Sidecar(env, logs / f"{'abcdefgh'[index]}.log")
            started.append(process)
            process.start()
        yield started
    finally:
        for process in started:
            process.stop()
