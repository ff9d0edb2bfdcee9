"""What the load benches share: the seeded site, sign-ins, wrk runs and live readers.

- :func:`make_project` and :func:`seed`: a 50-comment thread on ``hello``, a few
  comments on 19 more posts, ``others`` comments on 400 posts nobody reads, and
  one approved comment per load user (so ``first`` moderation trusts them);
- :func:`sidecar`: one process started as the tests start theirs, from a checkout;
- :func:`sign_in`: a load user's session as a line for bench/wrk/post.lua;
- :func:`wrk`: one wrk run with a script of bench/wrk, its figures parsed;
- :class:`Reader`: one Socket.IO reader speaking raw Engine.IO v4 frames over
  aiohttp (one asyncio process holds thousands; a thread each would measure
  the client), recording when each ``comment:new`` arrives;
- :func:`group_cpu`, :func:`machine_cpu`, :func:`stored`, :func:`pct`.
"""

from __future__ import annotations

import asyncio
import json
import os
import re
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))
WRK = shutil.which("wrk") or "/usr/bin/wrk"
SCRIPTS = REPO / "bench" / "wrk"
THREAD_SLUG = "hello"
WRITE_SLUG = "writes"
OTHER_SLUGS = [f"p{n}" for n in range(1, 20)]
USER_AGENT = "frostpress-reads-bench"  # what wrk's post.lua sends too


def make_project(root: Path) -> Any:
    from tests.conftest import Project

    project = Project(root / "blog")
    for slug in (THREAD_SLUG, WRITE_SLUG, *OTHER_SLUGS):
        project.post(title=f"Post {slug}", slug=slug)
    return project


def seed(database_url: str, users: list[str], others: int) -> None:
    """A 50-comment thread (25 top-level, each with a reply), ``others`` comments on
    the other posts, and one approved comment per load user (so ``first``
    moderation trusts them). Inserted in bulk: rendering is not what is measured."""
    from sqlalchemy import create_engine, insert, select, text

    from sidecar.database import now_utc
    from sidecar.models import Comment, User

    url = database_url.replace("postgresql://", "postgresql+psycopg://", 1)
    engine = create_engine(url)
    start = now_utc() - timedelta(days=30)
    with engine.begin() as conn:
        ids = dict(conn.execute(select(User.username, User.id)).all())
        author = min(ids.values())

        def row(slug: str, who: int, n: int, parent: int | None = None) -> dict[str, Any]:
            at = start + timedelta(seconds=n)
            return {
                "post_slug": slug,
                "author_id": who,
                "parent_id": parent,
                "depth": 0 if parent is None else 1,
                "body_source": f"comment {n}",
                "body_html": f"<p>comment {n} with a little more text to be realistic</p>",
                "status": "approved",
                "created_at": at,
                "updated_at": at,
            }

        one = insert(Comment).returning(Comment.id)
        for n in range(25):
            root = conn.execute(one, [row(THREAD_SLUG, author, 2 * n)]).scalar_one()
            conn.execute(insert(Comment), [row(THREAD_SLUG, author, 2 * n + 1, root)])
        # The counted posts have a few comments each; the others are the rest
        # of the site's (400 posts), which no read here asks for.
        conn.execute(
            insert(Comment),
            [row(slug, author, 100 + n) for n, slug in enumerate(OTHER_SLUGS * 5)],
        )
        if others:  # an empty list would insert one row of defaults
            conn.execute(
                insert(Comment), [row(f"older-{n % 400}", author, 200 + n) for n in range(others)]
            )
        conn.execute(
            insert(Comment), [row(f"old-{n}", ids[name], n) for n, name in enumerate(users)]
        )
        conn.execute(text("ANALYZE" if url.startswith("sqlite") else "ANALYZE comments"))
    engine.dispose()


def machine_cpu() -> float:
    """CPU seconds the whole machine has been busy (every process, every core)."""
    fields = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    idle = fields[3] + fields[4]  # idle, iowait
    return (sum(fields[:8]) - idle) / os.sysconf("SC_CLK_TCK")


def group_cpu(pgid: int) -> float:
    """CPU seconds used so far by the processes of group ``pgid`` (a sidecar's)."""
    tick = os.sysconf("SC_CLK_TCK")
    total = 0.0
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[2]) == pgid:  # fields after the name: state ppid pgrp ...
            total += (int(fields[11]) + int(fields[12])) / tick
    return total


@contextmanager
def sidecar(code: Path, env: dict[str, str], log: Path) -> Iterator[Any]:
    """One process, started as the tests start theirs, running the code in ``code``."""
    from tests.sidecar import sidecars

    saved = sidecars.REPO
    sidecars.REPO = code  # its working directory: whose ``sidecar`` package is imported
    try:
        with sidecars.sidecar_server({**env, "PYTHONPATH": str(code)}, log) as served:
            yield served
    finally:
        sidecars.REPO = saved


def reader_address(n: int) -> str:
    """The ``n``-th load client's address, each in a /24 of its own (nginx's
    ``ip_hash`` spreads by the first three octets)."""
    return f"10.{200 + n // 250 % 50}.{n % 250}.{1 + n // 12500 % 250}"


