"""Helpers for browser tests against ``make dev``'s server (site + sidecar, one origin)."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from playwright.sync_api import Page, expect

from tests.conftest import Project
from tests.processes import running_http_process

PASSWORD = "correct horse battery"
POST = "/posts/hello/"
TIMEOUT = 10_000  # ms: a live event crosses the server in well under this


class DevServer:
    def __init__(self, url: str, log: Path, root: Path | None = None) -> None:
        self.url, self.log, self.root = url, log, root
        self._users = 0

    @property
    def database(self) -> Path:
        """The sidecar's SQLite file (``make dev`` keeps it under ``instance/``)."""
        assert self.root is not None
        return self.root / "instance" / "sidecar.sqlite3"

    def confirm_link(self, email: str) -> str:
        """The confirmation link mailed to ``email``, as ``make dev`` prints it."""
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            # The mail is printed as plain text: a "Mail to" line, then its body.
            _, seen, after = self.log.read_text().partition(f"Mail to {email}: ")
            token = re.search(r"^Confirm: \S*/auth/confirm/([A-Za-z0-9._-]+)$", after, re.M)
            if seen and token:
                return f"{self.url}/auth/confirm/{token.group(1)}"
            time.sleep(0.1)
        raise AssertionError(f"no mail to {email} in the log:\n{self.log.read_text()[-3000:]}")

    def new_name(self, prefix: str) -> str:
        self._users += 1
        return f"{prefix}{self._users}"


@contextmanager
def dev_server(
    root: Path, log: Path, moderation: str, guests: str = "off", **settings: str
) -> Iterator[DevServer]:
    """``make dev``'s server on this blog; ``settings`` are further environment."""
    argv = [sys.executable, "-m", "sidecar.dev", "--root", str(root), "--port", "{port}"]
    env = {
        **os.environ,
        "MODERATION": moderation,
        "GUESTS": guests,
        "FROSTPRESS_ROOT": str(root),
        "SPAM_MIN_SECONDS": "0",  # a test types faster than a person
        **settings,
    }
    with running_http_process(argv, log, ready="/api/health", env=env, cwd=root) as url:
        yield DevServer(url, log, root)


def make_blog(root: Path) -> Project:
    blog = Project(root)
    blog.post(title="Hello there", slug="hello", body="A post worth talking about.\n")
    blog.post(title="Second post", slug="second", date="2026-02-01 09:00:00")
    return blog


def comments(page: Page) -> Any:
    section = page.locator("#comments")
    section.scroll_into_view_if_needed()
    return section


def live(page: Page) -> Any:
    section = comments(page)
    expect(section).to_have_attribute("data-live", "on", timeout=TIMEOUT)
    return section


def register_in_widget(page: Page, dev: DevServer) -> str:
    """Register with the inline form (which signs in), confirm by the mailed link."""
    name = dev.new_name("reader")
    section = comments(page)
    section.get_by_role("button", name="create an account").click()
    section.get_by_label("Email", exact=True).fill(f"{name}@example.org")
    section.get_by_label("Username").fill(name)
    section.get_by_label("Password (8 characters or more)").fill(PASSWORD)
    section.get_by_role("button", name="Register").click()
    # signed in at once; commenting waits for the confirmation
    expect(section.get_by_role("button", name="Sign out")).to_be_visible()
    expect(section.get_by_text(f"we sent a link to {name}@example.org")).to_be_visible()
    expect(section.get_by_role("button", name="Resend the confirmation mail")).to_be_visible()
    confirm = page.context.new_page()
    confirm.goto(dev.confirm_link(f"{name}@example.org"))
    expect(confirm.get_by_text("Email confirmed")).to_be_visible()
    # the widget said which post it was on: the page leads back to it
    back = confirm.get_by_role("link", name=re.compile("^Back to “"))
    post_path = re.sub(r"^https?://[^/]+", "", page.url.split("#")[0])
    expect(back).to_have_attribute("href", re.compile(re.escape(post_path) + "$"))
    confirm.close()
    page.bring_to_front()
    return name


def sign_in_in_widget(page: Page, name: str) -> None:
    section = comments(page)
    if not section.get_by_label("Email or username").count():
        section.get_by_role("button", name="Sign in").click()
    section.get_by_label("Email or username").fill(name)
    section.get_by_label("Password", exact=True).fill(PASSWORD)
    form = section.locator("form.comments-auth")
    expect(form.get_by_role("link", name="Forgot your password?")).to_have_attribute(
        "href", "/auth/reset"
    )
    form.get_by_role("button", name="Sign in").click()
    expect(section.get_by_role("button", name="Sign out")).to_be_visible()


def confirmed_user(page: Page, dev: DevServer) -> str:
    """A confirmed account made through the JSON API (the widget's register form is
    tested once, in the live test)."""
    name = dev.new_name("member")
    request = page.context.request
    for _ in range(2):  # as the widget does: a token refused is fetched again, once
        # (the page's widget may be starting this browser's session at the same moment,
        # and the session that wins carries the other token)
        token = request.get(dev.url + "/api/csrf").json()["csrf_token"]
        response = request.post(
            dev.url + "/api/auth/register",
            data={"email": f"{name}@example.org", "username": name, "password": PASSWORD},
            headers={"X-CSRFToken": token},
        )
        if response.status != 400 or "csrf_failed" not in response.text():
            break
    assert response.status == 201, response.text()
    confirm = page.context.new_page()
    confirm.goto(dev.confirm_link(f"{name}@example.org"))
    confirm.close()
    # Registering signed this browser in; the callers sign in through the widget.
    out = request.post(
        dev.url + "/api/auth/logout", headers={"X-CSRFToken": response.headers["x-csrftoken"]}
    )
    assert out.status == 204, out.text()
    return name


def comment_article(section: Any, text: str) -> Any:
    return section.locator("article.comment", has_text=text)


def create_admin(root: Path, username: str = "admin") -> str:
    """The first admin, made the way the README says: ``flask --app sidecar create-admin``."""
    created = subprocess.run(
        [
            sys.executable,
            "-m",
            "flask",
            "--app",
            "sidecar",
            "create-admin",
            "--email",
            f"{username}@example.org",
            "--username",
            username,
            "--password",
            PASSWORD,
        ],
        env={**os.environ, "FROSTPRESS_ROOT": str(root)},
        cwd=root,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert created.returncode == 0, created.stdout + created.stderr
    return username


_SEED = """
import sys
from sidecar import create_app, deps
from sidecar.database import now_utc
from sidecar.extensions import db
from sidecar.models import User

slug, count, name = sys.argv[1], int(sys.argv[2]), sys.argv[3]
app = create_app()
with app.test_request_context():
    user = User(email=name + "@example.org", username=name, role="moderator",  # never held
                password_hash=deps.hasher().hash(sys.argv[4]), email_confirmed_at=now_utc())
    db.session.add(user)
    db.session.commit()
    for n in range(count):
        deps.comments().create(user, slug, f"Old comment {n}")
"""


def seed_comments(root: Path, slug: str, count: int, username: str = "elder") -> str:
    """``count`` top-level comments on ``slug``, oldest first ("Old comment 0", ...),
    by a moderator (never held), written through the Comments service into the dev
    server's database (posting them over HTTP would meet the comment rate limit)."""
    seeded = subprocess.run(
        [sys.executable, "-c", _SEED, slug, str(count), username, PASSWORD],
        env={**os.environ, "FROSTPRESS_ROOT": str(root)},
        cwd=root,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert seeded.returncode == 0, seeded.stdout + seeded.stderr
    return username
