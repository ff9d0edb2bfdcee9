#!/usr/bin/env python3
"""Search latency over 1000 generated posts, on SQLite (FTS5) and PostgreSQL.

Generates the seeded corpus (bench/synth.py), indexes it through the sidecar's
Search service (timing the first full index), then times queries of one, two
and three words drawn from the corpus, each as a reader would send it, through
the JSON API (``GET /api/search?q=``) in a test client: median and p95. PostgreSQL
runs when its server binaries are installed (a throwaway cluster).

    python bench/search_bench.py [--posts 1000] [--queries 300]
"""

from __future__ import annotations

import argparse
import logging
import random
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "bench"))


def queries(root: Path, n: int, seed: int = 7) -> list[str]:
    """Words from the corpus itself, so most queries find something."""
    rng = random.Random(seed)
    words = [
        w.strip(".,;:!?()[]`*#\"'").lower()
        for p in sorted((root / "content" / "posts").glob("*.md"))[:200]
        for w in p.read_text().split()
    ]
    words = [w for w in words if w.isalpha() and len(w) > 3]
    return [" ".join(rng.sample(words, rng.choice((1, 2, 3)))) for _ in range(n)]


def run(label: str, database_url: str, root: Path, asked: list[str]) -> None:
    from flask_migrate import upgrade

    from sidecar import create_app, deps

    app = create_app(
        {"RATELIMIT_ENABLED": False, "SOCKETIO_MESSAGE_QUEUE": None},
        environ={
            "FROSTPRESS_ROOT": str(root),
            "DATABASE_URL": database_url,
            "SIDECAR_ENV": "testing",
            "SECRET_KEY": "s" * 40,
        },
    )
    with app.app_context():
        upgrade()
        posts = len(deps.catalog().index().posts)  # load and render first: not search
        started = time.perf_counter()
        indexed = deps.search().sync()
        build = time.perf_counter() - started
    client = app.test_client()
    times, found = [], 0
    for query in asked:
        started = time.perf_counter()
        response = client.get("/api/search", query_string={"q": query})
        times.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, response.get_data(as_text=True)
        found += response.get_json()["total"] > 0
    ordered = sorted(times)
    p95 = ordered[int(len(ordered) * 0.95) - 1]
    print(
        f"{label:<11} {posts} posts: first index {build:5.2f} s ({indexed} documents); "
        f"query median {statistics.median(ordered):5.2f} ms, p95 {p95:5.2f} ms "
        f"({len(asked)} queries, {found} found something)"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--posts", type=int, default=1000)
    parser.add_argument("--queries", type=int, default=300)
    args = parser.parse_args()
    logging.disable(logging.WARNING)
    import synth

    from tests.servers import find_postgres, running_postgres

    with tempfile.TemporaryDirectory(prefix="frostpress-search-bench-") as scratch:
        root = Path(scratch) / "blog"
        synth.generate(root, args.posts, seed=1234)
        shutil.copytree(REPO / "site", root / "site")
        (root / "node_modules").symlink_to(REPO / "node_modules")
        asked = queries(root, args.queries)
        print(f"search over {args.posts} posts (JSON API, test client, this machine):")
        run("SQLite", f"sqlite:///{scratch}/bench.sqlite3", root, asked)
        binaries = find_postgres()
        if binaries is None:
            print("PostgreSQL  skipped: no server binaries installed")
            return 0
        with running_postgres(binaries) as server:
            run("PostgreSQL", server.create_database("bench"), root, asked)
    return 0


if __name__ == "__main__":
    sys.exit(main())
