"""Development mail: printed plainly in the terminal and listed at ``/dev/mail``,
which production never has."""

from __future__ import annotations

import io
import re

import pytest
from flask import Flask

from sidecar import create_app
from sidecar.services.mail import KEPT, LogMailer, Message
from tests.conftest import Project
from tests.sidecar.conftest import ApiClient, Mailbox


def test_a_mail_is_printed_as_plain_text_with_its_link_on_a_line_of_its_own() -> None:
    terminal = io.StringIO()
    link = "http://127.0.0.1:8000/auth/confirm/" + "a" * 150 + ".b-c_d"
    LogMailer(terminal=terminal).send(
        Message("ada@example.test", "Confirm your email address", f"Hello.\n\nConfirm: {link}\n")
    )
    printed = terminal.getvalue()
    assert "Mail to ada@example.test: Confirm your email address" in printed
    assert f"\nConfirm: {link}\n" in printed  # whole, unquoted, unwrapped


def test_outside_development_a_body_is_never_printed() -> None:
    terminal = io.StringIO()
    LogMailer(reveal=False, terminal=terminal).send(Message("a@b.test", "Reset", "secret link"))
    assert terminal.getvalue() == ""


def test_the_kept_mail_is_bounded() -> None:
    mailer = LogMailer(terminal=io.StringIO())
    for n in range(KEPT + 20):
        mailer.send(Message("a@b.test", f"mail {n}", "body"))
    assert len(mailer.sent) == KEPT and mailer.sent[-1].subject == f"mail {KEPT + 19}"


def test_dev_mail_lists_what_was_sent_newest_first_with_working_links(
    app: Flask, api: ApiClient, mail: Mailbox
) -> None:
    registered = api.post(
        "/api/auth/register",
        json={"email": "new@example.test", "username": "newbie", "password": "long enough pw"},
    )
    assert registered.status_code == 201
    mail.deliver()
    mailer: LogMailer = app.extensions["sidecar.mailer"]
    mailer.send(Message("x@example.test", "<script>alert(1)</script>", "<b>not bold</b>"))
    page = app.test_client().get("/dev/mail")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert html.index("&lt;script&gt;") < html.index("Confirm your email address")  # newest first
    assert "<script>alert" not in html and "<b>not bold" not in html
    href = re.search(r'<a href="https?://[^/"]+(/auth/confirm/[^"]+)"', html)
    assert href, html
    confirmed = app.test_client().get(href.group(1))
    assert confirmed.status_code == 200 and "confirmed" in confirmed.get_data(as_text=True)


def test_dev_mail_answers_only_this_machine(app: Flask) -> None:
    """A development server reachable from elsewhere shows nobody the links."""
    client = app.test_client()
    assert client.get("/dev/mail", environ_base={"REMOTE_ADDR": "::1"}).status_code == 200
    away = client.get("/dev/mail", environ_base={"REMOTE_ADDR": "203.0.113.9"})
    assert away.status_code == 404


@pytest.mark.parametrize("env", ["production", "testing"])
def test_dev_mail_does_not_exist_outside_development(
    env: str, request: pytest.FixtureRequest, blog: Project, sqlite_database_url: str
) -> None:
    if env == "production":
        app = request.getfixturevalue("production")
    else:
        app = create_app(
            {"ARGON2_PROFILE": "fast"},
            environ={
                "SIDECAR_ENV": "testing",
                "SECRET_KEY": "s" * 40,
                "FROSTPRESS_ROOT": str(blog.root),
                "DATABASE_URL": sqlite_database_url,
            },
        )
    assert "dev.mail" not in app.view_functions
    host = "https://sidecar.example" if env == "production" else "http://localhost"
    answer = app.test_client().get("/dev/mail", base_url=host)
    assert answer.status_code == 404
