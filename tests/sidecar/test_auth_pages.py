"""The HTML account pages with plain forms: register, confirm, sign in and out, reset."""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

import email_validator
import pytest
from flask import Flask

from sidecar.models import User
from tests.sidecar.browser import PASSWORD, Browser, html_of
from tests.sidecar.conftest import MakeUser, link_in

NEW_PASSWORD = "a much better passphrase"


@pytest.fixture(autouse=True)
def test_email_domains(monkeypatch: pytest.MonkeyPatch) -> None:
    """Let the forms' email-validator accept ``*.test`` addresses (its documented
    switch for tests); the JSON API's validator accepts them anyway."""
    monkeypatch.setattr(email_validator, "TEST_ENVIRONMENT", True)


def signed_in_as(browser: Browser) -> str | None:
    me = browser.client.get("/api/auth/me")
    return me.get_json()["username"] if me.status_code == 200 else None


# -- the forms themselves ---------------------------------------------------------------------
@pytest.mark.parametrize(
    ("path", "fields"),
    [
        ("/auth/login", {"login": "Email or username", "password": "Password"}),
        ("/auth/register", {"email": "Email", "username": "Username", "password": "Password"}),
        ("/auth/reset", {"email": "Email"}),
    ],
)
def test_account_forms_have_labels_and_a_csrf_token(
    browser: Browser, path: str, fields: dict[str, str]
) -> None:
    page = browser.page(path)
    form = next(f for f in page.find_all("form") if f.find_all("input", name=next(iter(fields))))
    assert form.attrs["method"] == "post"
    token = form.find("input", name="csrf_token")
    assert token.attrs["type"] == "hidden" and token.attrs["value"]
    for name, label in fields.items():
        field = form.find("input", name=name)
        assert form.find("label", for_=field.attrs["id"]).text == label
    assert form.find("button").attrs["type"] == "submit"
    assert not page.find_all("script")


# -- register, confirm, sign in ---------------------------------------------------------------
def test_register_confirm_and_sign_in_with_plain_forms(browser: Browser, mail: Any) -> None:
    response = browser.submit(
        "/auth/register", email="Ada@Example.test", username="ada", password=PASSWORD
    )
    assert response.status_code == 200
    page = html_of(response)
    assert page.find("h1").text == "Check your email"
    assert "ada@example.test" in page.text

    confirmed = browser.page(link_in(mail, "/auth/confirm/"))
    assert confirmed.find("h1").text == "Email confirmed"
    assert "ada" in confirmed.text

    response = browser.submit(
        "/auth/login?next=/comments/hello", login="ADA@example.test", password=PASSWORD
    )
    assert response.status_code == 302
    assert response.headers["Location"] == "/comments/hello"
    assert signed_in_as(browser) == "ada"
    page = browser.page("/comments/hello")
    assert page.find("textarea", name="body")  # confirmed: may comment


def test_a_bad_confirmation_link_says_so(browser: Browser) -> None:
    response = browser.get("/auth/confirm/not-a-real-token")
    assert response.status_code == 422
    assert html_of(response).find("h1").text == "Link not valid"


def test_register_with_a_taken_username_shows_the_error_beside_the_field(
    browser: Browser, make_user: MakeUser
) -> None:
    make_user(username="grace")
    response = browser.submit(
        "/auth/register", email="other@example.test", username="Grace", password=PASSWORD
    )
    assert response.status_code == 409
    page = html_of(response)
    field = page.find("input", name="username")
    assert field.attrs["aria-invalid"] == "true"
    assert page.by_id(field.attrs["aria-describedby"]).text == "already taken"


def test_register_with_invalid_fields_is_a_422(browser: Browser, mail: Any) -> None:
    response = browser.submit("/auth/register", email="nope", username="a", password="short")
    assert response.status_code == 422
    page = html_of(response)
    for name in ("email", "username", "password"):
        assert page.find("input", name=name).attrs["aria-invalid"] == "true"
    assert mail.sent == []


def test_sign_in_by_username_goes_to_the_safe_next_page(
    browser: Browser, make_user: MakeUser
) -> None:
    user: User = make_user(username="grace")
    page = browser.page("/auth/login?next=/comments/hello")
    action = urlsplit(page.find("form", method="post", novalidate="").attrs["action"])
    assert action.path == "/auth/login" and parse_qs(action.query)["next"] == ["/comments/hello"]
    response = browser.submit("/auth/login?next=/comments/hello", login="Grace", password=PASSWORD)
    assert response.status_code == 302
    assert response.headers["Location"] == "/comments/hello"
    assert signed_in_as(browser) == user.username


