"""Shared fixtures: a throwaway project (site/ + content/) and its site app."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from frostpress.build.builder import Builder, BuildReport
from frostpress.config import SiteConfig, load_config
from frostpress.content.index import SiteIndex
from frostpress.web.app import create_app
from tests.factories import write_post, write_raw
from tests.hostile.report import report as hostile_report

REPO = Path(__file__).resolve().parent.parent
# A fixed "now" so tests never depend on the clock: later than every fixture
# post, earlier than the example site's future post (2031).
NOW = datetime(2026, 11, 1, 12, 0, tzinfo=UTC)
BASE_URL = "https://blog.example.test/"


class Project:
    """A project directory with the real site/ look and a content/ of the test's own."""

    def __init__(self, root: Path) -> None:
        self.root = root
        shutil.copytree(REPO / "site", root / "site")
        (root / "node_modules").symlink_to(REPO / "node_modules")  # [assets.vendor]
        toml = root / "site" / "site.toml"
        text = toml.read_text().replace(
            'base_url = "https://frostpress-example.netlify.app/"', f'base_url = "{BASE_URL}"'
        )
        toml.write_text(text)
        for folder in ("posts", "pages", "media"):
            (root / "content" / folder).mkdir(parents=True)
        self._builder: Builder | None = None

    @property
    def posts(self) -> Path:
        return self.root / "content" / "posts"

    @property
    def pages(self) -> Path:
        return self.root / "content" / "pages"

    @property
    def media(self) -> Path:
        return self.root / "content" / "media"

    @property
    def output(self) -> Path:
        return self.root / "build"

    def post(self, name: str | None = None, body: str | None = None, **fields: Any) -> Path:
        return write_post(self.posts, name, body, **fields)

    def raw_post(self, name: str, text: str) -> Path:
        return write_raw(self.posts, name, text)

    def page(self, slug: str, body: str = "About this blog.\n", **fields: Any) -> Path:
        fields = {"title": slug.title(), **fields}
        return write_post(self.pages, f"{slug}.md", body, **fields)

    def add_media(self, name: str, data: bytes = b"\x89PNG\r\n\x1a\n") -> Path:
        path = self.media / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        return path

    def config(self, **overrides: Any) -> SiteConfig:
        return load_config(self.root, environ={}, **overrides)

    def builder(self, **overrides: Any) -> Builder:
        """One Builder kept across calls (like the watcher), unless overrides are given."""
        if overrides:
            return Builder(self.config(**overrides), workers=1, now=lambda: NOW)
        if self._builder is None:
            self._builder = Builder(self.config(), workers=1, now=lambda: NOW)
        return self._builder

    def build(self, **overrides: Any) -> BuildReport:
        return self.builder(**overrides).build()

    def index(self, **overrides: Any) -> SiteIndex:
        index = self.builder(**overrides).prepare().index
        return index

    def app(self, **overrides: Any) -> Flask:
        return create_app(self.index(**overrides))

    def read(self, relpath: str) -> str:
        return (self.output / relpath).read_text(encoding="utf-8")


@pytest.fixture
def project(tmp_path: Path) -> Project:
    return Project(tmp_path / "blog")


@pytest.fixture
def client(project: Project) -> Iterator[FlaskClient]:
    """A test client over whatever the test put in ``project`` before asking for it."""
    app = project.app()
    with app.test_client() as test_client:
        yield test_client


@pytest.fixture
def example_config(tmp_path: Path) -> SiteConfig:
    """The repository's own example site, building into a temporary directory."""
    return load_config(
        REPO, environ={}, output_dir=tmp_path / "build", cache_dir=tmp_path / "cache"
    )


# The hostile suite's table (tests/hostile/report.py), printed after any run that
# tried something. Here rather than in tests/hostile/: under pytest-xdist only the
# controller prints, and it loads this conftest, not the ones below it; each
# worker hands its own tally over when it finishes.
def pytest_sessionfinish(session: pytest.Session) -> None:
    output = getattr(session.config, "workeroutput", None)
    if output is not None:
        output["hostile"] = hostile_report.state()


@pytest.hookimpl(optionalhook=True)
def pytest_testnodedown(node: Any, error: object) -> None:
    state = getattr(node, "workeroutput", {}).get("hostile")
    if state:
        hostile_report.merge(state)


def pytest_terminal_summary(terminalreporter: Any) -> None:
    if any(hostile_report.tried.values()):
        terminalreporter.write_sep("=", "hostile suite")
        terminalreporter.write_line(hostile_report.table())
