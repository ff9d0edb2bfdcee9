"""``make dev``: site and sidecar answer on one local origin, with nothing else to start."""

from __future__ import annotations

import json
import re
import sys
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import Project
from tests.processes import running_http_process


def fetch(url: str, origin: str | None = None) -> tuple[int, bytes]:
    request = urllib.request.Request(url, headers={"Origin": origin} if origin else {})
    try:
        with urllib.request.urlopen(request, timeout=5) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


@pytest.fixture
def dev_origin(blog: Project, tmp_path: Path) -> Iterator[str]:
    argv = [
        sys.executable,
        "-m",
        "sidecar.dev",
        "--root",
        str(blog.root),
        "--host",
        "127.0.0.1",
        "--port",
        "{port}",
    ]
    with running_http_process(
        argv, tmp_path / "dev.log", ready="/api/health", cwd=blog.root
    ) as origin:
        yield origin


def test_site_and_sidecar_share_one_origin(dev_origin: str, blog: Project) -> None:
    status, home = fetch(dev_origin + "/")
    assert status == 200 and b"Hello there" in home  # the frozen site
    status, post = fetch(dev_origin + "/posts/hello/")
    assert status == 200 and b"<h1>Hello there</h1>" in post
    status, health = fetch(dev_origin + "/api/health")
    assert json.loads(health)["checks"]["database"] == "ok"  # SQLite, migrated
    assert (blog.root / "instance" / "sidecar.sqlite3").is_file()
    status, thread = fetch(dev_origin + "/comments/hello")
    assert status == 200 and b"Comments (0)" in thread  # the no-JS page
    assert fetch(dev_origin + "/comments/static/sidecar.css")[0] == 200
    assert fetch(dev_origin + "/posts/nope/")[0] == 404  # still the site's 404


def test_the_live_channel_accepts_only_this_origin(dev_origin: str) -> None:
    handshake = dev_origin + "/socket.io/?EIO=4&transport=polling"
    status, body = fetch(handshake, origin=dev_origin)
    assert status == 200 and b'"sid"' in body
    assert fetch(handshake, origin="https://evil.example")[0] == 400


def test_links_the_sidecar_makes_to_posts_lead_to_the_dev_server(
    dev_origin: str, blog: Project
) -> None:
    """Recent comments, the comment feeds and the confirmation page link to posts;
    in make dev they must not send a newcomer off to the public site."""
    status, body = fetch(f"{dev_origin}/comments/hello/feed.xml")
    assert status == 200
    alternate = re.search(rb'<link rel="alternate" type="text/html" href="([^"]+)"', body)
    assert alternate and alternate.group(1).decode() == f"{dev_origin}/posts/hello/"
