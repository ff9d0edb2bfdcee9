#!/usr/bin/env python3
"""How soon after Redis returns the live channel carries events between processes again.

Starts a throwaway redis-server and two sidecar processes sharing it (as
``bench/live_bench.py`` does), puts a reader on process B in a post's room,
then kills Redis (as a crash would) for each outage length and starts it
again. From the moment Redis answers again it measures, on B:

- health: until ``/api/health`` says the live channel is subscribed
  (``checks.realtime == "ok"``);
- delivery: until a comment that A posts (one every 0.1 s) reaches the reader;
- resync: until the reader is told to fetch the thread again.

Comments posted before delivery resumes reach the reader only through the
resync (the widget fetches the thread); "never" means they are lost to it.

    python bench/live_recovery_bench.py [--outages 1,5,15]
"""

from __future__ import annotations

import argparse
import logging
import sys
import tempfile
import threading
import time
from contextlib import ExitStack
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "bench"))

from live_bench import ORIGIN, PASSWORD, make_site, sidecar  # noqa: E402

GIVE_UP = 90.0  # seconds to wait for each figure


class Reader:
    def __init__(self, url: str) -> None:
        import socketio

        self.seen: dict[str, float] = {}
        self.ids: set[int] = set()
        self.lock = threading.Lock()
        self.client = socketio.Client(reconnection=False)
        self.client.on("comment:new", self._comment)
        self.client.on("resync", lambda _payload: self._note("resync"))
        self.client.connect(url, headers={"Origin": ORIGIN}, transports=["polling"])
        assert self.client.call("join", {"post": "hello"}, timeout=10)["ok"]

    def _note(self, what: str) -> None:
        with self.lock:
            self.seen.setdefault(what, time.monotonic())

    def _comment(self, payload: dict[str, Any]) -> None:
        with self.lock:
            self.ids.add(payload["id"])

    def reset(self) -> None:
        with self.lock:
            self.seen.clear()


def login(url: str) -> Any:
    import requests

    http = requests.Session()
    token = http.get(url + "/api/csrf", timeout=5).json()["csrf_token"]
    response = http.post(
        url + "/api/auth/login",
        json={"login": "ada", "password": PASSWORD},
        headers={"X-CSRFToken": token},
        timeout=10,
    )
    response.raise_for_status()
    http.headers["X-CSRFToken"] = response.headers["X-CSRFToken"]
    return http


def realtime_of(url: str) -> str:
    import requests

    try:
        checks = requests.get(url + "/api/health", timeout=2).json()["checks"]
    except (requests.RequestException, ValueError):
        return "?"
    return str(checks.get("realtime", "not reported"))


def one_outage(server: Any, a: str, b: str, reader: Reader, writer: Any, seconds: float) -> str:
    server.stop()
    reader.reset()
    time.sleep(seconds)
    server.start()
    back = time.monotonic()
    health = delivery = None
    while time.monotonic() - back < GIVE_UP and (health is None or delivery is None):
        if health is None and realtime_of(b) == "ok":
            health = time.monotonic() - back
        if delivery is None:
            posted = writer.post(a + "/api/posts/hello/comments", json={"body": "ping"}, timeout=5)
            if posted.status_code == 201:
                wanted = posted.json()["id"]
                deadline = time.monotonic() + 0.1
                while time.monotonic() < deadline and wanted not in reader.ids:
                    time.sleep(0.01)
                if wanted in reader.ids:
                    delivery = time.monotonic() - back
        if realtime_of(b) == "not reported":
            health = health or float("nan")
    resync = reader.seen.get("resync")

    def shown(value: float | None) -> str:
        if value is None:
            return "never"
        return "n/a" if value != value else f"{value:5.2f} s"

    return (
        f"outage {seconds:4.0f} s   health ok after {shown(health)}   "
        f"delivery after {shown(delivery)}   "
        f"resync {shown(resync - back if resync is not None else None)}"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--outages", default="1,5,15", help="seconds, comma-separated")
    args = parser.parse_args()
    logging.disable(logging.INFO)
    from tests.servers import find_redis, running_redis

    redis = find_redis()
    if redis is None:
        print("skipped: no redis-server installed")
        return 0
    print("after Redis returns, as seen on process B (times from its return):")
    with tempfile.TemporaryDirectory(prefix="frostpress-recovery-bench-") as scratch:
        root = Path(scratch)
        env = make_site(root / "blog")
        with running_redis(redis) as server, ExitStack() as stack:
            shared = {**env, "REDIS_URL": server.url}
            a, b = (stack.enter_context(sidecar(shared, root / f"{n}.log")) for n in "ab")
            reader = Reader(b)
            writer = login(a)
            try:
                for seconds in (float(s) for s in args.outages.split(",")):
                    print(one_outage(server, a, b, reader, writer, seconds), flush=True)
            finally:
                reader.client.disconnect()
    return 0


if __name__ == "__main__":
    sys.exit(main())
