"""Guests on the no-JavaScript thread page: a name, a comment, held or shown."""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask

from sidecar import deps
from sidecar.extensions import db
from sidecar.models import Action, Comment, Role, User
from tests.sidecar.browser import Browser, comment_id
from tests.sidecar.conftest import MakeUser

PAGE = "/comments/hello"


@pytest.fixture
def sidecar_config() -> dict[str, Any]:
    return {"GUESTS": "moderated"}


def approve_all(app: Flask, make_user: MakeUser) -> None:
    moderator = make_user(role=Role.MODERATOR)
    with app.test_request_context():
        ids = [c.id for c in db.session.query(Comment)]
        deps.moderation().apply(db.session.get_one(User, moderator.id), Action.APPROVE, ids)


def test_a_guest_comments_from_the_page_and_waits_for_a_moderator(
    app: Flask, browser: Browser, make_user: MakeUser
) -> None:
    page = browser.page(PAGE)
    form = page.find("form", class_="comment-form")
    assert form.find("legend").text == "As a guest (held for a moderator)"
    labels = {label.text for label in form.find_all("label")}
    assert {"Name", "Website (optional)", "Your comment"} <= labels

    response = browser.submit(
        PAGE,
        body="A guest's *first* word",
        guest_name="Gwen",
        guest_email="gwen@example.test",
        guest_website="https://gwen.example/",
    )
    assert response.status_code == 303
    held = browser.page(response.headers["Location"].split("#")[0])
    assert "held for review" in held.find("div", class_="flash").text
    assert not held.find_all("article")

    approve_all(app, make_user)
    shown = browser.page(PAGE)
    (article,) = shown.find_all("article")
    author = article.find("strong", class_="author")
    link = author.find("a")
    assert link.text == "Gwen" and link.attrs["href"] == "https://gwen.example/"
    assert link.attrs["rel"] == "nofollow ugc noopener noreferrer"
    assert article.find("span", class_="badge guest").text == "guest"
    assert "gwen@example.test" not in shown.text
    # Guests may reply to what is public, from the page too.
    reply = article.find("details", class_="reply")
    assert reply.find("input", name="guest_name")


def test_a_guest_s_mistakes_are_shown_beside_the_fields_and_the_text_is_kept(
    app: Flask, browser: Browser, make_user: MakeUser
) -> None:
    make_user(username="ada")
    response = browser.submit(PAGE, body="keep me", guest_name="ADA")
    assert response.status_code == 409
    page_text = response.get_data(as_text=True)
    assert "looks like a registered username" in page_text and "keep me" in page_text

    response = browser.submit(PAGE, body="keep me", guest_name="Bea", guest_website="javascript:x")
    assert response.status_code == 422
    assert "Not a valid URL" in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.query(Comment).count() == 0


@pytest.mark.parametrize("sidecar_config", [{"GUESTS": "open", "MODERATION": "none"}])
def test_an_open_guest_comment_is_shown_at_once(browser: Browser) -> None:
    response = browser.submit(PAGE, body="straight in", guest_name="Cai")
    assert response.status_code == 303
    shown = browser.page(PAGE)
    assert shown.by_id(f"comment-{comment_id(response.headers['Location'])}")
    assert "Cai" in shown.text


@pytest.mark.parametrize("sidecar_config", [{}])
def test_without_guests_the_page_asks_to_sign_in(browser: Browser) -> None:
    page = browser.page(PAGE)
    assert not page.find_all("form", class_="comment-form")
    token = browser.client.get("/api/csrf").get_json()["csrf_token"]
    response = browser.client.post(
        PAGE, data={"csrf_token": token, "body": "sneaky", "guest_name": "Dee"}
    )
    assert response.status_code == 302 and "/auth/login" in response.headers["Location"]


@pytest.mark.parametrize("sidecar_config", [{"GUESTS": "open", "MODERATION": "none"}])
def test_email_me_replies_from_the_page(
    app: Flask, browser: Browser, make_user: MakeUser, mail: Any
) -> None:
    page = browser.page(PAGE)
    box = page.find("input", id="new-comment-body-notify")
    assert box.attrs["type"] == "checkbox"
    assert page.find("label", for_="new-comment-body-notify").text.startswith("Email me replies")
    response = browser.submit(
        PAGE, body="tell me", guest_name="Eve", guest_email="eve@example.test", notify="y"
    )
    assert response.status_code == 303
    (ask,) = mail.sent
    assert ask.to == "eve@example.test" and ask.subject.startswith("Confirm reply mail")
