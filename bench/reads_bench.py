#!/usr/bin/env python3
"""Reads (and writes) of comments under load: one gunicorn sidecar on PostgreSQL + Redis.

Starts a throwaway PostgreSQL and Redis, seeds a 50-comment thread on one post,
a few comments on each of 19 more, and ``--others`` comments on 400 posts
nobody reads here, starts one sidecar process as the
tests do (tests/sidecar/sidecars.py ``sidecar_server``), signs in ``--users``
load users, then runs wrk (``-c --connections``, ``--duration`` seconds each):

- the thread GET (``/api/posts/hello/comments``) from many reader addresses
  (X-Forwarded-For through one trusted proxy, so ``THREAD_RATE`` counts per
  address as it does for real readers; it stays on);
- the counts of 20 posts (``/api/counts?slugs=...``);
- new comments from the load users (session cookie, CSRF token, sanitising,
  moderation ``first`` with trusted users, live events through Redis), with
  ``COMMENT_RATE`` raised for them through its setting, never switched off.

Prints req/s, p50/p99 latency, 5xx answers, other non-2xx answers, and for the
POSTs the comments stored against the 201s answered; then EXPLAIN ANALYZE of
the thread and counts queries on the seeded PostgreSQL database. ``--code``
runs the same harness against another checkout (e.g. the code before a change,
``--code before=/path/to/checkout``); ``--repeats`` gives medians. Figures are
from whatever else the machine is doing at the time: provisional.

    python bench/reads_bench.py [--code after=.] [--duration 10] [--repeats 3]
"""

from __future__ import annotations

import argparse
import logging
import os
import statistics
import sys
import tempfile
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from loadkit import (
    OTHER_SLUGS,
    REPO,
    THREAD_SLUG,
    WRITE_SLUG,
    WRK,
    group_cpu,
    make_project,
    seed,
    sidecar,
    sign_in,
    stored,
    wrk,
)


def explain(database_url: str, project: Any) -> None:
    """EXPLAIN ANALYZE of the statements one thread GET and one counts GET send."""
    from sqlalchemy import event

    from sidecar.extensions import db
    from tests.sidecar.conftest import make_app

    app = make_app(project, database_url)
    seen: list[tuple[str, Any]] = []

    def record(_c: Any, _cur: Any, statement: str, params: Any, *_a: Any) -> None:
        if "comments" in statement and statement.lstrip().upper().startswith(("SELECT", "WITH")):
            seen.append((statement, params))

    client = app.test_client()
    with app.app_context():
        event.listen(db.engine, "before_cursor_execute", record)
        client.get(f"/api/posts/{THREAD_SLUG}/comments")
        client.get("/api/counts?slugs=" + ",".join([THREAD_SLUG, *OTHER_SLUGS]))
        event.remove(db.engine, "before_cursor_execute", record)
        with db.engine.connect() as conn:
            for statement, params in seen:
                sqlite = conn.dialect.name == "sqlite"
                how = "EXPLAIN QUERY PLAN " if sqlite else "EXPLAIN ANALYZE "
                plan = conn.exec_driver_sql(how + statement, params).all()
                print("  " + " ".join(statement.split())[:110] + " ...")
                for line in plan:
                    print("     " + (line[-1] if sqlite else line[0]))
        db.engine.dispose()


def explain_sqlite(scratch: Path, others: int, redis_url: str) -> None:
    """The same statements' plans on SQLite (make dev), seeded alike."""
    from sidecar.models import Role
    from tests.sidecar.conftest import make_app, migrate_to
    from tests.sidecar.sidecars import sidecar_env

    where = scratch / "sqlite"
    where.mkdir()
    project = make_project(where)
    url = f"sqlite:///{where / 'reads.sqlite3'}"
    migrate_to(make_app(project, url))
    sidecar_env(project, url, redis_url, users={"load0": Role.COMMENTER})
    seed(url, ["load0"], others)
    print(f"EXPLAIN QUERY PLAN on SQLite ({others} other comments):")
    explain(url, project)


