"""A stream of comment posts against real sidecar processes, and what got stored.

A :class:`Stream` posts from background threads with bearer tokens (no CSRF),
one account after another so the per-author limit (``COMMENT_RATE``) is never
what refuses a comment. Each comment has a body and an ``Idempotency-Key`` of
its own; the client may retry one on another process with the same key. Every
answer is kept, so a test can hold the database to what the clients were told.
"""

from __future__ import annotations

import socket
import struct
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from typing import Any

import requests
from sqlalchemy import create_engine, select

from sidecar.extensions import db
from sidecar.models import Comment, Role, User
from sidecar.services.tokens import create_token
from tests.conftest import Project
from tests.sidecar.conftest import make_app

__all__ = [
    "LossyLink",
    "Outcome",
    "Stream",
    "bearer_tokens",
    "losses",
    "stored_comments",
    "stream_users",
]

THREAD = "/api/posts/hello/comments"
TIMEOUT = 10.0  # seconds for one answer
RETRY_FOR = 30.0  # seconds a retrying client keeps trying one comment


def stream_users(count: int) -> dict[str, Role]:
    return {f"streamer{n}": Role.COMMENTER for n in range(count)}


def bearer_tokens(blog: Project, database_url: str, names: list[str]) -> list[str]:
    """One API token for each of the accounts ``names`` (created by ``sidecar_env``)."""
    setup = make_app(blog, database_url)
    with setup.app_context():
        tokens = []
        for name in names:
            user = db.session.scalar(select(User).filter_by(username=name))
            assert user is not None, name
            tokens.append(create_token(db.session, user, "stream")[1])
        db.engine.dispose()
    return tokens


@dataclass
class Outcome:
    """What the client was told about one comment, after its last attempt."""

    body: str
    key: str
    status: int | None = None  # None: no process ever answered
    comment_id: int | None = None
    attempts: int = 0
    problems: list[str] = field(default_factory=list)  # answers no client may see

    @property
    def created(self) -> bool:
        return self.status == 201


def _problem(response: requests.Response) -> str | None:
    """Why this answer breaks the contract: a 500, HTML, or no JSON error envelope."""
    where = f"{response.status_code} {response.headers.get('Content-Type')}"
    if response.status_code >= 500 and response.status_code != 503:
        return f"{where}: {response.text[:200]}"
    if response.headers.get("Content-Type", "").split(";")[0] != "application/json":
        return f"{where}: not JSON: {response.text[:200]}"
    body = response.json()
    if response.status_code == 201:
        return None if isinstance(body.get("id"), int) else f"{where}: no id: {body}"
    error = body.get("error") if isinstance(body, dict) else None
    if not isinstance(error, dict) or not error.get("code"):
        return f"{where}: no error envelope: {body}"
    if response.status_code == 503 and not response.headers.get("Retry-After"):
        return f"{where}: a 503 without Retry-After"
    return None


class Stream:
    """``per_token`` comments for each token, from ``threads`` threads, ``pause``
    seconds apart in each thread, to ``bases`` in turn.

    With ``retry``, a comment whose attempt got no answer or a 5xx is sent again,
    with the same key, to the next process, until one answers otherwise (within
    ``RETRY_FOR``); without it the first answer is the last."""

    def __init__(
        self,
        bases: list[str],
        tokens: list[str],
        *,
        label: str,
        per_token: int = 2,
        threads: int = 5,
        pause: float = 0.1,
        retry: bool = False,
    ) -> None:
        self.bases, self.retry, self.pause = bases, retry, pause
        run = uuid.uuid4().hex[:8]
        self.outcomes = [
            Outcome(body=f"{label} {run} {n}:{i}", key=uuid.uuid4().hex)
            for i in range(per_token)
            for n in range(len(tokens))
        ]
        self._tokens = {o.body: tokens[n % len(tokens)] for n, o in enumerate(self.outcomes)}
        self._answered = 0
        self._changed = threading.Condition()
        self._threads = [
            threading.Thread(
                target=self._post_all, args=(self.outcomes[t::threads], t), daemon=True
            )
            for t in range(threads)
        ]

    # -- running -----------------------------------------------------------------------
    @contextmanager
    def running(self, timeout: float = 90.0) -> Iterator[Stream]:
        """Post in the background while the block runs; then wait for the last answer."""
        for thread in self._threads:
            thread.start()
        try:
            yield self
        finally:
            deadline = time.monotonic() + timeout
            for thread in self._threads:
                thread.join(max(0.0, deadline - time.monotonic()))
        assert not any(t.is_alive() for t in self._threads), "the stream did not finish"

    def wait_answered(self, count: int, timeout: float = 30.0) -> None:
        """Until ``count`` comments have had their last answer."""
        deadline = time.monotonic() + timeout
        with self._changed:
            while self._answered < min(count, len(self.outcomes)):
                left = deadline - time.monotonic()
                assert left > 0, f"only {self._answered} of {count} answered in {timeout}s"
                self._changed.wait(left)

    def _post_all(self, outcomes: list[Outcome], first: int) -> None:
        http = requests.Session()
        for n, outcome in enumerate(outcomes):
            self._post(http, outcome, first + n)
            with self._changed:
                self._answered += 1
                self._changed.notify_all()
            time.sleep(self.pause)

    def _post(self, http: requests.Session, outcome: Outcome, turn: int) -> None:
        headers = {
            "Authorization": f"Bearer {self._tokens[outcome.body]}",
            "Idempotency-Key": outcome.key,
        }
        deadline = time.monotonic() + RETRY_FOR
        while True:
            base = self.bases[(turn + outcome.attempts) % len(self.bases)]
            outcome.attempts += 1
            try:
                response = http.post(
                    base + THREAD, json={"body": outcome.body}, headers=headers, timeout=TIMEOUT
                )
            except requests.RequestException:
                outcome.status = None
            else:
                outcome.status = response.status_code
                problem = _problem(response)
                if problem:
                    outcome.problems.append(problem)
                elif response.status_code == 201:
                    outcome.comment_id = response.json()["id"]
            again = outcome.status is None or outcome.status >= 500
            if not (self.retry and again) or time.monotonic() > deadline:
                return
            time.sleep(0.1)

    # -- what the clients were told -----------------------------------------------------
    @property
    def created(self) -> list[Outcome]:
        return [o for o in self.outcomes if o.created]

    @property
    def refused(self) -> list[Outcome]:
        return [o for o in self.outcomes if not o.created]

    @property
    def problems(self) -> list[str]:
        return [f"{o.body}: {p}" for o in self.outcomes for p in o.problems]

    def statuses(self) -> dict[int | None, int]:
        counts: dict[int | None, int] = {}
        for outcome in self.outcomes:
            counts[outcome.status] = counts.get(outcome.status, 0) + 1
        return counts


