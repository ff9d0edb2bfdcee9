"""The production server (``sidecar.gunicorn_config``): many sockets per process,
and a graceful stop.

Each test starts one real sidecar process with the production command
(tests/sidecar/sidecars.py ``sidecar_server``).
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import contextlib
import http.client
import json
import signal
import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import psycopg
import pytest
import requests
import socketio as socketio_client
from sqlalchemy.engine import make_url

from sidecar.extensions import db
from sidecar.models import Comment, Role
from tests.conftest import Project
from tests.sidecar.conftest import make_app
from tests.sidecar.sidecars import (
    ORIGIN,
    WAIT,
    Listener,
    Writer,
    sidecar_env,
    sidecar_server,
    until,
)
from tests.sidecar.smtp import SmtpInbox

# More readers than one process could hold when each socket kept a thread of
# its own (``--threads 100``), at which point it answered no HTTP at all.
READERS = 300
WRITERS = [f"writer{i}" for i in range(6)]  # each may post 6 comments a minute


@pytest.fixture
def env(blog: Project, sqlite_database_url: str) -> dict[str, str]:
    # One process, so no Redis: the live channel stays in the process.
    users = {name: Role.COMMENTER for name in ["ada", *WRITERS]}
    return sidecar_env(blog, sqlite_database_url, "", users=users)


def stored_comments(blog: Project, database_url: str) -> int:
    app = make_app(blog, database_url)
    with app.app_context():
        count = db.session.query(Comment).count()
        db.engine.dispose()
    return count


async def crowd_sees_a_comment(base: str, writer: Writer) -> tuple[int, int, int, list[int]]:
    """READERS asyncio clients join the post; while they are all connected, one
    comment is posted and the thread fetched. Returns the readers that joined,
    the POST's and the GET's status, and how many readers got the comment."""
    seen = [0] * READERS
    everyone = asyncio.Event()
    clients: list[Any] = []
    gate = asyncio.Semaphore(50)

    async def reader(i: int) -> bool:
        client = socketio_client.AsyncClient(reconnection=False)

        @client.on("comment:new")
        async def on_comment(payload: Any) -> None:
            seen[i] += 1
            if all(seen):
                everyone.set()

        clients.append(client)
        async with gate:
            try:
                await asyncio.wait_for(joining(client), 20)  # a server out of threads never answers
            except (socketio_client.exceptions.SocketIOError, TimeoutError):
                return False
        return True

    async def joining(client: Any) -> None:
        await client.connect(
            base, headers={"Origin": ORIGIN}, transports=["websocket"], wait_timeout=10
        )
        ack = await client.call("join", {"post": "hello"}, timeout=10)
        if not ack["ok"]:
            raise socketio_client.exceptions.SocketIOError(ack)

    try:
        joined = sum(await asyncio.gather(*(reader(i) for i in range(READERS))))
        posted = await asyncio.to_thread(
            writer.post, "/api/posts/hello/comments", body="to the crowd"
        )
        fetched = await asyncio.to_thread(
            requests.get, base + "/api/posts/hello/comments", timeout=10
        )
        if posted.status_code == 201:
            with contextlib.suppress(TimeoutError):  # counted in seen
                await asyncio.wait_for(everyone.wait(), WAIT)
        return joined, posted.status_code, fetched.status_code, seen
    finally:
        closing = asyncio.gather(*(c.disconnect() for c in clients), return_exceptions=True)
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(closing, 30)


def in_own_loop(function: Any, *args: Any) -> Any:
    """``asyncio.run(function(*args))`` in a thread of its own: the browser tests'
    driver may have left an event loop running in this one."""
    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        return pool.submit(lambda: asyncio.run(function(*args))).result()


def test_one_process_holds_more_readers_than_it_had_threads_and_still_answers_http(
    env: dict[str, str], tmp_path: Path
) -> None:
    with sidecar_server(env, tmp_path / "sidecar.log") as served:
        writer = Writer(served.url, "ada")
        joined, posted, fetched, seen = in_own_loop(crowd_sees_a_comment, served.url, writer)
        writer.http.close()
    assert joined == READERS
    assert (posted, fetched) == (201, 200)  # each within its 10 s timeout
    assert seen == [1] * READERS  # every reader got the comment, once


def post_in_two_halves(
    base: str, writer: Writer, body: str
) -> tuple[http.client.HTTPConnection, bytes]:
    """A comment POST whose headers and first half of body are sent now; the
    rest is returned, to be sent later: a request in flight, for certain."""
    payload = json.dumps({"body": body}).encode()
    netloc = urlsplit(base)
    assert netloc.hostname is not None
    connection = http.client.HTTPConnection(netloc.hostname, netloc.port, timeout=30)
    connection.putrequest("POST", "/api/posts/hello/comments")
    for name, value in (
        ("Content-Type", "application/json"),
        ("Content-Length", str(len(payload))),
        ("Cookie", writer.cookie),
        ("X-CSRFToken", writer.token),
        ("User-Agent", writer.http.headers["User-Agent"]),  # the session is bound to it
    ):
        connection.putheader(name, value)
    connection.endheaders()
    half = len(payload) // 2
    connection.send(payload[:half])
    return connection, payload[half:]


def websocket_reader(base: str) -> tuple[Any, threading.Event]:
    """A reader of the post on a websocket, and an event set when it is dropped."""
    reader = socketio_client.Client(reconnection=False, websocket_extra_options={"origin": ORIGIN})
    dropped = threading.Event()
    reader.on("disconnect", lambda *reason: dropped.set())
    reader.connect(base, transports=["websocket"], wait_timeout=10)
    assert reader.call("join", {"post": "hello"}, timeout=10)["ok"]
    return reader, dropped


def refuses_connections(base: str) -> bool:
    try:
        requests.get(base + "/api/health", timeout=2)
    except requests.ConnectionError:
        return True
    return False


def test_sigterm_finishes_requests_in_flight_and_refuses_new_ones_cleanly(
    env: dict[str, str], blog: Project, sqlite_database_url: str, tmp_path: Path
) -> None:
    answers: list[int | str] = []
    lock = threading.Lock()

    def stream(writer: Writer) -> None:
        for n in range(5):
            try:
                status: int | str = writer.post(
                    "/api/posts/hello/comments", body=f"comment {n}"
                ).status_code
            except requests.ConnectionError:
                status = "refused"
            with lock:
                answers.append(status)
            if status == "refused":
                return

    with sidecar_server(env, tmp_path / "sidecar.log", "--graceful-timeout", "60") as served:
        reader, dropped = websocket_reader(served.url)  # as in production, readers are connected
        writers = [Writer(served.url, name) for name in WRITERS]
        ada = Writer(served.url, "ada")
        slow, rest = post_in_two_halves(served.url, ada, "in flight")
        streams = [threading.Thread(target=stream, args=(w,)) for w in writers]
        for thread in streams:
            thread.start()
        assert until(lambda: len(answers) >= len(WRITERS))
        served.process.send_signal(signal.SIGTERM)
        assert until(lambda: refuses_connections(served.url)), "it kept accepting connections"
        slow.send(rest)  # the request begun before the signal is answered in full
        response = slow.getresponse()
        finished = (response.status, response.read())
        slow.close()
        for thread in streams:
            thread.join(timeout=30)
        for writer in [ada, *writers]:
            writer.http.close()
        # Done once the requests are: its open sockets do not hold it for its 60 s of grace.
        assert served.process.wait(timeout=30) == 0
        assert dropped.wait(WAIT) and not reader.connected

    assert finished[0] == 201, finished
    created = answers.count(201) + 1
    assert set(answers) <= {201, "refused"}, answers  # never a 5xx, nor a reset mid-answer
    assert stored_comments(blog, sqlite_database_url) == created


def test_sigterm_closes_sockets_at_once_so_readers_reconnect_elsewhere(
    env: dict[str, str], tmp_path: Path
) -> None:
    with sidecar_server(env, tmp_path / "sidecar.log", "--graceful-timeout", "60") as served:
        reader, dropped = websocket_reader(served.url)
        polling = Listener(served.url)  # the long-polling fallback, too
        assert polling.join()["ok"]
        served.process.send_signal(signal.SIGTERM)
        assert dropped.wait(WAIT), "the websocket stayed open after SIGTERM"
        # Open sockets are not work in flight: the process ends well before
        # its 60 s of grace, instead of holding its readers until then.
        assert served.process.wait(timeout=30) == 0
        assert until(lambda: not polling.client.connected) and not reader.connected


def test_on_postgresql_a_request_waiting_on_the_database_stalls_nothing_else(
    blog: Project, postgresql_database_url: str, redis_url: str, tmp_path: Path
) -> None:
    """Requests and sockets share one thread under gevent: a wait inside the
    database driver must yield to them, not block the whole process."""
    env = sidecar_env(blog, postgresql_database_url, redis_url, users={"ada": Role.COMMENTER})
    conninfo = make_url(postgresql_database_url).set(drivername="postgresql")
    conninfo_text = conninfo.render_as_string(hide_password=False)
    with sidecar_server(env, tmp_path / "sidecar.log") as served:
        arrived = threading.Event()
        reader, _ = websocket_reader(served.url)
        reader.on("comment:new", lambda payload: arrived.set())
        writer = Writer(served.url, "ada")
        with (
            psycopg.connect(conninfo_text) as holder,
            psycopg.connect(conninfo_text, autocommit=True) as watcher,
            ThreadPoolExecutor(1) as background,
        ):
            holder.execute("LOCK TABLE comments IN ACCESS EXCLUSIVE MODE")
            posting = background.submit(writer.post, "/api/posts/hello/comments", body="waits")

            def post_waits_on_the_lock() -> bool:
                waiting = watcher.execute(
                    "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock'"
                ).fetchone()
                return waiting is not None and waiting[0] > 0

            assert until(post_waits_on_the_lock)
            # Meanwhile the process answers other requests (and the database for them).
            assert requests.get(served.url + "/api/health", timeout=5).status_code == 200
            assert requests.get(served.url + "/api/csrf", timeout=5).status_code == 200
            holder.rollback()
            posted = posting.result(timeout=10)
        assert posted.status_code == 201, posted.text
        assert arrived.wait(WAIT), "the comment never reached the reader (through Redis)"
        reader.disconnect()
        writer.http.close()


# Pygments' Java lexer on an unclosed character literal: seconds of work in a
# render worker (tests/sidecar/test_render_bounds.py), over a budget of 1 s.
SLOW = "```java\n'" + "a " * 3990 + "\n```"


def test_a_comment_rendering_for_its_whole_budget_stalls_no_other_request(
    blog: Project, sqlite_database_url: str, tmp_path: Path
) -> None:
    """The render pool's worker processes are waited on, cooperatively, from the
    request's greenlet; killing and replacing an overrun worker blocks nothing."""
    env = sidecar_env(
        blog, sqlite_database_url, "", users={"ada": Role.COMMENTER}, COMMENT_RENDER_TIMEOUT="1"
    )
    with sidecar_server(env, tmp_path / "sidecar.log") as served:
        writer = Writer(served.url, "ada")
        assert writer.comment("warms the render pool up")["status"] == "approved"
        with ThreadPoolExecutor(1) as background:
            slow = background.submit(writer.post, "/api/comments/preview", body=SLOW)
            assert not until(slow.done, timeout=0.3)  # it is being rendered
            health = requests.get(served.url + "/api/health", timeout=5)
            rendering = not slow.done()  # the health answer came during the render
            refused = slow.result(timeout=15)
        assert health.status_code == 200 and rendering
        assert refused.status_code == 422, refused.text
        assert refused.json()["error"]["code"] == "render_timeout"
        assert writer.comment("after the overrun")["status"] == "approved"
        writer.http.close()


def test_the_outbox_worker_sends_mail_from_the_production_process(
    blog: Project, sqlite_database_url: str, tmp_path: Path
) -> None:
    """The outbox's background thread is a greenlet there: it still wakes on commit,
    reaches SMTP and delivers."""
    inbox = SmtpInbox()
    inbox.start()
    try:
        env = sidecar_env(
            blog, sqlite_database_url, "", users={},
            OUTBOX_WORKER="thread", MAIL_SERVER="127.0.0.1", MAIL_PORT=str(inbox.port),
            MAIL_USE_TLS="0",
        )  # fmt: skip
        with sidecar_server(env, tmp_path / "sidecar.log") as served:
            http = requests.Session()
            token = http.get(served.url + "/api/csrf", timeout=5).json()["csrf_token"]
            registered = http.post(
                served.url + "/api/auth/register",
                json={"email": "grace@example.test", "username": "grace", "password": "x" * 16},
                headers={"X-CSRFToken": token},
                timeout=10,
            )
            assert registered.status_code == 201, registered.text
            assert until(lambda: len(inbox.received) == 1), "no mail reached SMTP"
            assert inbox.received[0]["To"] == "grace@example.test"
            http.close()
    finally:
        inbox.close()
