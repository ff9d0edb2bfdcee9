"""Browser tests: the system Chromium, headless, driven by Playwright.

No browser is downloaded: Playwright launches ``/usr/bin/chromium``. Without
it these tests skip on a developer's machine and fail under ``CI=true``.
"""

from __future__ import annotations

import os
import shutil
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from tests.processes import running_http_process
from tests.servers import require

if TYPE_CHECKING:
    from tests.e2e.site import DevServer

CHROMIUM = os.environ.get("FROSTPRESS_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
ARTIFACTS = Path(__file__).resolve().parents[2] / "artifacts"


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    require("Chromium (/usr/bin/chromium)", Path(CHROMIUM).exists())
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        require("Playwright for Python", False)
        raise
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        try:
            yield browser
        finally:
            browser.close()


@contextmanager
def running_dev_server(root: Path, log: Path) -> Iterator[str]:
    """``frostpress dev`` for ``root`` on a free loopback port; yields its URL."""
    argv = [
        sys.executable,
        "-m",
        "frostpress",
        "dev",
        "--root",
        str(root),
        "--host",
        "127.0.0.1",
        "--port",
        "{port}",
    ]
    with running_http_process(argv, log) as url:
        yield url


@pytest.fixture
def reader(browser: Any) -> Iterator[Any]:
    """A fresh browser context per call: another reader, with their own cookies."""
    contexts: list[Any] = []

    def open_post(dev: DevServer, path: str = "/posts/hello/", **options: Any) -> Any:
        context = browser.new_context(**options)
        contexts.append(context)
        page = context.new_page()
        errors: list[str] = []
        page.on("pageerror", lambda error: errors.append(str(error)))
        page.js_errors = errors
        page.goto(dev.url + path)
        return page

    yield open_post
    for context in contexts:
        context.close()
