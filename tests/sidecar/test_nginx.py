"""The sidecar as deployed: deploy/nginx.conf in front of two processes, with
PostgreSQL and Redis, all on loopback.

Every client here speaks to nginx only: HTTP with CSRF, the live channel over
a websocket, and attackers' headers. What nginx must hold (README: Security):
the sidecar's host only, forwarded headers set rather than passed on, events
crossing processes, and a process dying without the site noticing.
"""

from __future__ import annotations

import http.server
import shutil
import socket
import socketserver
import ssl
import subprocess
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
import requests
import socketio as socketio_client

from sidecar.models import Role
from tests.conftest import Project
from tests.processes import HttpProcess
from tests.servers import NginxServer, require, require_nginx, running_nginx
from tests.sidecar.edge import HOST, EdgeClient, production_settings, served
from tests.sidecar.sidecars import ORIGIN, sidecar_env, sidecar_server, until

THREAD = "/api/posts/hello/comments"
POST_LINE = f"POST {THREAD}"


class Edge:
    def __init__(self, nginx: NginxServer, a: HttpProcess, b: HttpProcess, logs: Path) -> None:
        self.nginx = nginx
        self.url = nginx.url
        self.processes = {"a": a, "b": b}
        self.logs = {"a": logs / "a.log", "b": logs / "b.log"}

    def live_process(self) -> str:
        """Which process nginx sends this machine's live channel to (ip_hash):
        a polling handshake shows up at once in that process's access log."""
        before = {name: served(log, "GET /socket.io/") for name, log in self.logs.items()}
        probe = EdgeClient(self.url).get("/socket.io/?EIO=4&transport=polling")
        assert probe.status_code == 200, probe.text
        assert until(
            lambda: any(served(log, "GET /socket.io/") > before[n] for n, log in self.logs.items())
        )
        return next(n for n, log in self.logs.items() if served(log, "GET /socket.io/") > before[n])


@pytest.fixture
def edge(
    blog: Project, postgresql_database_url: str, redis_url: str, tmp_path: Path
) -> Iterator[Edge]:
    binary = require_nginx()
    env = sidecar_env(
        blog, postgresql_database_url, redis_url, users={"ada": Role.COMMENTER},
        **production_settings(),
    )  # fmt: skip
    with (
        sidecar_server(env, tmp_path / "a.log") as a,
        sidecar_server(env, tmp_path / "b.log") as b,
        running_nginx(binary, HOST, [p.url.removeprefix("http://") for p in (a, b)]) as nginx,
    ):
        yield Edge(nginx, a, b, tmp_path)


class Reader:
    """A reader's live channel through nginx: a websocket, re-joining the thread
    whenever it (re)connects, keeping every comment it is sent."""

    def __init__(self, url: str, *, reconnect: bool = False, transport: str = "websocket") -> None:
        self.comments: list[dict[str, Any]] = []
        self.joined = threading.Event()
        # Every poll is a request of this session's; a websocket sends its own headers.
        polls = requests.Session()
        polls.headers.update({"Origin": ORIGIN, "Host": HOST})
        self.client = socketio_client.Client(
            reconnection=reconnect, reconnection_delay=0.2, reconnection_delay_max=1,
            http_session=polls, websocket_extra_options={"origin": ORIGIN, "host": HOST},
        )  # fmt: skip
        self.client.on("comment:new", self.comments.append)
        self.client.on("connect", self._join)
        self.client.connect(url, transports=[transport], wait_timeout=10)
        assert self.joined.wait(10), "the reader never joined the thread"

    def _join(self) -> None:
        def ack(answer: Any) -> None:
            if answer and answer.get("ok"):
                self.joined.set()

        self.client.emit("join", {"post": "hello"}, callback=ack)

    def ids(self) -> list[int]:
        return [c["id"] for c in self.comments]

    def close(self) -> None:
        self.client.disconnect()


def test_a_comment_goes_through_nginx_and_shows_in_the_thread(edge: Edge) -> None:
    ada = EdgeClient(edge.url).login("ada")
    posted = ada.post(THREAD, json={"body": "through the proxy"})
    assert posted.status_code == 201, posted.text
    thread = EdgeClient(edge.url).get(THREAD)
    assert thread.status_code == 200
    assert [c["id"] for c in thread.json()["items"]] == [posted.json()["id"]]


