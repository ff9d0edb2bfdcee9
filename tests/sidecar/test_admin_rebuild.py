"""Rebuild from the dashboard: a local build in development, the build hook in production."""

from __future__ import annotations

import http.server
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any, ClassVar

import pytest
from flask import Flask

from sidecar.config import ConfigurationError, settings_from_env
from sidecar.models import Role
from tests.conftest import Project
from tests.sidecar.browser import Browser, audit_rows
from tests.sidecar.conftest import MakeUser


def admin_browser(make_user: MakeUser, new_browser: Any, role: Role = Role.ADMIN) -> Browser:
    browser: Browser = new_browser()
    browser.login(make_user(role=role))
    return browser


def rebuild(browser: Browser) -> str:
    token = browser.csrf_token("/admin/site")
    response = browser.client.post("/admin/site/rebuild", data={"csrf_token": token})
    assert response.status_code == 303 and response.headers["Location"] == "/admin/site"
    page = browser.page("/admin/site")
    return page.find("div", class_="flash").text + " | " + page.by_id("last-build").text


def test_in_development_it_builds_here_and_reports_the_outcome(
    app: Flask, blog: Project, make_user: MakeUser, new_browser: Any
) -> None:
    admin = admin_browser(make_user, new_browser)
    assert "No rebuild from the dashboard yet." in admin.page("/admin/site").text
    said = rebuild(admin)
    assert said.startswith("Rebuilt: Built ") and " ok in " in said
    assert (blog.output / "posts" / "hello" / "index.html").is_file()

    bad = blog.raw_post("2026-05-01-broken.md", "---\ntitle: [unclosed\ndate: 2026-05-01\n---\n")
    said = rebuild(admin)
    assert said.startswith("The rebuild failed: ") and f"{bad.name}:2:" in said
    assert "failed in" in said
    assert (blog.output / "posts" / "hello" / "index.html").is_file()  # the last good site stays
    rows = audit_rows(admin.page("/admin/audit?action=rebuild&target=site"))
    assert [(row[2], row[3]) for row in rows] == [("rebuild", "the site")] * 2
    assert rows[0][4].startswith("failed in") and rows[1][4].startswith("ok in")


class Hook(http.server.BaseHTTPRequestHandler):
    calls: ClassVar[list[str]] = []  # what the fake hook was asked, per test
    status = 200

    def do_POST(self) -> None:
        Hook.calls.append(self.path)
        self.send_response(Hook.status)
        self.end_headers()
        self.wfile.write(b'{"id": "build-1"}')

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture
def hook() -> Iterator[str]:
    server = http.server.HTTPServer(("127.0.0.1", 0), Hook)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    Hook.calls, Hook.status = [], 200
    yield f"http://127.0.0.1:{server.server_port}/build_hooks/abc123"
    server.shutdown()
    server.server_close()


@pytest.fixture
def sidecar_config(request: pytest.FixtureRequest) -> dict[str, Any]:
    if "hook" in request.fixturenames:
        return {"BUILD_HOOK_URL": request.getfixturevalue("hook")}
    return {}


def test_in_production_it_calls_the_build_hook_and_shows_its_answer(
    hook: str, app: Flask, blog: Project, make_user: MakeUser, new_browser: Any
) -> None:
    admin = admin_browser(make_user, new_browser)
    assert "build hook" in admin.page("/admin/site").text
    said = rebuild(admin)
    assert Hook.calls == ["/build_hooks/abc123"]
    assert said.startswith("Rebuilt: build hook answered 200")
    assert not blog.output.exists()  # the CDN builds, not the sidecar
    Hook.status = 500
    assert rebuild(admin).startswith("The rebuild failed: build hook answered 500")


def test_moderators_see_the_last_build_but_cannot_rebuild(
    app: Flask, make_user: MakeUser, new_browser: Any
) -> None:
    moderator = admin_browser(make_user, new_browser, Role.MODERATOR)
    page = moderator.page("/admin/site")
    assert "Only admins can rebuild the site." in page.text
    assert (
        not page.find_all("button", type="submit")
        or "Rebuild" not in page.text.split("Last build")[1]
    )
    token = moderator.csrf_token("/admin/queue")
    response = moderator.client.post("/admin/site/rebuild", data={"csrf_token": token})
    assert response.status_code == 303
    after = moderator.page("/admin/site")
    assert after.find("div", class_="flash").text == "Only admins can rebuild the site."
    assert after.by_id("last-build").text == "No rebuild from the dashboard yet."
    assert not (Path(app.config["FROSTPRESS_ROOT"]) / "build").exists()


def test_a_build_hook_must_be_http(tmp_path: Any) -> None:
    with pytest.raises(ConfigurationError, match="BUILD_HOOK_URL"):
        settings_from_env({"BUILD_HOOK_URL": "file:///etc/passwd"}, tmp_path)