def run_once(
    label: str, code: Path, args: argparse.Namespace, pg: Any, redis_url: str, scratch: Path
) -> dict[str, dict[str, Any]]:
    scratch = scratch / f"{label}-{len(os.listdir(scratch))}"
    scratch.mkdir()
    from tests.sidecar.conftest import make_app, migrate_to
    from tests.sidecar.sidecars import sidecar_env

    project = make_project(scratch)
    database = pg.create_database(f"reads_{scratch.name.replace('-', '_')}")
    migrate_to(make_app(project, database))
    users = [f"load{n}" for n in range(args.users)]
    from sidecar.models import Role

    env = sidecar_env(
        project,
        database,
        redis_url,
        users={name: Role.COMMENTER for name in users},
        MODERATION="first",
        TRUSTED_PROXIES="1",
        COMMENT_RATE="1000000 per minute",
    )
    seed(database, users, args.others)
    figures: dict[str, dict[str, Any]] = {}
    with sidecar(code, env, scratch / f"{label}.log") as served:
        url, pgid = served.url, served.process.pid
        users_file = scratch / f"{label}-users.tsv"
        users_file.write_text("".join(sign_in(url, name, n) for n, name in enumerate(users)))
        slugs = ",".join([THREAD_SLUG, *OTHER_SLUGS])
        seconds, conns = args.duration, args.connections
        thread = f"/api/posts/{THREAD_SLUG}/comments"

        def measured(script: str, **env: str) -> dict[str, Any]:
            used = group_cpu(pgid)
            found = wrk(url, script, seconds, conns, timeout=2, **env)
            found["cpu_ms"] = (group_cpu(pgid) - used) * 1000 / max(1, found["requests"])
            return found

        figures["thread GET"] = measured("get.lua", READS_PATH=thread)
        figures["counts x20"] = measured("get.lua", READS_PATH=f"/api/counts?slugs={slugs}")
        posted = measured("post.lua", READS_USERS=str(users_file), READS_SLUG=WRITE_SLUG)
        posted["stored"] = stored(database, WRITE_SLUG)
        figures["comment POST"] = posted
    if args.explain and label == args.code[-1].split("=")[0]:
        print(f"EXPLAIN ANALYZE on PostgreSQL ({label}; {args.others} other comments):")
        explain(database, project)
    return figures


def summary(label: str, name: str, runs: list[dict[str, Any]]) -> str:
    def med(key: str) -> float:
        return float(statistics.median(r[key] for r in runs))

    fivexx = sum(v for r in runs for k, v in r["status"].items() if k == "5xx")
    other = sum(
        v for r in runs for k, v in r["status"].items() if k.startswith("s") or k in ("4xx",)
    )
    line = (
        f"{label:<7} {name:<13} {med('rps'):8.0f} req/s  p50 {med('p50_ms'):7.1f} ms  "
        f"p99 {med('p99_ms'):7.1f} ms  sidecar CPU {med('cpu_ms'):5.2f} ms/req  5xx {fivexx}"
    )
    if name == "comment POST":
        created = [r["status"].get("201", 0) for r in runs]
        rest = {k: v for r in runs for k, v in r["status"].items() if k != "201"}
        line += f"  201s {created} stored {[r['stored'] for r in runs]}  others {rest}"
    elif other:
        line += f"  non-200/304 {other}"
    return line


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--code", action="append", default=None, help="label=checkout")
    parser.add_argument("--duration", type=int, default=10)
    parser.add_argument("--connections", type=int, default=64)
    parser.add_argument("--repeats", type=int, default=1)
    parser.add_argument("--users", type=int, default=64)
    parser.add_argument("--others", type=int, default=20000)
    parser.add_argument("--no-explain", dest="explain", action="store_false")
    args = parser.parse_args()
    args.code = args.code or [f"after={REPO}"]
    logging.disable(logging.WARNING)
    from tests.servers import find_postgres, find_redis, running_postgres, running_redis

    binaries, redis_binary = find_postgres(), find_redis()
    if binaries is None or redis_binary is None or not Path(WRK).exists():
        print("reads_bench skipped: needs PostgreSQL, redis-server and wrk")
        return 0
    results: dict[str, dict[str, list[dict[str, Any]]]] = {}
    with (
        tempfile.TemporaryDirectory(prefix="frostpress-reads-") as tmp,
        running_postgres(binaries) as pg,
        running_redis(redis_binary) as redis,
    ):
        scratch = Path(tmp)
        for repeat in range(args.repeats):
            for spec in args.code:  # interleaved, so drift hits every variant alike
                label, _, where = spec.partition("=")
                with redis.client() as client:
                    client.flushall()
                explain_now, args.explain = args.explain, args.explain and not repeat
                found = run_once(label, Path(where).resolve(), args, pg, redis.url, scratch)
                args.explain = explain_now
                for name, figures in found.items():
                    results.setdefault(label, {}).setdefault(name, []).append(figures)
        if args.explain:
            explain_sqlite(scratch, args.others, redis.url)
    print(
        f"reads under load: one gunicorn process, PostgreSQL + Redis, wrk -c{args.connections} "
        f"{args.duration}s, 50-comment thread + {args.others} other comments, "
        f"median of {args.repeats} (provisional: shared machine)"
    )
    for label, by_name in results.items():
        for name, runs in by_name.items():
            print(summary(label, name, runs))
    return 0


if __name__ == "__main__":
    sys.exit(main())