def test_a_websocket_reader_gets_comments_posted_to_the_other_process(edge: Edge) -> None:
    reader = Reader(edge.url)
    try:
        ada = EdgeClient(edge.url).login("ada")
        ids = []
        for n in range(4):  # plain HTTP is shared round robin: both processes get some
            posted = ada.post(THREAD, json={"body": f"comment {n}"})
            assert posted.status_code == 201, posted.text
            ids.append(posted.json()["id"])
        assert until(lambda: reader.ids() == ids), reader.ids()
        # The reader sits on one process; both took comments, so events crossed.
        assert all(served(log, POST_LINE) >= 1 for log in edge.logs.values())
    finally:
        reader.close()


def test_a_long_polling_reader_keeps_to_one_process(edge: Edge) -> None:
    """Without a websocket, every poll must reach the process holding the session."""
    reader = Reader(edge.url, transport="polling")
    try:
        ada = EdgeClient(edge.url).login("ada")
        ids = [ada.post(THREAD, json={"body": f"polled {n}"}).json()["id"] for n in range(4)]
        assert until(lambda: reader.ids() == ids), reader.ids()
        assert reader.client.connected
    finally:
        reader.close()


def test_only_the_sidecars_host_is_answered(edge: Edge) -> None:
    with pytest.raises(requests.ConnectionError):  # 444: closed without an answer
        requests.get(edge.url + "/api/health", headers={"Host": "evil.example"}, timeout=5)
    assert EdgeClient(edge.url).get("/api/health").status_code == 200


def test_a_forwarded_host_from_the_client_is_overwritten(edge: Edge) -> None:
    spoofed = {"X-Forwarded-Host": "evil.example"}
    # Straight to a process, the sidecar trusts its one proxy's header, and refuses the host...
    assert (
        requests.get(edge.processes["a"].url + THREAD, headers=spoofed, timeout=5).status_code
        == 400
    )
    # ...which nginx never passes on: it sets the header itself.
    through = EdgeClient(edge.url).get(THREAD, headers=spoofed)
    assert through.status_code == 200, through.text


def test_a_forwarded_address_from_the_client_does_not_buy_a_new_rate_limit(edge: Edge) -> None:
    """The sidecar counts the real client's address: nginx overwrites X-Forwarded-For."""

    def remaining(base: str, address: str, **headers: str) -> int:
        answer = requests.get(
            base + "/api/search?q=hello", headers={"X-Forwarded-For": address, **headers}, timeout=5
        )
        assert answer.status_code == 200, answer.text
        return int(answer.headers["X-RateLimit-Remaining"])

    direct = edge.processes["a"].url
    # Straight to a process, each claimed address has a budget of its own...
    assert remaining(direct, "203.0.113.1") == remaining(direct, "203.0.113.2")
    # ...through nginx, all of them are this client's one budget.
    first = remaining(edge.url, "198.51.100.1", Host=HOST)
    assert remaining(edge.url, "198.51.100.2", Host=HOST) == first - 1
    assert remaining(edge.url, "198.51.100.3", Host=HOST) == first - 2


def test_a_process_dying_leaves_the_site_answering_and_its_readers_move(edge: Edge) -> None:
    live = edge.live_process()
    reader = Reader(edge.url, reconnect=True)
    try:
        ada = EdgeClient(edge.url).login("ada")
        before = ada.post(THREAD, json={"body": "before"}).json()["id"]
        assert until(lambda: reader.ids() == [before]), reader.ids()

        reader.joined.clear()
        edge.processes[live].kill()  # the process holding the reader's websocket
        # Every request still gets an answer: nginx tries the other process.
        for _ in range(4):
            assert EdgeClient(edge.url).get(THREAD).status_code == 200
        assert reader.joined.wait(15), "the reader never reconnected"
        after = []
        for n in range(2):
            posted = ada.post(THREAD, json={"body": f"after {n}"})
            assert posted.status_code == 201, posted.text
            after.append(posted.json()["id"])
        assert until(lambda: reader.ids() == [before, *after]), reader.ids()
    finally:
        reader.close()