def stored_comments(database_url: str) -> list[dict[str, Any]]:
    """Every comment row, read straight from the database (not through the API)."""
    engine = create_engine(database_url)
    try:
        with engine.connect() as conn:
            table = Comment.__table__
            rows = conn.execute(
                select(table, User.__table__.c.username)
                .select_from(table.outerjoin(User.__table__, table.c.author_id == User.id))
                .order_by(table.c.id)
            )
            return [dict(row._mapping) for row in rows]
    finally:
        engine.dispose()


def losses(stream: Stream, rows: list[dict[str, Any]]) -> list[str]:
    """How the database breaks what the stream's clients were told.

    A comment answered 201 is stored exactly once, as the comment the client was
    given; one refused with an answer is not stored at all (one left without any
    answer may be either); every stored row is whole: author, body, HTML, status."""
    found: list[str] = []
    by_body: dict[str, list[dict[str, Any]]] = {}
    for row in rows:
        by_body.setdefault(row["body_source"], []).append(row)
        if not (row["username"] and row["body_html"] and row["status"]):
            found.append(f"comment {row['id']} is half-written: {row}")
    for outcome in stream.outcomes:
        stored = by_body.get(outcome.body, [])
        if outcome.created and [r["id"] for r in stored] != [outcome.comment_id]:
            found.append(f"{outcome.body!r} got 201 as {outcome.comment_id}, stored as {stored}")
        elif outcome.status is not None and not outcome.created and stored:
            found.append(f"{outcome.body!r} was refused ({outcome.status}) but stored")
        elif len(stored) > 1:
            found.append(f"{outcome.body!r} is stored {len(stored)} times")
    return found


class LossyLink:
    """A TCP relay on 127.0.0.1 to a server's ``port`` that can lose its answers.

    While ``dropping`` is set, a request still reaches the server, which acts on
    it, but the client's connection is reset at the first byte of the answer:
    what a client sees when a process dies after its commit, before its answer
    got out. The server gone, a connection through the link is reset at once."""

    def __init__(self, port: int) -> None:
        self.upstream = ("127.0.0.1", port)
        self.dropping = threading.Event()
        self.dropped = 0
        self._listener = socket.create_server(("127.0.0.1", 0))
        self.url = f"http://127.0.0.1:{self._listener.getsockname()[1]}"
        self._closed = False
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while not self._closed:
            try:
                client, _ = self._listener.accept()
            except OSError:
                return
            threading.Thread(target=self._relay, args=(client,), daemon=True).start()

    def _relay(self, client: socket.socket) -> None:
        try:
            server = socket.create_connection(self.upstream, timeout=TIMEOUT)
        except OSError:
            _reset(client)
            return
        threading.Thread(target=_copy, args=(client, server), daemon=True).start()
        try:
            while data := server.recv(65536):
                if self.dropping.is_set():
                    self.dropped += 1
                    break
                client.sendall(data)
        except OSError:
            pass
        _reset(client)
        server.close()

    def close(self) -> None:
        self._closed = True
        self._listener.close()


def _copy(source: socket.socket, target: socket.socket) -> None:
    try:
        while data := source.recv(65536):
            target.sendall(data)
    except OSError:
        pass


def _reset(sock: socket.socket) -> None:
    """Close with a RST, as a dead peer's kernel would answer."""
    with suppress(OSError):
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    sock.close()
