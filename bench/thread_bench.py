#!/usr/bin/env python3
"""Reading one page of a long comment thread, on SQLite and PostgreSQL.

Fills one post with ``--roots`` top-level comments, each with ``--replies``
replies (one a reply to the other), then times ``GET
/api/posts/<slug>/comments`` as a reader's widget sends it (the newest page,
a page in the middle, the oldest-first default) through the JSON API in a test
client: median and p95 over ``--runs`` requests, with the answer's size. The
same figures for a thread a tenth as long show whether a page's cost follows
the page or the thread. PostgreSQL runs when its server binaries are installed
(a throwaway cluster).

    python bench/thread_bench.py [--roots 2000] [--replies 2] [--runs 50]
"""

from __future__ import annotations

import argparse
import logging
import statistics
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))


def fill(app: object, slug: str, roots: int, replies: int) -> int:
    """``roots`` top-level comments with ``replies`` chained replies each, inserted
    in bulk (rendering is not what is measured)."""
    from sqlalchemy import insert

    from sidecar.database import now_utc
    from sidecar.extensions import db
    from sidecar.models import Comment, User

    with app.app_context():  # type: ignore[attr-defined]
        user = User(email=f"{slug}@example.org", username=slug, password_hash="x")
        db.session.add(user)
        db.session.commit()
        start = now_utc() - timedelta(days=30)
        made = 0
        for n in range(roots):
            at = start + timedelta(seconds=n * 10)
            row = {
                "post_slug": slug,
                "author_id": user.id,
                "status": "approved",
                "created_at": at,
                "updated_at": at,
            }
            parent = db.session.execute(
                insert(Comment).returning(Comment.id),
                [{**row, "depth": 0, "body_source": "x", "body_html": f"<p>topic {n}</p>"}],
            ).scalar_one()
            for depth in range(1, replies + 1):
                at = at + timedelta(seconds=1)
                parent = db.session.execute(
                    insert(Comment).returning(Comment.id),
                    [
                        {
                            **row,
                            "parent_id": parent,
                            "depth": depth,
                            "created_at": at,
                            "updated_at": at,
                            "body_source": "x",
                            "body_html": f"<p>reply {depth} to {n}</p>",
                        }
                    ],
                ).scalar_one()
            made += 1 + replies
        db.session.commit()
    return made


def timed(client: object, path: str, runs: int) -> tuple[float, float, int, int]:
    times, size, items = [], 0, 0
    for _ in range(runs):
        started = time.perf_counter()
        response = client.get(path)  # type: ignore[attr-defined]
        times.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, response.get_data(as_text=True)[:300]
        size, items = len(response.get_data()), len(response.get_json()["items"])
    ordered = sorted(times)
    return statistics.median(ordered), ordered[int(len(ordered) * 0.95) - 1], size, items


def run(label: str, database_url: str, root: Path, roots: int, replies: int, runs: int) -> None:
    from flask_migrate import upgrade

    from sidecar import create_app

    app = create_app(
        {"RATELIMIT_ENABLED": False, "SOCKETIO_MESSAGE_QUEUE": None, "MODERATION": "none"},
        environ={
            "FROSTPRESS_ROOT": str(root),
            "DATABASE_URL": database_url,
            "SIDECAR_ENV": "testing",
            "SECRET_KEY": "s" * 40,
        },
    )
    with app.app_context():
        upgrade()
    client = app.test_client()
    for slug, size in (("short", max(1, roots // 10)), ("long", roots)):
        total = fill(app, slug, size, replies)
        pages = -(-size // 50)
        for name, query in (
            ("newest page", "?order=newest"),
            ("middle page", f"?page={max(1, pages // 2)}"),
            ("first page", ""),
        ):
            median, p95, size_bytes, items = timed(
                client, f"/api/posts/{slug}/comments{query}", runs
            )
            print(
                f"{label:<11} {total:>6} comments, {name:<12}: median {median:6.2f} ms, "
                f"p95 {p95:6.2f} ms, {items} items, {size_bytes / 1024:6.1f} KiB"
            )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--roots", type=int, default=2000)
    parser.add_argument("--replies", type=int, default=2)
    parser.add_argument("--runs", type=int, default=50)
    args = parser.parse_args()
    logging.disable(logging.WARNING)
    from tests.conftest import Project
    from tests.servers import find_postgres, running_postgres

    with tempfile.TemporaryDirectory(prefix="frostpress-thread-bench-") as scratch:
        project = Project(Path(scratch) / "blog")
        project.post(title="Short thread", slug="short")
        project.post(title="Long thread", slug="long")
        print(f"one page of a thread (JSON API, test client, {args.runs} runs, this machine):")
        run("SQLite", f"sqlite:///{scratch}/bench.sqlite3", project.root, *_sizes(args))
        binaries = find_postgres()
        if binaries is None:
            print("PostgreSQL  skipped: no server binaries installed")
            return 0
        with running_postgres(binaries) as server:
            run("PostgreSQL", server.create_database("bench"), project.root, *_sizes(args))
    return 0


def _sizes(args: argparse.Namespace) -> tuple[int, int, int]:
    return args.roots, args.replies, args.runs


if __name__ == "__main__":
    sys.exit(main())
