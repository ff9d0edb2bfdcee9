#!/usr/bin/env python3
"""How many live readers one sidecar process holds, and how fast a comment reaches them all.

Starts one sidecar process as production serves it (``sidecar.gunicorn_config``:
gunicorn's gevent worker; SQLite in a scratch directory, no Redis), opens N
websocket readers from this one asyncio process (raw Engine.IO/Socket.IO v4
frames over aiohttp, one shared session: a thread per reader would measure the
client, not the server), joins them all to one post, then posts K comments
through the HTTP API, one at a time. Prints:

- readers connected and joined, and how long that took (wall, and per reader p99);
- delivery: from sending the POST to ``comment:new`` reaching each reader,
  p50/p99/max over every (reader, comment), and the slowest reader per comment;
- the latency of a thread GET (``/api/posts/hello/comments``) while they are connected.

``--worker threading`` runs the previous model for comparison (gunicorn's
gthread worker, one thread per socket, ``--threads 100``). Loopback only; every
wait is bounded, and the server is stopped at the end.

    python bench/sockets_bench.py [--readers 2000] [--comments 5] [--worker gevent|threading]
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import statistics
import sys
import tempfile
import time
from contextlib import ExitStack
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from live_bench import ORIGIN, PASSWORD, make_site  # noqa: E402
from loadkit import Reader, pct  # noqa: E402

CONNECT_PHASE = 90  # seconds for all readers to connect and join; late ones count as failed
COMMENT_BUDGET = 6  # per user per minute (sidecar.extensions.COMMENT_RATE)


def __getattr__(name: str) -> Any:
    """``sockets_bench:app`` for ``--worker threading``: the app, unpatched."""
    if name == "app":
        from sidecar import create_app

        return create_app()
    raise AttributeError(name)


def server_argv(worker: str) -> list[str]:
    from sidecar.gunicorn_config import command

    common: tuple[str, ...] = ("--bind", "127.0.0.1:{port}", "--graceful-timeout", "2")
    common += ("--access-logfile", "/dev/null")
    if worker == "gevent":
        return command(*common)
    here = str(Path(__file__).resolve().parent)
    argv = command(*common, "-k", "gthread", "--threads", "100", "--chdir", here)
    argv[-1] = "sockets_bench:app"
    return argv


def add_users(env: dict[str, str], names: list[str]) -> None:
    """More confirmed users beside make_site's ``ada``: each may post COMMENT_BUDGET a minute."""
    from sidecar import create_app
    from sidecar.database import now_utc
    from sidecar.extensions import db
    from sidecar.models import User

    app = create_app({"ARGON2_PROFILE": "fast"}, environ=env)
    with app.app_context():
        hasher = app.extensions["sidecar.hasher"]
        for name in names:
            db.session.add(
                User(
                    email=f"{name}@bench.test",
                    username=name,
                    email_confirmed_at=now_utc(),
                    password_hash=hasher.hash(PASSWORD),
                )
            )
        db.session.commit()
        db.engine.dispose()


def writer(url: str, users: list[str]) -> list[Any]:
    import requests

    sessions = []
    for name in users:
        http = requests.Session()
        token = http.get(url + "/api/csrf", timeout=10).json()["csrf_token"]
        login = http.post(
            url + "/api/auth/login",
            json={"login": name, "password": PASSWORD},
            headers={"X-CSRFToken": token},
            timeout=10,
        )
        login.raise_for_status()
        http.headers["X-CSRFToken"] = login.headers["X-CSRFToken"]
        sessions.append(http)
    return sessions


def timed_get(url: str) -> float:
    import requests

    started = time.perf_counter()
    response = requests.get(url + "/api/posts/hello/comments", timeout=30)
    response.raise_for_status()
    return time.perf_counter() - started


