"""Faults under load: real servers die mid-stream, and no comment is lost or doubled.

The sidecar's tests run a stream of comment posts (tests/hostile/streams.py)
against real gunicorn processes, break something while it runs (Redis, the
PostgreSQL server, a sidecar process), and then hold the database to what
every client was told: a 201 is stored exactly once, a refusal not at all, no
row half-written, and no error is a 500 or an HTML page. The build's tests run
``frostpress build`` as a user would, two at once, failing, or SIGKILLed, and
hold ``build/`` to being a complete site, the old one or the new.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests

from tests.conftest import Project
from tests.hostile.report import Report
from tests.hostile.streams import (
    LossyLink,
    Stream,
    bearer_tokens,
    losses,
    stored_comments,
    stream_users,
)
from tests.servers import PostgresServer, RedisServer, find_postgres, require, running_postgres
from tests.sidecar.conftest import make_app, migrate_to
from tests.sidecar.sidecars import (
    Listener,
    sidecar_env,
    sidecar_process,
    sidecar_server,
    two_sidecars,
    until,
)
from tests.trees import inodes, tree

USERS = 30  # two comments each: well inside COMMENT_RATE, which stays on


def health(base: str) -> requests.Response:
    return requests.get(base + "/api/health", timeout=5)


def post_until_created(base: str, token: str, body: str, within: float = 40.0) -> requests.Response:
    """One comment, sent again (same key) while it is refused cleanly, until a 201."""
    headers = {"Authorization": f"Bearer {token}", "Idempotency-Key": uuid.uuid4().hex}
    deadline = time.monotonic() + within
    while True:
        response = requests.post(
            base + "/api/posts/hello/comments", json={"body": body}, headers=headers, timeout=10
        )
        if response.status_code == 201 or time.monotonic() > deadline:
            assert response.status_code == 201, response.text
            return response
        assert response.status_code in (429, 503), response.text
        time.sleep(0.5)


def _tally(hostile: Report, faults: int, lost: list[str], what: str) -> None:
    hostile.add("faults", faults, len(lost), f"{what}: {lost[:3]}" if lost else None)


def test_redis_killed_during_a_stream_of_posts(
    blog: Project,
    postgresql_database_url: str,
    redis_url: str,
    redis_server: RedisServer,
    tmp_path: Path,
    hostile: Report,
) -> None:
    users = stream_users(USERS + 1)  # the last one posts after the stream
    env = sidecar_env(blog, postgresql_database_url, redis_url, users=users)
    *tokens, last = bearer_tokens(blog, postgresql_database_url, list(users))
    with two_sidecars(env, tmp_path) as (a, b):
        reader = Listener(b)
        try:
            assert reader.join()["ok"]
            assert until(lambda: health(b).json()["status"] == "ok")
            stream = Stream([a, b], tokens, label="redis")
            with stream.running():
                stream.wait_answered(15)
                redis_server.stop()  # as a crash would
                stream.wait_answered(35)  # twenty posts at least while it is down
                assert until(lambda: health(b).json()["status"] == "degraded")
                down = health(a)
                assert down.status_code == 200 and down.json()["checks"]["database"] == "ok"
                redis_server.start()

            # Realtime resumes: what A publishes reaches B's reader, or it is told to resync.
            assert until(lambda: health(b).json()["status"] == "ok"), health(b).json()
            # The in-process fallback limits count until the limiter next checks Redis.
            after = post_until_created(a, last, "after Redis came back")
            assert reader.wait_for(
                lambda r: (
                    after.json()["id"] in [c["id"] for c in r.of("comment:new")]
                    or bool(r.of("resync"))
                )
            )
        finally:
            reader.close()

    lost = losses(stream, stored_comments(postgresql_database_url))
    _tally(hostile, 1, lost + stream.problems, "Redis killed")
    assert stream.problems == []
    assert lost == []
    assert stream.created  # and the stream was not refused whole


@pytest.fixture
def own_postgres() -> Iterator[PostgresServer]:
    """A PostgreSQL server of the test's own, to restart (the session's is shared)."""
    binaries = find_postgres()
    require("PostgreSQL (initdb and postgres)", binaries is not None)
    assert binaries is not None
    with running_postgres(binaries) as server:
        yield server


def test_postgresql_restarted_during_a_stream_of_posts(
    blog: Project, own_postgres: PostgresServer, redis_url: str, tmp_path: Path, hostile: Report
) -> None:
    url = own_postgres.create_database("blog")
    migrate_to(make_app(blog, url))
    users = stream_users(USERS + 1)
    env = sidecar_env(blog, url, redis_url, users=users)
    *tokens, last = bearer_tokens(blog, url, list(users))
    with sidecar_process(env, tmp_path / "sidecar.log") as base:
        stream = Stream([base], tokens, label="postgres")
        with stream.running():
            stream.wait_answered(15)
            own_postgres.stop()
            stream.wait_answered(30)  # fifteen at least while it is down
            down = health(base)
            assert down.status_code == 503, down.text
            assert down.json()["checks"]["database"] == "unreachable"
            own_postgres.start()  # same port, same data directory
        # Back without restarting the sidecar.
        assert until(lambda: health(base).status_code == 200)
        post_until_created(base, last, "after PostgreSQL came back")

    lost = losses(stream, stored_comments(url))
    _tally(hostile, 1, lost + stream.problems, "PostgreSQL restarted")
    assert stream.problems == []
    assert lost == []
    statuses = stream.statuses()
    assert statuses.get(201, 0) >= 15  # before it stopped
    assert statuses.get(503, 0) >= 15  # the outage: a JSON 503 with Retry-After each
    assert set(statuses) <= {201, 503}, statuses


def test_a_sidecar_process_killed_during_a_stream_of_posts(
    blog: Project,
    postgresql_database_url: str,
    redis_url: str,
    tmp_path: Path,
    hostile: Report,
) -> None:
    """The client retries what got no answer (or a 5xx) on the other process, with
    the same Idempotency-Key: what was committed on the dead one is not doubled.

    Process A is reached through a link that first loses its answers (A has
    committed; the client never hears), then A is SIGKILLed mid-stream."""
    users = stream_users(USERS)
    env = sidecar_env(blog, postgresql_database_url, redis_url, users=users)
    tokens = bearer_tokens(blog, postgresql_database_url, list(users))
    with (
        sidecar_server(env, tmp_path / "a.log") as a,
        sidecar_process(env, tmp_path / "b.log") as b,
    ):
        link = LossyLink(int(a.url.rsplit(":", 1)[1]))
        try:
            stream = Stream([link.url, b], tokens, label="sigkill", threads=8, retry=True)
            with stream.running():
                stream.wait_answered(10)
                link.dropping.set()  # A dies after committing, before answering
                stream.wait_answered(25)
                a.kill()  # SIGKILL, gunicorn's master and its worker, mid-request
        finally:
            link.close()

    lost = losses(stream, stored_comments(postgresql_database_url))
    undone = [o.body for o in stream.refused]
    _tally(hostile, 1 + link.dropped, lost + undone + stream.problems, "sidecar SIGKILLed")
    assert stream.problems == []
    assert lost == []
    assert undone == []  # every comment ended up done, each stored once
    assert link.dropped >= 1  # answers were lost after A had committed


# -- builds -------------------------------------------------------------------------
def build_argv(project: Project, *args: str) -> list[str]:
    return [sys.executable, "-m", "frostpress", "build", "--root", str(project.root), "-q", *args]


def frostpress_build(project: Project, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        build_argv(project, *args), capture_output=True, text=True, timeout=120, check=False
    )


def cold_tree(project: Project, tmp_path: Path, name: str) -> dict[str, bytes]:
    """The same project built from nothing, by the CLI, into a directory of its own."""
    out = tmp_path / name
    built = frostpress_build(project, "--output", str(out))
    assert built.returncode == 0, built.stderr
    return tree(out)


def leftovers(project: Project) -> list[str]:
    return sorted(p.name for p in project.root.glob(".build.new-*"))


@pytest.fixture
def big_site(project: Project) -> Project:
    """Enough pages that a build takes a few seconds to freeze."""
    for n in range(300):
        project.post(
            f"2025-01-01-p{n:03d}.md",
            f"Body of post {n}.\n",
            title=f"Post {n}",
            date="2025-01-01 10:00:00",
            tags=[f"t{n % 20}"],
        )
    return project


def test_two_builds_at_once_leave_one_complete_site(
    big_site: Project, tmp_path: Path, hostile: Report
) -> None:
    # Two builds first, so that the swapped-out tree is kept as the next one's stage.
    for n in range(2):
        assert frostpress_build(big_site).returncode == 0
        big_site.post(f"2025-02-0{n + 1}-new{n}.md", title=f"New {n}", date="2025-02-01")
    base = big_site.root / "site/templates/base.html"
    base.write_text(base.read_text(encoding="utf-8") + "\n<!-- changed -->\n", encoding="utf-8")
    builds = [
        subprocess.Popen(build_argv(big_site), stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        for _ in range(2)
    ]
    results = [(b.wait(120), b.communicate()[1].decode()) for b in builds]
    expected = cold_tree(big_site, tmp_path, "cold")
    broken = [] if tree(big_site.output) == expected else ["build/ is not the cold build"]
    _tally(hostile, 1, broken + [err for code, err in results if code != 0], "two builds")
    assert [code for code, _ in results] == [0, 0], results  # the second waited for the lock
    assert broken == []
    assert leftovers(big_site) == []
    assert frostpress_build(big_site).returncode == 0  # and the stage they left is sound
    assert tree(big_site.output) == expected


def test_a_build_failing_half_way_leaves_build_as_it_was(
    big_site: Project, hostile: Report
) -> None:
    assert frostpress_build(big_site).returncode == 0
    before, before_inodes = tree(big_site.output), inodes(big_site.output)
    template = big_site.root / "site/templates/post.html"
    good = template.read_text(encoding="utf-8")
    # Every page is rendered again, and one post in the middle of them fails.
    template.write_text(
        good.replace(
            "{% block main %}",
            "{% block main %}{% if post.slug == 'p150' %}{{ post.no_such_field }}{% endif %}",
            1,
        ),
        encoding="utf-8",
    )
    failed = frostpress_build(big_site)
    changed = tree(big_site.output) != before or inodes(big_site.output) != before_inodes
    _tally(hostile, 1, int(changed) * ["build/ changed"], "a build failing half way")
    assert failed.returncode != 0 and "no_such_field" in failed.stderr, failed.stderr
    assert not changed
    assert leftovers(big_site) == []
    template.write_text(good, encoding="utf-8")
    assert frostpress_build(big_site).returncode == 0
    assert tree(big_site.output) == before


def test_a_build_killed_mid_freeze_leaves_the_old_site(
    big_site: Project, tmp_path: Path, hostile: Report
) -> None:
    assert frostpress_build(big_site).returncode == 0
    before = tree(big_site.output)
    base = big_site.root / "site/templates/base.html"
    base.write_text(base.read_text(encoding="utf-8") + "\n<!-- changed -->\n", encoding="utf-8")
    build = subprocess.Popen(
        build_argv(big_site),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,  # its worker processes are killed with it
    )
    fresh = big_site.root / f".build.new-{build.pid}"
    try:
        assert until(lambda: len(list(fresh.rglob("*.html"))) >= 30, timeout=60)
    finally:
        os.killpg(build.pid, signal.SIGKILL)
        build.wait(10)
    damaged = tree(big_site.output) != before
    _tally(hostile, 1, int(damaged) * ["build/ changed"], "a build SIGKILLed mid-freeze")
    assert not damaged
    assert frostpress_build(big_site).returncode == 0  # the next one works, and cleans up
    assert tree(big_site.output) == cold_tree(big_site, tmp_path, "cold")
    assert leftovers(big_site) == []
