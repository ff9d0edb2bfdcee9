"""Phase 2 of bench/load_bench.py: the "front page" client, in one asyncio loop.

Websocket readers joined to the thread (each from an address of its own, so
nginx's ``ip_hash`` spreads them over the processes), page views on a fixed
schedule (open loop: latency counts from when a request was due, so a slow
answer never slows the load down), one comment a second from the load users'
sessions, and when each comment's ``comment:new`` reached each reader.
"""

from __future__ import annotations

import asyncio
import random
import time
from collections.abc import Callable
from typing import Any

from loadkit import OTHER_SLUGS, THREAD_SLUG, USER_AGENT, Reader, reader_address

CONNECT_PHASE = 120  # seconds for every reader to connect and join
SLUGS = ",".join([THREAD_SLUG, *OTHER_SLUGS])


class Mixed:
    """Phase 2's client: readers, the paced page views and the comments, one loop."""

    def __init__(
        self,
        url: str,
        host: str,
        origin: str,
        users: list[str],
        args: Any,
        probe: Callable[[], Any] = lambda: None,
    ) -> None:
        """``probe()`` is called when the readers are in and the load starts, and
        when it ends (the processes' CPU and sockets): ``at_start``, ``at_end``."""
        self.url, self.host, self.origin, self.args = url, host, origin, args
        self.probe = probe
        self.at_start: Any = None
        self.at_end: Any = None
        self.users = [line.rstrip("\n").split("\t") for line in users]
        self.samples: dict[str, list[float]] = {}
        self.dues: dict[str, list[float]] = {}
        self.from_sent: dict[str, list[float]] = {}
        self.start = 0.0
        self.status: dict[str, dict[str, int]] = {}
        self.lag: list[float] = []
        self.arrivals: dict[int, list[float]] = {}
        self.acked: dict[int, float] = {}
        self.readers: list[Reader] = []
        self.failed: list[str] = []

    def note(self, kind: str, started: float, sent: float, status: str) -> None:
        """One answer: latency from when it was due (``samples``) and from when
        this client got round to sending it (``from_sent``)."""
        now = time.perf_counter()
        self.samples.setdefault(kind, []).append(now - started)
        self.from_sent.setdefault(kind, []).append(now - sent)
        self.dues.setdefault(kind, []).append(started)
        counts = self.status.setdefault(kind, {})
        counts[status] = counts.get(status, 0) + 1

    async def request(
        self, http: Any, kind: str, due: float, method: str, path: str, **kw: Any
    ) -> tuple[int | None, Any]:
        headers = {"Host": self.host, "Origin": self.origin, **kw.pop("headers", {})}
        sent = time.perf_counter()
        try:
            async with http.request(method, self.url + path, headers=headers, **kw) as answer:
                await answer.read()
                self.note(kind, due, sent, str(answer.status))
                return answer.status, answer
        except Exception as exc:  # counted and reported, not fatal
            self.note(kind, due, sent, type(exc).__name__)
            return None, None

    async def view(self, http: Any, n: int, due: float) -> None:
        self.lag.append(time.perf_counter() - due)
        who = {"X-Forwarded-For": reader_address(5000 + random.randrange(100_000))}
        thread = f"/api/posts/{THREAD_SLUG}/comments"
        await asyncio.gather(
            self.request(http, "thread GET", due, "GET", thread, headers=who),
            self.request(http, "counts x20", due, "GET", f"/api/counts?slugs={SLUGS}", headers=who),
            self.request(
                http, "view beacon", due, "POST", "/api/views",
                json={"path": f"/posts/{THREAD_SLUG}/", "referrer": ""}, headers=who,
            ),
        )  # fmt: skip

    async def comment(self, http: Any, n: int, due: float) -> None:
        cookie, token, address = self.users[n % len(self.users)]
        headers = {
            "Cookie": cookie, "X-CSRFToken": token, "X-Forwarded-For": address,
            "User-Agent": USER_AGENT, "Idempotency-Key": f"load-{n:08d}-{random.randrange(10**9)}",
        }  # fmt: skip
        body = {"body": f"Front page comment {n} with *emphasis*."}
        status, answer = await self.request(
            http, "comment POST", due, "POST", f"/api/posts/{THREAD_SLUG}/comments",
            json=body, headers=headers,
        )  # fmt: skip
        if status == 201:
            acked_at = time.perf_counter()
            self.acked[(await answer.json())["id"]] = acked_at

    async def connect_readers(self, session: Any) -> float:
        gate = asyncio.Semaphore(100)
        started = time.perf_counter()

        async def one(n: int) -> None:
            reader = Reader(
                self.arrivals,
                origin=self.origin,
                headers={"Host": self.host, "X-Forwarded-For": reader_address(n)},
            )
            async with gate:
                try:
                    await asyncio.wait_for(reader.open(session, self.url), 15)
                    self.readers.append(reader)
                except Exception as exc:
                    self.failed.append(f"{type(exc).__name__}: {exc}"[:120])
                    await reader.close()

        tasks = [asyncio.create_task(one(n)) for n in range(self.args.readers)]
        _, late = await asyncio.wait(tasks, timeout=CONNECT_PHASE)
        for task in late:
            task.cancel()
        self.failed += ["not joined within the connect phase"] * len(late)
        return time.perf_counter() - started

    async def run(self) -> float:
        import aiohttp

        jar = aiohttp.DummyCookieJar()
        sockets = aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=0), cookie_jar=jar)
        http = aiohttp.ClientSession(
            connector=aiohttp.TCPConnector(limit=256),
            cookie_jar=jar,
            timeout=aiohttp.ClientTimeout(total=30),
        )
        async with sockets, http:
            took = await self.connect_readers(sockets)
            print(f"  readers joined: {len(self.readers)} of {self.args.readers} in {took:.1f} s")
            if self.failed:
                print(f"  readers failed: {len(self.failed)}, e.g. {sorted(set(self.failed))[:3]}")
            self.joined = len(self.readers)
            self.at_start = self.probe()
            tasks: list[asyncio.Task[None]] = []
            start = self.start = time.perf_counter() + 0.5
            views = int(self.args.views * self.args.duration)
            schedule = [(start + n / self.args.views, self.view, n) for n in range(views)]
            schedule += [(start + 0.25 + n, self.comment, n) for n in range(self.args.duration)]
            for due, what, n in sorted(schedule, key=lambda item: item[0]):
                await asyncio.sleep(max(0.0, due - time.perf_counter()))
                tasks.append(asyncio.create_task(what(http, n, due)))
            await asyncio.wait(tasks, timeout=60)
            wall = time.perf_counter() - start
            deadline = time.perf_counter() + 10  # the last comments reach everyone
            while time.perf_counter() < deadline and any(
                len(self.arrivals.get(c, [])) < self.joined for c in self.acked
            ):
                await asyncio.sleep(0.05)
            self.still_open = sum(r.open_now for r in self.readers)
            self.at_end = self.probe()
            await asyncio.gather(*(r.close() for r in self.readers), return_exceptions=True)
        return wall