def sign_in(url: str, name: str, n: int, host: str | None = None) -> str:
    """A load user's session: ``cookie<TAB>csrf token<TAB>address``, signed in from
    an address of its own (the per-address sign-in limit stays on); wrk sends the
    same address and User-Agent, which the session is bound to. ``host``: the
    ``Host`` to send (nginx's server name)."""
    import requests

    from tests.sidecar.sidecars import PASSWORD

    http = requests.Session()
    address = reader_address(n)
    http.headers.update({"X-Forwarded-For": address, "User-Agent": USER_AGENT})
    if host:
        http.headers["Host"] = host
    token = http.get(url + "/api/csrf", timeout=5).json()["csrf_token"]
    login = http.post(
        url + "/api/auth/login",
        json={"login": name, "password": PASSWORD},
        headers={"X-CSRFToken": token},
        timeout=10,
    )
    assert login.status_code == 200, login.text
    cookie = "; ".join(f"{c.name}={c.value}" for c in http.cookies)
    return f"{cookie}\t{login.headers['X-CSRFToken']}\t{address}\n"


def wrk(
    url: str, script: str, seconds: int, connections: int, *, timeout: int = 2, **env: str
) -> dict[str, Any]:
    """One wrk run (one thread); the script prints STATUS and LATENCY lines.
    ``timeout``: seconds before wrk gives up on an answer (its default, 2)."""
    argv = [WRK, "-t1", f"-c{connections}", f"-d{seconds}s", f"--timeout={timeout}s"]
    argv += ["--latency", "-s"]
    argv += [str(SCRIPTS / script), url]
    done = subprocess.run(
        argv, capture_output=True, text=True, env={**os.environ, **env}, timeout=seconds + 60
    )
    out = done.stdout
    rate = re.search(r"Requests/sec:\s+([\d.]+)", out)
    status = re.search(r"^STATUS (.*)$", out, re.M)
    latency = re.search(r"^LATENCY (.*)$", out, re.M)
    if not (rate and status and latency):
        raise RuntimeError(f"wrk said:\n{out}\n{done.stderr}")
    lat = json.loads(latency.group(1))
    return {
        "rps": float(rate.group(1)),
        "p50_ms": lat["p50"] / 1000,
        "p99_ms": lat["p99"] / 1000,
        "status": json.loads(status.group(1)),
        "requests": lat["requests"],
        "errors": re.findall(r"Socket errors:.*", out),
        "timeouts": int((re.search(r"Socket errors:.*timeout (\d+)", out) or [0, 0])[1]),
    }


def stored(database_url: str, slug: str) -> int:
    """How many comments the database holds on ``slug``."""
    from sqlalchemy import create_engine, text

    engine = create_engine(database_url.replace("postgresql://", "postgresql+psycopg://", 1))
    with engine.connect() as conn:
        found = conn.execute(
            text("SELECT count(*) FROM comments WHERE post_slug = :s"), {"s": slug}
        ).scalar_one()
    engine.dispose()
    return int(found)


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


class Reader:
    """One Socket.IO client on a websocket, speaking the protocol's frames, joined
    to ``slug``; ``arrivals`` maps a comment's id to when each reader got it."""

    def __init__(
        self,
        arrivals: dict[int, list[float]],
        *,
        origin: str,
        slug: str = THREAD_SLUG,
        headers: dict[str, str] | None = None,
    ) -> None:
        self.arrivals = arrivals
        self.headers = {"Origin": origin, **(headers or {})}
        self.slug = slug
        self.ws: Any = None
        self.task: asyncio.Task[None] | None = None

    async def open(self, session: Any, url: str) -> float:
        started = time.perf_counter()
        self.ws = await session.ws_connect(
            url.replace("http", "ws", 1) + "/socket.io/?EIO=4&transport=websocket",
            headers=self.headers,
            autoping=True,
        )
        assert (await self.ws.receive_str()).startswith("0")  # Engine.IO open
        await self.ws.send_str("40")  # Socket.IO connect, default namespace
        while not (await self.ws.receive_str()).startswith("40"):
            pass
        await self.ws.send_str("420" + json.dumps(["join", {"post": self.slug}]))
        while True:
            frame = await self.ws.receive_str()
            if frame.startswith("430"):
                assert json.loads(frame[3:])[0]["ok"], frame
                break
            if frame == "2":
                await self.ws.send_str("3")
        self.task = asyncio.create_task(self.listen())
        return time.perf_counter() - started

    async def listen(self) -> None:
        async for message in self.ws:
            frame = message.data
            if frame == "2":
                await self.ws.send_str("3")  # Engine.IO ping/pong
            elif isinstance(frame, str) and frame.startswith('42["comment:new"'):
                now = time.perf_counter()
                self.arrivals.setdefault(json.loads(frame[2:])[1]["id"], []).append(now)

    @property
    def open_now(self) -> bool:
        return self.ws is not None and not self.ws.closed

    async def close(self) -> None:
        if self.ws is not None:
            await self.ws.close()
        if self.task is not None:
            self.task.cancel()