class _Upstream(socketserver.ThreadingTCPServer):
    """A stand-in for one process: ``drop`` reads each POST and closes the
    connection unanswered (a process going down under it); otherwise it answers
    201 with the body it got, and a GET with "ok"."""

    daemon_threads = True

    def __init__(self, drop: bool) -> None:
        self.drop = drop
        self.bodies: list[bytes] = []
        super().__init__(("127.0.0.1", 0), _Handler)

    @property
    def address(self) -> str:
        return f"127.0.0.1:{self.server_address[1]}"


class _Handler(http.server.BaseHTTPRequestHandler):
    server: _Upstream

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        self.server.bodies.append(body)
        if self.server.drop:
            self.close_connection = True
            return
        self.send_response(201)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self) -> None:
        self.send_response(200)
        self.send_header("Content-Length", "2")
        self.end_headers()
        self.wfile.write(b"ok")

    def log_message(self, *_args: Any) -> None:
        pass


@contextmanager
def _upstreams(*drops: bool) -> Iterator[list[_Upstream]]:
    servers = [_Upstream(drop) for drop in drops]
    for server in servers:
        threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield servers
    finally:
        for server in servers:
            server.shutdown()
            server.server_close()


def test_a_comment_whose_process_drops_it_is_sent_to_the_other_with_its_key() -> None:
    binary = require_nginx()
    with (
        _upstreams(True, False) as (dropping, answering),
        running_nginx(binary, HOST, [dropping.address, answering.address]) as nginx,
    ):
        client = EdgeClient(nginx.url)
        bodies = [f'{{"body": "comment {n}"}}'.encode() for n in range(2)]
        for n, body in enumerate(bodies):  # round robin: one of them meets the dropper
            key = f"key-{n}-0123456789"
            answer = client.post(THREAD, data=body, headers={"Idempotency-Key": key})
            assert (answer.status_code, answer.content) == (201, body)
        assert len(dropping.bodies) == 1
        assert answering.bodies == bodies  # sent again whole


def test_a_post_without_a_key_that_no_process_answers_is_a_json_503() -> None:
    binary = require_nginx()
    with (
        _upstreams(True, True) as servers,
        running_nginx(binary, HOST, [s.address for s in servers]) as nginx,
    ):
        answer = EdgeClient(nginx.url).post(THREAD, json={"body": "lost"})
        assert answer.status_code == 503
        assert answer.headers["Retry-After"] == "5"
        assert answer.json()["error"]["code"] == "unavailable"
        assert sum(len(s.bodies) for s in servers) == 1  # never sent twice without a key


def _https_get(port: int, server_name: str, cafile: Path) -> bytes:
    """GET /api/health over TLS, naming ``server_name`` in the handshake (SNI)."""
    context = ssl.create_default_context(cafile=str(cafile))
    with (
        socket.create_connection(("127.0.0.1", port), timeout=5) as raw,
        context.wrap_socket(raw, server_hostname=server_name) as tls,
    ):
        tls.sendall(
            f"GET /api/health HTTP/1.1\r\nHost: {server_name}\r\nConnection: close\r\n\r\n".encode()
        )
        answer = b""
        while chunk := tls.recv(65536):
            answer += chunk
        return answer


def test_with_the_certificate_where_the_readme_puts_it_nginx_serves_https(tmp_path: Path) -> None:
    binary = require_nginx()
    openssl = shutil.which("openssl")
    require("openssl (Debian: apt-get install openssl)", openssl is not None)
    assert openssl is not None
    cert, key = tmp_path / "fullchain.pem", tmp_path / "privkey.pem"
    subprocess.run(
        [openssl, "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
         "-subj", f"/CN={HOST}", "-addext", f"subjectAltName=DNS:{HOST}",
         "-keyout", str(key), "-out", str(cert)],
        check=True, capture_output=True, timeout=60,
    )  # fmt: skip
    with (
        _upstreams(False) as (answering,),
        running_nginx(binary, HOST, [answering.address], tls=(cert, key)) as nginx,
    ):
        answer = _https_get(nginx.port, HOST, cert)
        assert answer.startswith(b"HTTP/1.1 200 ") and answer.endswith(b"\r\n\r\nok"), answer
        # Another name gets no certificate at all: the handshake is refused.
        with pytest.raises(ssl.SSLError):
            _https_get(nginx.port, "evil.example", cert)
