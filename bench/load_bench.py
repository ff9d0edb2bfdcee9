#!/usr/bin/env python3
"""The "front page" load run: nginx in front of two sidecar processes, PostgreSQL + Redis.

Starts, on loopback only, a throwaway PostgreSQL and Redis, two sidecar
processes with the production command (``sidecar.gunicorn_config.command``,
with the proxy settings production sets: TRUSTED_PROXIES=1, PUBLIC_URL,
TRUSTED_HOSTS) and nginx rendered from deploy/nginx.conf in front of them
(tests/servers/nginx.py). Seeds as bench/reads_bench.py does (a 50-comment
thread on ``hello``, 20,000 other comments, 64 load users with ``COMMENT_RATE``
raised through its setting). Every client speaks to nginx only. Then:

1. wrk -c64 for ``--phase-seconds`` each through nginx: thread GET, counts of 20
   posts, comment POST (session cookie + CSRF): req/s, p50/p99, 5xx, comments
   stored against 201s answered, the processes' CPU per request and the whole
   machine's (nginx, PostgreSQL, Redis and wrk as well: what bounds req/s on
   two cores). Each run is
   preceded by ``WARM_UP`` seconds of the same load, not counted: the first
   second of a fresh process (its database and Redis connections opened by
   64 requests at once, the first answers built) is not the steady state.
2. The mixed "front page" run for ``--duration`` seconds (``--quick``: 20 s,
   and 5 s wrk runs in phase 1; the client is bench/load_mixed.py):
   ``--readers`` websocket readers joined to ``hello`` (spread over both
   processes by nginx's ``ip_hash``), ``--views`` page views a second on a fixed
   schedule (open loop: each view = thread GET + counts + ``POST /api/views``,
   latency counted from when it was due, so a slow answer cannot slow the
   load), and one comment a second. Per request type: req/s, p50/p99, 5xx;
   socket delivery from each comment's 201 to each reader; comments stored
   against acknowledged; each process's CPU and sockets. Latency is also shown
   from when the client sent each request: the gap is the client's own lag.
3. One line per target: met / not met, and by how much.

nginx here plays the CDN as well as the sidecar's proxy: the load comes from
one machine, so the site file gets the lines deploy/nginx.conf documents for
known CDN addresses (``set_real_ip_from`` loopback, ``real_ip_header
X-Forwarded-For``) and each simulated reader sends an address of its own: the
per-address limits (thread reads, views, sign-ins) stay on and count per reader.
The harness's 1,024 ``worker_connections`` are raised too (each reader is two
connections in nginx). Figures depend on what else the machine runs: provisional.

    python bench/load_bench.py [--quick] [--duration 120] [--readers 2000]
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from contextlib import ExitStack
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from load_mixed import CONNECT_PHASE, SLUGS, Mixed
from loadkit import (
    REPO,
    THREAD_SLUG,
    WRITE_SLUG,
    WRK,
    group_cpu,
    machine_cpu,
    make_project,
    pct,
    seed,
    sidecar,
    sign_in,
    stored,
    wrk,
)

TARGETS = {  # issue 10: fast reads and writes, 2,000 readers per machine
    "thread GET req/s": 2000,
    "thread GET p99 ms": 50,
    "counts req/s": 2000,
    "comment POST req/s": 500,
    "readers joined": 2000,
    "delivery p99 ms": 500,
}


def trust_loopback_proxy(edge: Any) -> None:
    """The CDN lines of deploy/nginx.conf for loopback, more connections; reload."""
    conf = edge.scratch / "nginx.conf"
    conf.write_text(
        conf.read_text().replace("worker_connections 1024;", "worker_connections 16384;")
    )
    site = edge.site_conf.read_text()
    edge.site_conf.write_text(
        "set_real_ip_from 127.0.0.1;\nreal_ip_header X-Forwarded-For;\n" + site
    )
    before = edge.error_log.read_text(errors="replace").count("reconfiguring")
    edge.process.send_signal(signal.SIGHUP)
    deadline = time.monotonic() + 10
    while edge.error_log.read_text(errors="replace").count("reconfiguring") == before:
        if time.monotonic() > deadline:
            raise RuntimeError("nginx did not reload:\n" + edge.error_log.read_text()[-2000:])
        time.sleep(0.05)
    time.sleep(1.0)  # the old worker finishes; new connections reach the new one


def sockets_of(port: int) -> int:
    """Established TCP connections to a process's port (nginx's, mostly websockets);
    -1 without ``ss``."""
    if shutil.which("ss") is None:
        return -1
    done = subprocess.run(
        ["ss", "-Htn", "state", "established", f"( sport = :{port} )"],
        capture_output=True, text=True, timeout=10, check=False,
    )  # fmt: skip
    return len(done.stdout.splitlines())


def nginx_answers(edge: Any, request_line: str) -> dict[str, int]:
    """The statuses nginx logged for ``request_line`` ("POST /path"); 499: the
    client gave up (wrk stopping with requests in flight)."""
    text = edge.access_log.read_text(errors="replace")
    found: dict[str, int] = {}
    for status in re.findall(re.escape(f'"{request_line} ') + r'HTTP/[\d.]+" (\d{3})', text):
        found[status] = found.get(status, 0) + 1
    return found


WARM_UP = 2  # seconds of each phase-1 load before the measured run


def phase_one(
    edge: Any, host: str, args: Any, users_file: Path, pgids: list[int], db: str
) -> dict[str, Any]:
    url = edge.url
    figures: dict[str, dict[str, Any]] = {}
    runs = {
        "thread GET": ("get.lua", {"READS_PATH": f"/api/posts/{THREAD_SLUG}/comments"}),
        "counts x20": ("get.lua", {"READS_PATH": f"/api/counts?slugs={SLUGS}"}),
        "comment POST": ("post.lua", {"READS_USERS": str(users_file), "READS_SLUG": WRITE_SLUG}),
    }
    print(
        f"phase 1: wrk -c{args.connections} {args.phase_seconds}s each, through nginx "
        f"(after {WARM_UP} s of the same load, not counted)"
    )
    post_line = f"POST /api/posts/{WRITE_SLUG}/comments"
    for name, (script, env) in runs.items():
        wrk(url, script, WARM_UP, args.connections, timeout=10, READS_HOST=host, **env)
        time.sleep(WARM_UP)  # what the warm-up left in flight is stored (or not) by now
        already = stored(db, WRITE_SLUG)
        logged = nginx_answers(edge, post_line)
        used, busy = [group_cpu(p) for p in pgids], machine_cpu()
        found = wrk(
            url, script, args.phase_seconds, args.connections, timeout=10, READS_HOST=host, **env
        )
        cpu = [group_cpu(p) - u for p, u in zip(pgids, used, strict=True)]
        found["cpu_ms"] = sum(cpu) * 1000 / max(1, found["requests"])
        # Everything the request cost the machine: nginx, PostgreSQL, Redis, wrk too.
        found["machine_ms"] = (machine_cpu() - busy) * 1000 / max(1, found["requests"])
        # get.lua counts "5xx" (and "s503"...), post.lua each status ("503").
        status = found["status"]
        fivexx = sum(v for k, v in status.items() if k == "5xx" or (k.isdigit() and k[0] == "5"))
        line = (
            f"  {name:<13} {found['rps']:8.0f} req/s  p50 {found['p50_ms']:7.1f} ms  "
            f"p99 {found['p99_ms']:7.1f} ms  5xx {fivexx}  CPU {found['cpu_ms']:.2f} ms/req "
            f"(a {cpu[0]:.1f} s, b {cpu[1]:.1f} s; machine {found['machine_ms']:.2f} ms/req)"
        )
        if name == "comment POST":
            found["stored"] = stored(db, WRITE_SLUG) - already
            found["nginx"] = {
                k: v - logged.get(k, 0) for k, v in nginx_answers(edge, post_line).items()
            }
            line += f"  201s {found['status'].get('201', 0)} stored {found['stored']}"
            line += f"  (nginx logged {found['nginx']})"
        others = {
            k: v for k, v in status.items() if k.startswith("s") or (k.isdigit() and k != "201")
        }
        if others or found["errors"]:
            line += f"  other answers {others} {' '.join(found['errors'])}"
        print(line, flush=True)
        found["5xx"], found["connections"] = fivexx, args.connections
        figures[name] = found
    return figures


def phase_two(
    url: str, host: str, origin: str, users: list[str], args: Any, procs: list[Any], db: str
) -> dict[str, Any]:
    print(
        f"phase 2: mixed front page for {args.duration} s: {args.views} views/s "
        f"(thread GET + counts + beacon), {args.readers} readers, 1 comment/s"
    )

    def probe() -> tuple[list[int], list[float]]:
        return [sockets_of(p.port) for p in procs], [group_cpu(p.pgid) for p in procs]

    mixed = Mixed(url, host, origin, users, args, probe)
    before_stored = stored(db, THREAD_SLUG)
    wall = asyncio.run(asyncio.wait_for(mixed.run(), args.duration + CONNECT_PHASE + 180))
    out: dict[str, Any] = {"joined": mixed.joined, "wall": wall}
    print(
        f"  sockets per process at the start: a {mixed.at_start[0][0]}, b {mixed.at_start[0][1]}; "
        f"still open at the end {mixed.still_open} of {mixed.joined}"
    )
    print(
        "  client lag (start of a request after it was due): "
        f"p99 {pct(mixed.lag, 0.99) * 1000:.0f} ms"
    )
    fivexx = 0
    for kind, values in mixed.samples.items():
        counts = mixed.status[kind]
        bad = sum(v for k, v in counts.items() if k.startswith("5"))
        fivexx += bad
        p50, p99 = pct(values, 0.5) * 1000, pct(values, 0.99) * 1000
        # Answered (2xx) per second of the schedule: the rate the pages were served at.
        served = sum(v for k, v in counts.items() if k.startswith("2")) / args.duration
        out[kind] = {"rps": served, "p99_ms": p99}
        print(
            f"  {kind:<13} {served:7.1f} req/s  p50 {p50:7.1f} ms  p99 {p99:7.1f} ms  "
            f"(from sending: p99 {pct(mixed.from_sent[kind], 0.99) * 1000:.0f} ms)  "
            f"5xx {bad}  answers {dict(sorted(counts.items()))}"
        )
    # Are the slow reads the ones sent while a comment goes out to every socket?
    after: list[float] = []
    rest: list[float] = []
    for kind in ("thread GET", "counts x20", "view beacon"):
        for due, took in zip(mixed.dues.get(kind, []), mixed.samples.get(kind, []), strict=True):
            (after if (due - mixed.start - 0.25) % 1.0 < 0.5 else rest).append(took)
    if after and rest:
        print(
            f"  reads due within 0.5 s after a comment's POST: p99 {pct(after, 0.99) * 1000:.0f} ms"
            f" ({len(after)}); the other half second: p99 {pct(rest, 0.99) * 1000:.0f} ms"
        )
    delays = [
        max(0.0, t - acked) for c, acked in mixed.acked.items() for t in mixed.arrivals.get(c, [])
    ]
    expected = len(mixed.acked) * mixed.joined
    out["delivery p99 ms"] = pct(delays, 0.99) * 1000 if delays else float("inf")
    if delays:
        print(
            f"  delivery from the 201 to each reader: p50 {pct(delays, 0.5) * 1000:.0f} ms, "
            f"p99 {out['delivery p99 ms']:.0f} ms, max {max(delays) * 1000:.0f} ms; "
            f"{len(delays)} of {expected} deliveries"
        )
    out["stored"] = stored(db, THREAD_SLUG) - before_stored
    out["acked"] = len(mixed.acked)
    out["deliveries"] = (len(delays), expected)
    out["5xx"] = fivexx
    print(
        f"  comments acknowledged (201) {out['acked']}, stored {out['stored']}; 5xx in all {fivexx}"
    )
    for name, start, end in zip("ab", mixed.at_start[1], mixed.at_end[1], strict=True):
        print(
            f"  process {name}: CPU {end - start:.1f} s over {wall:.0f} s "
            f"({(end - start) / wall:.0%} of a core)"
        )
    return out


def verdicts(one: dict[str, Any], two: dict[str, Any]) -> list[str]:
    """One line per target: met or not, and by how much."""

    def line(name: str, value: float, target: float, *, at_most: bool = False) -> str:
        met = value <= target if at_most else value >= target
        by = (value - target) / target if target else 0.0
        unit = "ms" if "ms" in name else ""
        word = "met" if met else "NOT met"
        how = "<=" if at_most else ">="
        return f"  {name:<44} {value:9.1f}{unit:>3} target {how} {target:g}: {word} ({by:+.0%})"

    lines = [
        line("phase 1 thread GET req/s", one["thread GET"]["rps"], TARGETS["thread GET req/s"]),
        line(
            "phase 1 thread GET p99 ms",
            one["thread GET"]["p99_ms"],
            TARGETS["thread GET p99 ms"],
            at_most=True,
        ),
        line("phase 1 counts x20 req/s", one["counts x20"]["rps"], TARGETS["counts req/s"]),
        line(
            "phase 1 comment POST req/s", one["comment POST"]["rps"], TARGETS["comment POST req/s"]
        ),
        line(
            "phase 2 page views/s (thread GETs answered)",
            two.get("thread GET", {}).get("rps", 0),
            two["views"],
        ),
        line(
            "phase 2 thread GET p99 ms",
            two.get("thread GET", {}).get("p99_ms", float("inf")),
            TARGETS["thread GET p99 ms"],
            at_most=True,
        ),
        line("phase 2 readers joined", two["joined"], TARGETS["readers joined"]),
        line(
            "phase 2 delivery p99 ms",
            two["delivery p99 ms"],
            TARGETS["delivery p99 ms"],
            at_most=True,
        ),
    ]
    fivexx = sum(f["5xx"] for f in one.values()) + two["5xx"]
    lines.append(
        f"  {'5xx answers, both phases':<44} {fivexx:9d}    target 0: "
        + ("met" if not fivexx else "NOT met")
    )
    posted = one["comment POST"]
    acked, kept = posted["status"].get("201", 0), posted["stored"]
    word = "met" if kept >= acked else f"NOT met: {acked - kept} acknowledged comments missing"
    lines.append(
        f"  {'phase 1 comments stored >= 201s answered':<44} {kept:9d}    of {acked}: {word}"
        f" ({kept - acked} stored unanswered: in flight when wrk stopped, at most"
        f" {posted['connections']}, or given up after 10 s: {posted['timeouts']};"
        f" nginx logged {posted['nginx'].get('201', 0)} 201s"
        f" and {posted['nginx'].get('499', 0)} 499s, client gone)"
    )
    pairs = [("phase 2", two["acked"], two["stored"])]
    for label, acked, kept in pairs:
        word = "met" if acked == kept else f"NOT met ({kept - acked:+d})"
        lines.append(f"  {label + ' comments stored = 201s':<44} {kept:9d}    of {acked}: {word}")
    got, expected = two["deliveries"]
    word = "met" if got == expected else f"NOT met ({got - expected:+d})"
    lines.append(
        f"  {'phase 2 every reader got every comment':<44} {got:9d}    of {expected}: {word}"
    )
    return lines


class Proc:
    def __init__(self, served: Any) -> None:
        self.url = served.url
        self.port = int(served.url.rsplit(":", 1)[1])
        self.pgid = served.process.pid


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=int, default=120, help="seconds of the mixed run")
    parser.add_argument("--quick", action="store_true", help="20 s mixed run, 5 s wrk runs")
    parser.add_argument("--phase-seconds", type=int, default=10, help="each wrk run of phase 1")
    parser.add_argument("--connections", type=int, default=64)
    parser.add_argument("--readers", type=int, default=2000)
    parser.add_argument("--views", type=int, default=50, help="page views a second")
    parser.add_argument("--users", type=int, default=64)
    parser.add_argument("--others", type=int, default=20000)
    args = parser.parse_args()
    if args.quick:
        args.duration, args.phase_seconds = 20, 5
    logging.disable(logging.WARNING)
    from sidecar.models import Role
    from tests.servers import find_nginx, find_postgres, find_redis, running_postgres, running_redis
    from tests.servers.nginx import running_nginx
    from tests.sidecar.conftest import make_app, migrate_to
    from tests.sidecar.edge import HOST, production_settings
    from tests.sidecar.sidecars import ORIGIN, sidecar_env

    binaries, redis_binary, nginx = find_postgres(), find_redis(), find_nginx()
    if binaries is None or redis_binary is None or nginx is None or not Path(WRK).exists():
        print("load_bench skipped: needs PostgreSQL, redis-server, nginx and wrk")
        return 0
    with tempfile.TemporaryDirectory(prefix="frostpress-load-") as tmp, ExitStack() as stack:
        scratch = Path(tmp)
        pg = stack.enter_context(running_postgres(binaries))
        redis = stack.enter_context(running_redis(redis_binary))
        project = make_project(scratch)
        database = pg.create_database("load")
        migrate_to(make_app(project, database))
        users = [f"load{n}" for n in range(args.users)]
        env = sidecar_env(
            project, database, redis.url,
            users={name: Role.COMMENTER for name in users},
            MODERATION="first", COMMENT_RATE="1000000 per minute", **production_settings(),
        )  # fmt: skip
        seed(database, users, args.others)
        procs = [
            Proc(stack.enter_context(sidecar(REPO, env, scratch / f"{name}.log"))) for name in "ab"
        ]
        edge = stack.enter_context(running_nginx(nginx, HOST, [p.url[7:] for p in procs]))
        trust_loopback_proxy(edge)
        print(
            f"front page load: nginx -> 2 sidecar processes (gevent), PostgreSQL + Redis, "
            f"50-comment thread + {args.others} other comments (provisional: shared 2-core machine)"
        )
        lines = [sign_in(edge.url, name, n, host=HOST) for n, name in enumerate(users)]
        users_file = scratch / "users.tsv"
        users_file.write_text("".join(lines))
        one = phase_one(edge, HOST, args, users_file, [p.pgid for p in procs], database)
        two = phase_two(edge.url, HOST, ORIGIN, lines, args, procs, database)
        two["views"] = args.views
        print("targets:")
        for line in verdicts(one, two):
            print(line)
        for name in "ab":
            log = (scratch / f"{name}.log").read_text(errors="replace")
            errors = [
                x
                for x in log.splitlines()
                if '"level": "ERROR"' in x or '"level": "CRITICAL"' in x or "Traceback" in x
            ]
            if errors:
                print(f"process {name} logged {len(errors)} errors, first: {errors[0][:300]}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
