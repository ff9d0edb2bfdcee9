#!/usr/bin/env python3
"""Build benchmarks: prints figures, asserts nothing.

For each size N (default 1000 and 5000 generated posts, see synth.py):

- cold:      ``frostpress build`` with no build/ and no cache
- no change: ``frostpress build`` again
- edit one:  ``frostpress build`` after editing one post's body
- watcher:   in one process kept warm (as ``make dev``), the time from saving
             a post to its new page being live in build/

Each figure is the median of several runs, with pages per second and the
peak memory of the whole process tree (RSS summed over the build process and
its workers, sampled every 10 ms).

    python bench/build_bench.py [--sizes 1000 5000] [--runs 3] [--dir DIR]
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(REPO))

import synth  # noqa: E402

PAGE_SIZE = os.sysconf("SC_PAGE_SIZE")


def _tree_rss(root_pid: int) -> int:
    """Resident memory of a process and all its descendants, in bytes."""
    children: dict[int, list[int]] = {}
    rss: dict[int, int] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", "rb") as handle:
                fields = handle.read().rsplit(b")", 1)[1].split()
        except OSError:
            continue
        pid = int(entry)
        children.setdefault(int(fields[1]), []).append(pid)
        rss[pid] = int(fields[21]) * PAGE_SIZE
    total, stack = 0, [root_pid]
    while stack:
        pid = stack.pop()
        total += rss.get(pid, 0)
        stack.extend(children.get(pid, []))
    return total


class PeakMemory:
    """Samples the RSS of a process tree in a thread until stopped."""

    def __init__(self, pid: int, interval: float = 0.01) -> None:
        self.pid, self.interval, self.peak = pid, interval, 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.is_set():
            self.peak = max(self.peak, _tree_rss(self.pid))
            self._stop.wait(self.interval)

    def __enter__(self) -> PeakMemory:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()


def cli_build(root: Path) -> tuple[float, int]:
    """Run ``frostpress build``; return (seconds, peak tree RSS in bytes)."""
    started = time.perf_counter()
    process = subprocess.Popen(
        [sys.executable, "-m", "frostpress", "build", "-q", "--root", str(root)], cwd=root
    )
    with PeakMemory(process.pid) as memory:
        code = process.wait()
    elapsed = time.perf_counter() - started
    if code != 0:
        raise SystemExit(f"frostpress build failed in {root} (exit {code})")
    return elapsed, memory.peak


def count_pages(root: Path) -> int:
    return sum(1 for p in (root / "build").rglob("*") if p.is_file())


def watcher_latency(root: Path, posts: list[Path], runs: int) -> list[float]:
    """Save a post, wait until its page in build/ shows the change."""
    from frostpress.config import load_config
    from frostpress.dev.server import DevSite
    from frostpress.dev.watch import Watcher

    config = load_config(root)
    dev = DevSite(config, echo=lambda _text: None)
    dev.rebuild()
    watcher = Watcher([config.content_dir, config.site_dir], dev.rebuild)
    watcher.start()
    time.sleep(0.5)
    timings = []
    try:
        for run in range(runs):
            post = posts[(len(posts) // 3 + 7 * run) % len(posts)]
            slug = synth_slug(post)
            page = config.output_dir / "posts" / slug / "index.html"
            marker = f"watch-{run}-{time.monotonic_ns()}"
            started = time.perf_counter()
            synth.edit_post(post, marker)
            deadline = started + 30
            while True:
                try:
                    if marker.encode() in page.read_bytes():
                        break
                except OSError:
                    pass
                if time.perf_counter() > deadline:
                    raise SystemExit(f"watcher never rebuilt {page}")
                time.sleep(0.001)
            timings.append(time.perf_counter() - started)
            time.sleep(0.3)
    finally:
        watcher.stop()
    return timings


def synth_slug(path: Path) -> str:
    from frostpress.content.slugs import slug_from_filename

    return slug_from_filename(path.stem)


def median_of(
    runs: int,
    action: Callable[[], tuple[float, int]],
    before: Callable[[int], None] = lambda _run: None,
) -> tuple[float, int, list[float]]:
    times, peaks = [], []
    for run in range(runs):
        before(run)
        seconds, peak = action()
        times.append(seconds)
        peaks.append(peak)
    return statistics.median(times), max(peaks), times


def bench_size(n: int, runs: int, workdir: Path) -> list[tuple[str, float, int, int]]:
    root = workdir / f"site-{n}"
    shutil.rmtree(root, ignore_errors=True)
    posts = synth.generate(root, n, seed=1234)
    shutil.copytree(REPO / "site", root / "site")
    (root / "node_modules").symlink_to(REPO / "node_modules")
    rows: list[tuple[str, float, int, int]] = []

    def clean(_run: int) -> None:
        shutil.rmtree(root / "build", ignore_errors=True)
        shutil.rmtree(root / ".cache", ignore_errors=True)

    cold, peak, _ = median_of(runs, lambda: cli_build(root), clean)
    pages = count_pages(root)
    rows.append(("cold build", cold, pages, peak))
    nochange, peak, _ = median_of(max(runs, 5), lambda: cli_build(root))
    rows.append(("rebuild, no change", nochange, pages, peak))

    def edit(run: int) -> None:
        synth.edit_post(posts[(len(posts) // 2 + run) % len(posts)], f"cli-edit-{run}")

    edited, peak, _ = median_of(max(runs, 5), lambda: cli_build(root), edit)
    rows.append(("rebuild, one post edited (CLI)", edited, pages, peak))
    latencies = watcher_latency(root, posts, max(runs, 7))
    rows.append(("watcher: save to page live", statistics.median(latencies), pages, 0))
    return rows


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 5000])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--dir", type=Path, help="work directory (default: a temp dir)")
    args = parser.parse_args()
    workdir = args.dir or Path(tempfile.mkdtemp(prefix="frostpress-bench-"))
    workdir.mkdir(parents=True, exist_ok=True)
    print(
        f"frostpress build benchmark: {os.cpu_count()} cores, Python "
        f"{sys.version.split()[0]}, median of {args.runs}+ runs, work dir {workdir}"
    )
    results: dict[int, list[tuple[str, float, int, int]]] = {}
    try:
        for n in args.sizes:
            results[n] = bench_size(n, args.runs, workdir)
            print(f"\nN = {n} posts ({results[n][0][2]} files in build/)")
            print(f"  {'scenario':34} {'seconds':>8} {'pages/s':>9} {'peak MB':>8}")
            for name, seconds, pages, peak in results[n]:
                memory = f"{peak / 2**20:8.0f}" if peak else f"{'-':>8}"
                print(f"  {name:34} {seconds:8.3f} {pages / seconds:9.0f} {memory}")
        if len(results) > 1:
            small, large = min(results), max(results)
            print(f"\nScaling {small} → {large} posts ({large / small:.0f}x):")
            for (name, a, _, _), (_, b, _, _) in zip(results[small], results[large], strict=True):
                print(f"  {name:34} {b / a:5.1f}x the time")
    finally:
        if args.dir is None:
            shutil.rmtree(workdir, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
