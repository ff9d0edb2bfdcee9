"""Scheduled posts publish themselves: when a post held back for its date comes due,
the sidecar asks for one rebuild (the build hook)."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

from sidecar.services.rebuild import DueRebuild, Outcome
from tests.conftest import Project
from tests.sidecar.conftest import make_app
from tests.sidecar.manifest_server import serving_manifest
from tests.sidecar.test_manifest import manifest_of, wait_for

DUE = datetime(2026, 5, 1, 12, 0, tzinfo=UTC)


class FakeCatalog:
    def __init__(self, due: datetime | None) -> None:
        self.due = due

    def next_due(self) -> datetime | None:
        return self.due


def watcher(
    due: datetime | None, results: list[bool], now: list[datetime]
) -> tuple[DueRebuild, list[bool]]:
    """The watch over a catalog whose next post is due at ``due``, and the builds it asked for."""
    calls: list[bool] = []

    def build() -> Outcome:
        ok = results[len(calls)] if len(calls) < len(results) else True
        calls.append(ok)
        return Outcome(ok, "build hook answered 200" if ok else "build hook answered 500", "")

    watch = DueRebuild(FakeCatalog(due), build, clock=lambda: now[0])  # type: ignore[arg-type]
    return watch, calls


def test_nothing_is_asked_for_before_the_post_is_due() -> None:
    now = [DUE - timedelta(minutes=1)]
    watch, calls = watcher(DUE, [], now)
    assert watch.check() is None
    assert calls == []


def test_one_rebuild_is_asked_for_once_it_is_due() -> None:
    now = [DUE + timedelta(seconds=1)]
    watch, calls = watcher(DUE, [], now)
    outcome = watch.check()
    assert outcome is not None and outcome.ok
    assert watch.check() is None
    assert calls == [True]


def test_a_failed_rebuild_is_asked_for_again() -> None:
    now = [DUE + timedelta(seconds=1)]
    watch, calls = watcher(DUE, [False, True], now)
    assert watch.check() is not None
    assert watch.check() is not None
    assert watch.check() is None
    assert calls == [False, True]


def test_nothing_scheduled_nothing_asked() -> None:
    watch, calls = watcher(None, [], [DUE])
    assert watch.check() is None
    assert calls == []


@pytest.fixture
def build_hook() -> Iterator[tuple[str, list[bytes]]]:
    """A Netlify build hook on loopback that records each POST."""
    received: list[bytes] = []

    class Hook(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            received.append(self.rfile.read(int(self.headers.get("Content-Length", "0"))))
            self.send_response(200)
            self.end_headers()

        def log_message(self, *_args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Hook)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/build_hooks/abc", received
    finally:
        server.shutdown()
        server.server_close()


def test_a_sidecar_reading_the_manifest_calls_the_build_hook_when_a_post_comes_due(
    blog: Project,
    tmp_path: Any,
    sqlite_database_url: str,
    build_hook: tuple[str, list[bytes]],
) -> None:
    document = json.loads(manifest_of(blog))
    document["next_due"] = "2026-01-01T00:00:00+00:00"  # passed: the cron build is late
    hook_url, received = build_hook
    with serving_manifest(json.dumps(document).encode()) as site:
        app = make_app(
            Project(tmp_path / "host"),
            sqlite_database_url,
            SITE_MANIFEST_URL=site.url,
            MANIFEST_REFRESH_SECONDS=0,
            BUILD_HOOK_URL=hook_url,
            SCHEDULED_REBUILD_SECONDS=0.1,
        )
        client = app.test_client()
        assert client.get("/api/posts").status_code == 200  # starts the schedule
        assert wait_for(lambda: len(received) >= 1)
        wait_for(lambda: len(received) >= 2, seconds=0.5)
        assert len(received) == 1, "one rebuild for one due post"
    app.extensions["sidecar.catalog"].close()


def test_without_a_schedule_setting_tests_and_dev_ask_for_nothing(
    blog: Project, sqlite_database_url: str
) -> None:
    app = make_app(blog, sqlite_database_url, BUILD_HOOK_URL="http://127.0.0.1:9/")
    assert app.config["SCHEDULED_REBUILD_SECONDS"] == 0


def test_a_checkout_knows_when_its_held_back_post_comes_due(blog: Project) -> None:
    from sidecar.services.checkout import CheckoutCatalog

    assert CheckoutCatalog(blog.root).next_due() == datetime(2099, 1, 1, tzinfo=UTC)
