"""``make dev``: the frozen site served as a CDN would, rebuilt and reloaded on save."""

from __future__ import annotations

import http.client
import json
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from werkzeug.serving import make_server
from werkzeug.test import Client

from frostpress.dev.server import EVENTS_PATH, BuildEvents, DevSite, StaticSite, make_app
from frostpress.dev.watch import Watcher, is_noise
from tests.conftest import Project


@pytest.fixture
def built(project: Project) -> Project:
    project.post(title="Hello there", slug="hello", tags=["python"])
    project.page("about")
    project.build()
    return project


def test_static_site_serves_like_a_cdn(built: Project) -> None:
    client = Client(StaticSite(built.output))
    home = client.get("/")
    assert home.status_code == 200 and home.mimetype == "text/html"
    assert b"Hello there" in home.data
    assert client.get("/posts/hello/").status_code == 200
    moved = client.get("/posts/hello")
    assert moved.status_code == 301 and moved.headers["Location"].endswith("/posts/hello/")
    feed = client.get("/feed.xml")
    assert feed.mimetype == "application/xml"
    missing = client.get("/posts/nope/")
    assert missing.status_code == 404 and b"Page not found" in missing.data
    assert client.post("/").status_code == 405


@pytest.mark.parametrize(
    "path",
    ["/../site/site.toml", "/%2e%2e/site/site.toml", "/..%2fsite%2fsite.toml", "//etc/passwd"],
)
def test_static_site_never_serves_outside_build(built: Project, path: str) -> None:
    response = Client(StaticSite(built.output)).get(path)
    assert response.status_code == 404
    assert b"base_url" not in response.data


def test_live_reload_script_is_added_only_while_developing(built: Project) -> None:
    live = Client(StaticSite(built.output, BuildEvents())).get("/").data
    plain = Client(StaticSite(built.output)).get("/").data
    assert EVENTS_PATH.encode() in live
    assert EVENTS_PATH.encode() not in plain
    # The frozen file itself never carries it.
    assert EVENTS_PATH.encode() not in (built.output / "index.html").read_bytes()


def test_site_under_a_base_path_is_served_there(project: Project) -> None:
    project.post(title="Hello there", slug="hello")
    config = project.config(base_url="https://example.test/blog/")
    from frostpress.build.builder import Builder

    Builder(config, workers=1).build()
    client = Client(make_app(config, None))
    assert client.get("/blog/posts/hello/").status_code == 200
    assert client.get("/").status_code == 302


def test_editor_noise_is_ignored() -> None:
    for noisy in (".post.md.swp", "post.md~", ".#post.md", "4913", "x/__pycache__/a"):
        assert is_noise(noisy)
    assert not is_noise("content/posts/2026-01-01-hello.md")


class _Events:
    """Reads Server-Sent Events from the dev server, with a deadline per event."""

    def __init__(self, port: int) -> None:
        self.connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        self.connection.request("GET", EVENTS_PATH)
        self.response = self.connection.getresponse()
        assert self.response.status == 200

    def next_build(self) -> dict[str, Any]:
        data: dict[str, Any] | None = None
        while True:
            line = self.response.readline().decode()
            if line.startswith("data: "):
                data = json.loads(line[6:])
            elif line == "\n" and data is not None:
                return data

    def close(self) -> None:
        self.connection.close()


@pytest.fixture
def dev_server(built: Project) -> Iterator[tuple[DevSite, int]]:
    dev = DevSite(built.config(), echo=lambda _text: None)
    dev.rebuild()
    watcher = Watcher([built.root / "content", built.root / "site"], dev.rebuild)
    watcher.start()
    server = make_server("127.0.0.1", 0, make_app(dev.config, dev.events), threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield dev, server.port
    finally:
        dev.events.close()
        server.shutdown()
        watcher.stop()
        thread.join(timeout=5)


def _edit(path: Path, old: str, new: str) -> None:
    path.write_text(path.read_text().replace(old, new))


def test_saving_a_post_rebuilds_and_tells_open_tabs(
    built: Project, dev_server: tuple[DevSite, int]
) -> None:
    _dev, port = dev_server
    events = _Events(port)
    try:
        first = events.next_build()
        post = next(built.posts.glob("*.md"))
        _edit(post, "The first paragraph", "A freshly saved paragraph")
        second = events.next_build()
        assert second["version"] == first["version"] + 1 and second["error"] is None
        page = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        page.request("GET", "/posts/hello/")
        assert b"A freshly saved paragraph" in page.getresponse().read()
    finally:
        events.close()


def test_a_bad_save_shows_the_error_and_keeps_the_last_good_site(
    built: Project, dev_server: tuple[DevSite, int]
) -> None:
    _dev, port = dev_server
    events = _Events(port)
    try:
        events.next_build()
        before = (built.output / "posts/hello/index.html").read_bytes()
        post = next(built.posts.glob("*.md"))
        _edit(post, "title: Hello there", "title: [unclosed")
        failed = events.next_build()
        assert isinstance(failed["error"], str)
        assert f"{post.name}:2:" in failed["error"]
        assert (built.output / "posts/hello/index.html").read_bytes() == before
        _edit(post, "title: [unclosed", "title: Hello again")
        fixed = events.next_build()
        assert fixed["error"] is None
    finally:
        events.close()


def test_a_build_that_cannot_start_says_why_and_recovers_when_fixed(built: Project) -> None:
    """No node_modules yet: the dev server says so as an author reads it, keeps
    the last good build, and builds again once the packages are there."""
    said: list[str] = []
    packages = built.root / "node_modules"
    target = packages.readlink()
    packages.unlink()
    dev = DevSite(built.config(), echo=said.append)
    assert dev.rebuild() is False
    assert said[-1].startswith("Build failed (build/ unchanged): site/site.toml: [assets.vendor]")
    assert "npm ci" in said[-1] and "Error(" not in said[-1]
    packages.symlink_to(target)
    assert dev.rebuild() is True
