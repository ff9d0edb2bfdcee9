#!/usr/bin/env python3
"""How fast a new comment reaches every reader, and what the widget weighs.

Starts real sidecar processes (Flask-SocketIO's threading server, SQLite in a
scratch directory), connects 100 Socket.IO clients (websocket transport) to
the post's room and posts comments through the HTTP API. For each comment it
records, per client, the time from the HTTP 201 reaching the poster to the
``comment:new`` event reaching that client, and prints the median and p99:

- one process: poster and readers on the same sidecar;
- two processes over Redis: readers split across both, the comment posted to
  the first (the Socket.IO message queue is a throwaway redis-server).

A negative figure means the event reached a reader before the 201 reached the
poster (events are emitted right after the commit). The sizes printed first are
what a reader downloads, gzipped: the widget's own code and the Socket.IO client.

    python bench/live_bench.py [--clients 100] [--comments 30]
"""

from __future__ import annotations

import argparse
import gzip
import logging
import os
import shutil
import statistics
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

ORIGIN = "http://blog.bench"
PASSWORD = "correct horse battery"
WIDGET = [REPO / "site/static/js/comments.js", REPO / "site/static/css/comments.css"]
SOCKET_IO = REPO / "node_modules/socket.io-client/dist/socket.io.min.js"


def gz(paths: list[Path]) -> int:
    return sum(len(gzip.compress(p.read_bytes(), compresslevel=9)) for p in paths)


def print_sizes() -> None:
    raw = sum(p.stat().st_size for p in WIDGET)
    print(
        f"widget (comments.js + comments.css): {raw / 1024:.1f} KB, "
        f"{gz(WIDGET) / 1024:.1f} KB gzipped (budget 10 KB)"
    )
    if SOCKET_IO.exists():
        print(
            f"Socket.IO client (npm, loaded near the comments): "
            f"{SOCKET_IO.stat().st_size / 1024:.1f} KB, {gz([SOCKET_IO]) / 1024:.1f} KB gzipped"
        )


def serve(port: int) -> None:
    """One sidecar process, as production runs it but with rate limits off (the
    bench posts far faster than a person may)."""
    from sidecar import create_app
    from sidecar.extensions import socketio

    app = create_app({"RATELIMIT_ENABLED": False, "ARGON2_PROFILE": "fast"})
    socketio.run(app, host="127.0.0.1", port=port, allow_unsafe_werkzeug=True, log_output=False)


def make_site(root: Path) -> dict[str, str]:
    """A one-post blog and a migrated SQLite database with one confirmed user."""
    from flask_migrate import upgrade

    from sidecar import create_app
    from sidecar.database import now_utc
    from sidecar.extensions import db
    from sidecar.models import User

    shutil.copytree(REPO / "site", root / "site")
    (root / "node_modules").symlink_to(REPO / "node_modules")
    posts = root / "content" / "posts"
    posts.mkdir(parents=True)
    (posts / "hello.md").write_text("---\ntitle: Hello\ndate: 2026-01-01\n---\nHi.\n")
    env = {
        **os.environ,
        "SIDECAR_ENV": "testing",
        "SECRET_KEY": "b" * 40,
        "DATABASE_URL": f"sqlite:///{root / 'bench.sqlite3'}",
        "SITE_ORIGIN": ORIGIN,
        "FROSTPRESS_ROOT": str(root),
        "MODERATION": "none",
    }
    app = create_app({"ARGON2_PROFILE": "fast"}, environ=env)
    with app.app_context():
        upgrade()
        hasher = app.extensions["sidecar.hasher"]
        db.session.add(
            User(
                email="ada@bench.test",
                username="ada",
                email_confirmed_at=now_utc(),
                password_hash=hasher.hash(PASSWORD),
            )
        )
        db.session.commit()
        db.engine.dispose()
    return env


@contextmanager
def sidecar(env: dict[str, str], log: Path) -> Iterator[str]:
    from tests.processes import running_http_process

    argv = [sys.executable, str(Path(__file__).resolve()), "--serve", "{port}"]
    with running_http_process(argv, log, ready="/api/health", env=env, cwd=REPO) as url:
        yield url


