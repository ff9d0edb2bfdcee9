"""Confirming an address: the page names the site and leads back to the post the
reader came from; the mail can be sent again, within limits."""

from __future__ import annotations

import re
from typing import Any

from flask import Flask

from sidecar.extensions import db
from sidecar.models import OutboxMail, User
from tests.sidecar.browser import Browser
from tests.sidecar.conftest import ApiClient, Mailbox, MakeUser, error_of, link_in
from tests.sidecar.mailbox import signed

PASSWORD = "correct horse battery"


def register(api: ApiClient, **fields: Any) -> Any:
    data = {"email": "ada@example.test", "username": "ada", "password": PASSWORD, **fields}
    return api.post("/api/auth/register", json=data)


def site(app: Flask) -> Any:
    return app.extensions["sidecar.catalog"].config


def back_link(html: str) -> tuple[str, str]:
    found = re.search(r'<a href="([^"]+)">((?:Back to|Go to)[^<]*)</a>', html)
    assert found, html
    return found.group(1), found.group(2)


def test_the_confirmation_page_names_the_site_and_links_back_to_the_post(
    app: Flask, api: ApiClient, mail: Mailbox
) -> None:
    assert register(api, post="hello").status_code == 201
    page = api.get(link_in(mail, "/auth/confirm/"))
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and site(app).title in html
    href, text = back_link(html)
    # the post's address from the site's configuration, not from the request
    assert href == site(app).base_url.rstrip("/") + "/posts/hello/"
    assert text == "Back to “Hello there”"


def test_without_a_post_or_with_one_not_published_the_page_leads_to_the_site(
    app: Flask, api: ApiClient, mail: Mailbox
) -> None:
    assert register(api, post="draft").status_code == 201
    href, text = back_link(api.get(link_in(mail, "/auth/confirm/")).get_data(as_text=True))
    assert (href, text) == (site(app).base_url, f"Go to {site(app).title}")


def test_a_post_that_is_not_a_slug_is_refused(api: ApiClient) -> None:
    response = register(api, post="https://evil.example/")
    assert response.status_code == 422 and "post" in error_of(response)["fields"]


def test_a_bad_link_still_leads_somewhere(app: Flask, api: ApiClient) -> None:
    page = api.get("/auth/confirm/not-a-token")
    assert page.status_code == 422
    assert back_link(page.get_data(as_text=True)) == (
        site(app).base_url,
        f"Go to {site(app).title}",
    )


def test_a_signed_in_reader_can_have_the_mail_sent_again(
    app: Flask, api: ApiClient, make_user: MakeUser, mail: Mailbox
) -> None:
    user = make_user(confirmed=False)
    api.login(user)
    answer = api.post("/api/auth/confirm/resend", json={"post": "second"})
    assert answer.status_code == 202 and answer.get_json() == {"confirmation": "sent"}
    assert [m.to for m in mail.sent] == [user.email]
    href, _ = back_link(api.get(link_in(mail, "/auth/confirm/")).get_data(as_text=True))
    assert href.endswith("/posts/second/")
    assert api.get("/api/auth/me").get_json()["email_confirmed"] is True
    again = api.post("/api/auth/confirm/resend", json={})
    assert again.status_code == 409 and error_of(again)["code"] == "already_confirmed"


def test_resending_needs_a_session_and_is_rate_limited(
    app: Flask, api: ApiClient, make_user: MakeUser
) -> None:
    assert api.post("/api/auth/confirm/resend", json={}).status_code == 401
    api.login(make_user(confirmed=False))
    statuses = [api.post("/api/auth/confirm/resend", json={}).status_code for _ in range(5)]
    assert statuses == [202, 202, 202, 429, 429]
    with app.app_context():
        assert db.session.query(OutboxMail).filter_by(kind="confirm_email").count() == 3


def test_with_plain_forms_the_thread_page_carries_the_post_to_the_confirmation(
    app: Flask, browser: Browser, mail: Mailbox
) -> None:
    thread = browser.page("/comments/hello")
    register_link = next(
        a.attrs["href"] for a in thread.find_all("a") if a.text == "create an account"
    )
    assert register_link == "/auth/register?post=hello"
    form = browser.page(register_link)
    hidden = form.find("input", name="post")
    assert hidden.attrs["type"] == "hidden" and hidden.attrs["value"] == "hello"
    sent = browser.submit(
        register_link,
        action="/auth/register",
        email="bo@example.test",
        username="bob",
        password=PASSWORD,
        post=hidden.attrs["value"],
    )
    assert sent.status_code == 200, sent.get_data(as_text=True)[-1500:]
    href, _ = back_link(browser.get(link_in(mail, "/auth/confirm/")).get_data(as_text=True))
    assert href.endswith("/posts/hello/")


def test_a_confirmation_link_expires_cannot_be_altered_and_reused_changes_nothing(
    app: Flask, api: ApiClient, mail: Mailbox
) -> None:
    assert register(api).status_code == 201
    link = link_in(mail, "/auth/confirm/")
    token = link.rsplit("/", 1)[1]
    with app.app_context():
        user = db.session.query(User).filter_by(username="ada").one()
        uid, email = user.id, user.email
    expired = signed(app, "frostpress.confirm-email", {"uid": uid, "email": email}, age=4 * 86400)
    old = api.get(f"/auth/confirm/{expired}")
    assert old.status_code == 422 and "expired" in old.get_data(as_text=True)
    altered = api.get(f"/auth/confirm/{token[:-3]}{'AAA' if not token.endswith('AAA') else 'BBB'}")
    assert altered.status_code == 422
    with app.app_context():
        assert db.session.get_one(User, uid).email_confirmed_at is None  # none of them did it

    assert api.get(link).status_code == 200
    with app.app_context():
        first = db.session.get_one(User, uid).email_confirmed_at
    again = api.get(link)
    assert again.status_code == 200 and "you can comment" in again.get_data(as_text=True)
    with app.app_context():
        assert db.session.get_one(User, uid).email_confirmed_at == first is not None
