"""Throwaway nginx servers for the tests, serving the real deploy/nginx.conf.

The site file is rendered from the template operators use (deploy/render.py)
and included from a small main configuration written here: the pid file,
logs and temporary paths all live in a fresh directory, and it listens on a
free loopback port. Started with ``-p prefix -c conf -g 'daemon off;'``, up
within ``START_TIMEOUT`` seconds, always stopped.
"""

from __future__ import annotations

import grp
import importlib.util
import os
import pwd
import shutil
import signal
import socket
import subprocess
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from types import ModuleType

from tests.servers.common import (
    ATTEMPTS,
    START_TIMEOUT,
    STOP_TIMEOUT,
    ServerError,
    clean_environ,
    free_port,
    require,
    scratch_dir,
    stop_process,
    tail,
)

__all__ = [
    "DEPLOY",
    "NginxServer",
    "deploy_renderer",
    "find_nginx",
    "require_nginx",
    "running_nginx",
]

DEPLOY = Path(__file__).resolve().parents[2] / "deploy"

MAIN_CONF = """\
{user}worker_processes 1;
pid {scratch}/nginx.pid;
error_log {scratch}/error.log info;
events {{ worker_connections 1024; }}
http {{
    access_log {scratch}/access.log;
    client_body_temp_path {scratch}/body;
    proxy_temp_path {scratch}/proxy;
    fastcgi_temp_path {scratch}/fastcgi;
    uwsgi_temp_path {scratch}/uwsgi;
    scgi_temp_path {scratch}/scgi;
    include {scratch}/sidecar.conf;
}}
"""


def find_nginx() -> Path | None:
    found = shutil.which("nginx") or (
        "/usr/sbin/nginx" if os.access("/usr/sbin/nginx", os.X_OK) else None
    )
    return Path(found) if found else None


def require_nginx() -> Path:
    """nginx's binary; skips without it, and fails under ``CI=true``."""
    binary = find_nginx()
    require("nginx (Debian: apt-get install nginx)", binary is not None)
    assert binary is not None
    return binary


def deploy_renderer() -> ModuleType:
    """deploy/render.py, the operators' renderer (deploy/ is not a package)."""
    spec = importlib.util.spec_from_file_location("frostpress_deploy_render", DEPLOY / "render.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


class NginxServer:
    """A running nginx: ``url`` (http://127.0.0.1:port), its logs and config."""

    def __init__(self, port: int, scratch: Path, process: subprocess.Popen[bytes]) -> None:
        self.host = "127.0.0.1"
        self.port = port
        self.scratch = scratch
        self.process = process
        self.error_log = scratch / "error.log"
        self.access_log = scratch / "access.log"
        self.site_conf = scratch / "sidecar.conf"

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    def stop(self) -> None:
        stop_process(self.process, signal.SIGTERM, STOP_TIMEOUT)  # nginx's fast shutdown


def _accepts(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=1):
            return True
    except OSError:
        return False


def _start(binary: Path, scratch: Path, port: int, timeout: float) -> NginxServer:
    output = scratch / "nginx.out"
    with output.open("ab") as out:
        process = subprocess.Popen(
            [str(binary), "-p", str(scratch), "-c", str(scratch / "nginx.conf"),
             "-g", "daemon off;"],
            stdin=subprocess.DEVNULL, stdout=out, stderr=subprocess.STDOUT,
            env=clean_environ(), cwd=scratch, start_new_session=True,
        )  # fmt: skip
    server = NginxServer(port, scratch, process)
    deadline = time.monotonic() + timeout
    while not _accepts(port):
        if process.poll() is not None or time.monotonic() > deadline:
            server.stop()
            raise ServerError(
                f"nginx did not listen on {port} within {timeout:.0f}s:\n"
                f"{tail(output)}\n{tail(server.error_log)}"
            )
        time.sleep(0.02)
    return server


@contextmanager
def running_nginx(
    binary: Path,
    server_name: str,
    upstreams: Sequence[str],
    *,
    tls: tuple[Path, Path] | None = None,
    timeout: float = START_TIMEOUT,
) -> Iterator[NginxServer]:
    """nginx with deploy/nginx.conf for ``server_name`` in front of ``upstreams``
    (``host:port`` of each sidecar process), on plain HTTP on loopback; with
    ``tls`` (certificate, key), on HTTPS, the certificate lines put where the
    README tells operators to put them (frostpress-tls/*.conf)."""
    # As root, nginx's workers run as nobody: they must reach the directory.
    worker = pwd.getpwnam("nobody") if os.geteuid() == 0 else None
    scratch = scratch_dir("frostpress-nginx-", worker)
    renderer = deploy_renderer()
    server: NginxServer | None = None
    try:
        user = ""
        if worker is not None:
            user = f"user {worker.pw_name} {grp.getgrgid(worker.pw_gid).gr_name};\n"
        (scratch / "nginx.conf").write_text(MAIN_CONF.format(user=user, scratch=scratch))
        if tls is not None:
            (scratch / "frostpress-tls").mkdir()
            (scratch / "frostpress-tls" / "cert.conf").write_text(
                f"ssl_certificate {tls[0]};\nssl_certificate_key {tls[1]};\n"
            )
        for attempt in range(ATTEMPTS):
            port = free_port()
            listen = f"127.0.0.1:{port}" + (" ssl" if tls is not None else "")
            site = renderer.render(server_name, listen, list(upstreams))
            (scratch / "sidecar.conf").write_text(site)
            try:
                server = _start(binary, scratch, port, timeout)
            except ServerError as error:
                if "Address already in use" in str(error) and attempt + 1 < ATTEMPTS:
                    continue
                raise
            break
        assert server is not None
        yield server
    finally:
        if server is not None:
            server.stop()
        shutil.rmtree(scratch, ignore_errors=True)
