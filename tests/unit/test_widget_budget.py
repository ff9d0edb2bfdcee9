"""The comments widget stays small: its own script and styles, gzipped, under 10 KB."""

from __future__ import annotations

import gzip
import json

from tests.conftest import REPO

BUDGET = 10 * 1024
WIDGET = [REPO / "site/static/js/comments.js", REPO / "site/static/css/comments.css"]


def test_the_widget_ships_at_most_10_kb_gzipped() -> None:
    size = sum(len(gzip.compress(p.read_bytes(), compresslevel=9)) for p in WIDGET)
    assert size <= BUDGET, f"{size} bytes gzipped; the budget is {BUDGET}"


def test_the_socket_io_client_comes_from_the_lock_file_not_the_repository() -> None:
    lock = json.loads((REPO / "package-lock.json").read_text())
    locked = lock["packages"]["node_modules/socket.io-client"]
    assert locked["integrity"].startswith("sha512-")
    installed = json.loads((REPO / "node_modules/socket.io-client/package.json").read_text())
    assert installed["version"] == locked["version"]  # npm ci installed exactly this
    assert not list((REPO / "site").rglob("socket.io*"))