class Readers:
    """``n`` Socket.IO clients in the post's room, noting when each event arrives."""

    def __init__(self, urls: list[str], n: int) -> None:
        import socketio

        self.arrivals: dict[int, list[float]] = {}
        self.lock = threading.Lock()
        self.complete: dict[int, threading.Event] = {}
        self.n = n
        self.clients = []
        for i in range(n):
            # websocket-client sends an Origin of its own unless given this one.
            client = socketio.Client(reconnection=False, websocket_extra_options={"origin": ORIGIN})
            client.on("comment:new", self._arrived)
            client.connect(
                urls[i % len(urls)],
                transports=["websocket"],
                wait_timeout=10,
            )
            assert client.call("join", {"post": "hello"}, timeout=10)["ok"]
            self.clients.append(client)

    def expect(self, comment_id: int) -> threading.Event:
        with self.lock:
            self.arrivals.setdefault(comment_id, [])
            event = self.complete.setdefault(comment_id, threading.Event())
            if len(self.arrivals[comment_id]) >= self.n:
                event.set()
            return event

    def _arrived(self, payload: dict[str, Any]) -> None:
        now = time.perf_counter()
        with self.lock:
            times = self.arrivals.setdefault(payload["id"], [])
            times.append(now)
            event = self.complete.setdefault(payload["id"], threading.Event())
            if len(times) >= self.n:
                event.set()

    def close(self) -> None:
        """Disconnect all at once: each close waits for the server's reply."""
        threads = [
            threading.Thread(target=client.disconnect, daemon=True) for client in self.clients
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=10)


def run(urls: list[str], clients: int, comments: int) -> list[float]:
    import requests

    readers = Readers(urls, clients)
    try:
        writer = requests.Session()
        token = writer.get(urls[0] + "/api/csrf", timeout=5).json()["csrf_token"]
        login = writer.post(
            urls[0] + "/api/auth/login",
            json={"login": "ada", "password": PASSWORD},
            headers={"X-CSRFToken": token},
            timeout=10,
        )
        login.raise_for_status()
        token = login.headers["X-CSRFToken"]
        latencies: list[float] = []
        for n in range(comments + 3):  # the first three warm up
            response = writer.post(
                urls[0] + "/api/posts/hello/comments",
                json={"body": f"comment {n}"},
                headers={"X-CSRFToken": token},
                timeout=10,
            )
            created = time.perf_counter()
            assert response.status_code == 201, response.text
            comment_id = response.json()["id"]
            if not readers.expect(comment_id).wait(15):
                got = len(readers.arrivals[comment_id])
                raise RuntimeError(f"comment {comment_id} reached {got} of {clients} readers")
            if n >= 3:
                latencies += [(t - created) * 1000 for t in readers.arrivals[comment_id]]
            time.sleep(0.05)
        return latencies
    finally:
        readers.close()


def report(label: str, latencies: list[float]) -> None:
    ordered = sorted(latencies)
    p99 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))]
    print(
        f"{label:<28} median {statistics.median(ordered):6.1f} ms   p99 {p99:6.1f} ms   "
        f"({len(ordered)} deliveries)"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=100)
    parser.add_argument("--comments", type=int, default=30)
    parser.add_argument("--serve", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve:
        serve(args.serve)
        return 0
    print_sizes()
    logging.disable(logging.INFO)  # the migrations' progress is not a figure
    from tests.servers import find_redis, running_redis

    print(f"201 → comment:new at {args.clients} Socket.IO clients, {args.comments} comments:")
    with tempfile.TemporaryDirectory(prefix="frostpress-live-bench-") as scratch:
        root = Path(scratch)
        env = make_site(root / "blog")
        with sidecar(env, root / "one.log") as url:
            report("one process", run([url], args.clients, args.comments))
        redis = find_redis()
        if redis is None:
            print("two processes over Redis: skipped (no redis-server installed)")
            return 0
        with running_redis(redis) as server, ExitStack() as stack:
            shared = {**env, "REDIS_URL": server.url}
            urls = [stack.enter_context(sidecar(shared, root / f"p{i}.log")) for i in (1, 2)]
            report("two processes over Redis", run(urls, args.clients, args.comments))
    return 0


if __name__ == "__main__":
    sys.exit(main())