async def run(url: str, readers: int, comments: int, users: list[str], parallel: int) -> None:
    import aiohttp

    arrivals: dict[int, list[float]] = {}
    opened: list[Reader] = []
    connect_times: list[float] = []
    failures: list[str] = []
    gate = asyncio.Semaphore(parallel)
    connector = aiohttp.TCPConnector(limit=0)
    async with aiohttp.ClientSession(connector=connector) as session:
        started = time.perf_counter()

        async def one() -> None:
            reader = Reader(arrivals, origin=ORIGIN)
            async with gate:
                try:
                    connect_times.append(await asyncio.wait_for(reader.open(session, url), 10))
                    opened.append(reader)
                except Exception as exc:  # counted and reported, not fatal
                    failures.append(type(exc).__name__)
                    await reader.close()
                except asyncio.CancelledError:
                    await reader.close()
                    raise

        connecting = [asyncio.create_task(one()) for _ in range(readers)]
        _, late = await asyncio.wait(connecting, timeout=CONNECT_PHASE)
        for task in late:
            task.cancel()
        failures += ["not connected within the connect phase"] * len(late)
        wall = time.perf_counter() - started
        print(f"readers connected and joined: {len(opened)} of {readers} in {wall:.1f} s", end="")
        if connect_times:
            print(
                f" (each: p50 {pct(connect_times, 0.5) * 1000:.0f} ms, "
                f"p99 {pct(connect_times, 0.99) * 1000:.0f} ms)"
            )
        else:
            print()
        if failures:
            print(f"  failed: {len(failures)} ({', '.join(sorted(set(failures)))})")
        try:
            gets = [await asyncio.to_thread(timed_get, url) for _ in range(10)]
            print(
                f"thread GET while connected: p50 {statistics.median(gets) * 1000:.0f} ms, "
                f"max {max(gets) * 1000:.0f} ms (10 requests)"
            )
        except Exception as exc:
            print(f"thread GET while connected: failed ({type(exc).__name__}: {exc})")
        if not opened:
            return
        try:
            sessions = await asyncio.to_thread(writer, url, users)
        except Exception as exc:
            print(f"signing in to post: failed ({type(exc).__name__}); no delivery figures")
            return
        deliveries: list[float] = []
        slowest: list[float] = []
        for n in range(comments + 1):  # the first warms up (the render pool starts)
            http = sessions[n // COMMENT_BUDGET]
            sent = time.perf_counter()
            response = await asyncio.to_thread(
                http.post, url + "/api/posts/hello/comments", json={"body": f"c {n}"}, timeout=30
            )
            assert response.status_code == 201, response.text
            comment_id = response.json()["id"]
            deadline = time.perf_counter() + 30
            while len(arrivals.get(comment_id, [])) < len(opened):
                if time.perf_counter() > deadline:
                    break
                await asyncio.sleep(0.01)
            got = [t - sent for t in arrivals.get(comment_id, [])]
            if len(got) < len(opened):
                print(f"  comment {n}: only {len(got)} of {len(opened)} readers within 30 s")
            if n == 0:
                continue
            deliveries += got
            if got:
                slowest.append(max(got))
        if deliveries:
            print(
                f"delivery to {len(opened)} readers, {comments} comments: "
                f"p50 {pct(deliveries, 0.5) * 1000:.0f} ms, "
                f"p99 {pct(deliveries, 0.99) * 1000:.0f} ms, "
                f"max {max(deliveries) * 1000:.0f} ms; last reader per comment: "
                f"median {statistics.median(slowest) * 1000:.0f} ms "
                f"({', '.join(f'{t * 1000:.0f}' for t in slowest)})"
            )
        await asyncio.gather(*(reader.close() for reader in opened), return_exceptions=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--readers", type=int, default=2000)
    parser.add_argument("--comments", type=int, default=5)
    parser.add_argument("--parallel", type=int, default=100, help="connections opening at once")
    parser.add_argument("--worker", choices=("gevent", "threading"), default="gevent")
    args = parser.parse_args()
    if args.comments >= 9 * COMMENT_BUDGET:
        parser.error(f"fewer than {9 * COMMENT_BUDGET} comments (login and comment budgets)")
    logging.disable(logging.WARNING)
    from tests.processes import running_http_server

    users = ["ada"] + [f"user{i}" for i in range(1, -(-(args.comments + 1) // COMMENT_BUDGET))]
    with tempfile.TemporaryDirectory(prefix="frostpress-sockets-") as scratch, ExitStack() as stack:
        root = Path(scratch)
        env = make_site(root)
        add_users(env, users[1:])
        served = stack.enter_context(
            running_http_server(
                server_argv(args.worker),
                root / "sidecar.log",
                ready="/api/health",
                env=env,
                cwd=REPO,
            )
        )
        print(
            f"one sidecar process ({args.worker} worker), {args.readers} readers, "
            f"{args.comments} comments (figures are provisional: a shared 2-core machine)"
        )
        asyncio.run(
            asyncio.wait_for(
                run(served.url, args.readers, args.comments, users, args.parallel), 600
            )
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
