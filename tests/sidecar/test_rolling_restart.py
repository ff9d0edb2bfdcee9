"""A rolling restart under load, through deploy/nginx.conf: process A is
stopped (SIGTERM) and started again on its port, then process B, while
clients keep posting comments through nginx.

Clients send what the widget sends: each comment carries an
``Idempotency-Key``. nginx passes a request on to the other process when the
first refuses the connection, and sends a keyed POST again when a process
closed it unanswered (deploy/nginx.conf, @keyed_retry); the sidecar stores a
key's comment once. What a user must see: every comment is acknowledged
(201, never a 5xx), and each is stored exactly once.
"""

from __future__ import annotations

import threading
import time
import uuid
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import requests
from sqlalchemy import create_engine, text

from sidecar.models import Role
from tests.conftest import Project
from tests.servers import NginxServer, require_nginx, running_nginx
from tests.sidecar.edge import (
    HOST,
    EdgeClient,
    Sidecar,
    bearer_tokens,
    production_settings,
    running_sidecars,
    served,
)
from tests.sidecar.sidecars import sidecar_env, until

THREAD = "/api/posts/hello/comments"
WRITERS = 3
PER_AUTHOR = 4  # below the per-author budget of new comments (6 a minute)
AUTHORS = 60  # enough for WRITERS clients posting all through the restarts
PACE = 0.4  # seconds between one client's comments
FAIL_TIMEOUT = 2.5  # deploy/render.py: nginx leaves a refusing process alone 2 s


@dataclass
class Outcome:
    statuses: Counter[str] = field(default_factory=Counter)  # every answer seen
    acknowledged: dict[str, int] = field(default_factory=dict)  # key → comment id
    lock: threading.Lock = field(default_factory=threading.Lock)

    def record(self, status: str, key: str, comment_id: int | None = None) -> None:
        with self.lock:
            self.statuses[status] += 1
            if comment_id is not None:
                self.acknowledged[key] = comment_id


def _post(client: EdgeClient, body: str, key: str, outcome: Outcome) -> None:
    try:
        answer = client.post(THREAD, json={"body": body}, headers={"Idempotency-Key": key})
    except requests.ConnectionError:
        outcome.record("no answer", key)
        return
    created = answer.json()["id"] if answer.status_code == 201 else None
    outcome.record(str(answer.status_code), key, created)


def _writer(url: str, tokens: list[str], stop: threading.Event, outcome: Outcome) -> None:
    for token in tokens:
        client = EdgeClient(url, token=token)
        for _ in range(PER_AUTHOR):
            if stop.is_set():
                return
            key = str(uuid.uuid4())
            _post(client, f"comment {key}", key, outcome)
            time.sleep(PACE)


@pytest.fixture
def deployed(
    blog: Project, postgresql_database_url: str, redis_url: str, tmp_path: Path
) -> Iterator[tuple[NginxServer, list[Sidecar], list[str]]]:
    binary = require_nginx()
    names = [f"author{n}" for n in range(AUTHORS)]
    env = sidecar_env(
        blog, postgresql_database_url, redis_url, users=dict.fromkeys(names, Role.COMMENTER),
        **production_settings(),
    )  # fmt: skip
    tokens = bearer_tokens(blog, postgresql_database_url, names)
    with (
        running_sidecars(env, tmp_path) as processes,
        running_nginx(binary, HOST, [p.upstream for p in processes]) as nginx,
    ):
        yield nginx, processes, [tokens[n] for n in names]


def test_a_rolling_restart_loses_no_comment_and_stores_none_twice(
    deployed: tuple[NginxServer, list[Sidecar], list[str]], postgresql_database_url: str
) -> None:
    nginx, processes, tokens = deployed
    outcome = Outcome()
    stop = threading.Event()
    writers = [
        threading.Thread(target=_writer, args=(nginx.url, tokens[i::WRITERS], stop, outcome))
        for i in range(WRITERS)
    ]
    for writer in writers:
        writer.start()
    try:
        for process in processes:
            time.sleep(1)  # load on both processes
            taken = served(process.log, f"POST {THREAD}")
            process.stop()  # SIGTERM: gunicorn finishes what it started
            process.start()  # on the same port
            time.sleep(FAIL_TIMEOUT)  # nginx tries it again...
            # ...and it takes comments again before the next one goes down.

            def takes_comments(p: Sidecar = process, t: int = taken) -> bool:
                return served(p.log, f"POST {THREAD}") > t

            assert until(takes_comments), (
                outcome.statuses,
                process.log.read_text()[-3000:],
            )
        time.sleep(1)
    finally:
        stop.set()
        for writer in writers:
            writer.join(60)

    # Every comment acknowledged: no 5xx, no connection dropped, nothing else.
    assert set(outcome.statuses) == {"201"}, outcome.statuses
    engine = create_engine(postgresql_database_url)
    try:
        with engine.connect() as connection:
            stored = Counter(
                row.body_source
                for row in connection.execute(text("SELECT body_source FROM comments"))
            )
    finally:
        engine.dispose()
    assert {f"comment {key}" for key in outcome.acknowledged} == set(stored)
    assert set(stored.values()) == {1}, [body for body, n in stored.items() if n > 1]