@pytest.mark.parametrize(
    "unsafe",
    [
        "//evil.example",
        "https://evil.example",
        "/\\evil.example",
        "///evil.example",
        "javascript:alert(1)",
        "/\t/evil.example",
        "http:/evil.example",
    ],
)
def test_an_unsafe_next_sends_the_reader_home(
    browser: Browser, make_user: MakeUser, unsafe: str
) -> None:
    user = make_user()
    path = "/auth/login?" + urlencode({"next": unsafe})
    response = browser.submit(path, login=user.username, password=PASSWORD)
    assert response.status_code == 302
    assert response.headers["Location"] == "/"
    assert signed_in_as(browser) == user.username


def test_a_wrong_password_shows_an_error_and_401(browser: Browser, make_user: MakeUser) -> None:
    user = make_user()
    response = browser.submit("/auth/login", login=user.username, password="not the password")
    assert response.status_code == 401
    page = html_of(response)
    field = page.find("input", name="password")
    assert field.attrs["aria-invalid"] == "true"
    assert page.by_id(field.attrs["aria-describedby"]).text == "Wrong login or password."
    assert page.find("input", name="login").attrs["value"] == user.username
    assert "value" not in field.attrs or field.attrs["value"] == ""  # never echoed
    assert signed_in_as(browser) is None


def test_an_unconfirmed_account_can_sign_in_but_not_comment(
    browser: Browser, make_user: MakeUser
) -> None:
    user = make_user(confirmed=False)
    browser.login(user)
    assert signed_in_as(browser) == user.username
    assert "Confirm your email address" in browser.page("/comments/hello").text


# -- sign out ---------------------------------------------------------------------------------
def test_sign_out_ends_the_session_and_its_copies(
    browser: Browser, make_user: MakeUser, app: Flask
) -> None:
    browser.login(make_user(username="ada"))
    cookie = browser.client.get_cookie("session")
    assert cookie is not None
    page = browser.page("/comments/hello")
    sign_out = page.find("form", action="/auth/logout")
    assert sign_out.find("button").text == "Sign out"

    response = browser.submit("/comments/hello", "/auth/logout")
    assert response.status_code == 302 and response.headers["Location"] == "/"
    assert signed_in_as(browser) is None
    assert "Sign in" in browser.page("/comments/hello").text

    copy = Browser(app.test_client())
    copy.client.set_cookie("session", cookie.value)
    assert signed_in_as(copy) is None  # a copied cookie stops working too


def test_sign_out_needs_a_csrf_token(browser: Browser, make_user: MakeUser) -> None:
    browser.login(make_user(username="ada"))
    assert browser.client.post("/auth/logout").status_code == 400
    assert signed_in_as(browser) == "ada"
    assert browser.client.get("/auth/logout").status_code == 405


# -- reset ------------------------------------------------------------------------------------
def test_reset_a_forgotten_password_once(browser: Browser, make_user: MakeUser, mail: Any) -> None:
    user = make_user(username="ada")
    response = browser.submit("/auth/reset", email=user.email.upper())
    assert response.status_code == 200
    assert html_of(response).find("h1").text == "Check your email"

    link = link_in(mail, "/auth/reset/")
    form = browser.page(link)
    assert form.find("h1").text == "Choose a new password"
    for name in ("password", "confirm"):
        field = form.find("input", name=name)
        assert field.attrs["type"] == "password" and form.find("label", for_=field.attrs["id"])

    response = browser.submit(link, password=NEW_PASSWORD, confirm=NEW_PASSWORD)
    assert response.status_code == 302
    assert response.headers["Location"] == "/auth/login"
    assert "Your password is changed" in browser.page("/auth/login").text

    wrong = browser.submit("/auth/login", login="ada", password=PASSWORD)
    assert wrong.status_code == 401
    browser.login("ada", NEW_PASSWORD)
    assert signed_in_as(browser) == "ada"

    again = Browser(browser.client.application.test_client())
    reused = again.submit(link, password="yet another passphrase", confirm="yet another passphrase")
    assert reused.status_code == 422
    assert "already been used" in html_of(reused).text
    assert (
        again.submit("/auth/login", login="ada", password="yet another passphrase").status_code
        == 401
    )


def test_reset_with_mismatched_passwords_shows_the_error(
    browser: Browser, make_user: MakeUser, mail: Any
) -> None:
    user = make_user()
    browser.submit("/auth/reset", email=user.email)
    link = link_in(mail, "/auth/reset/")
    response = browser.submit(link, password=NEW_PASSWORD, confirm="something else")
    assert response.status_code == 422
    page = html_of(response)
    field = page.find("input", name="confirm")
    assert page.by_id(field.attrs["aria-describedby"]).text == "must match"


def test_a_reset_for_an_unknown_email_answers_the_same(browser: Browser, mail: Any) -> None:
    response = browser.submit("/auth/reset", email="nobody@example.test")
    assert response.status_code == 200
    assert html_of(response).find("h1").text == "Check your email"
    assert mail.sent == []
