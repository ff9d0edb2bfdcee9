"""Accounts over JSON: register, log in and out, who am I, password reset, API tokens."""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask
from werkzeug.test import TestResponse

from sidecar.database import now_utc
from sidecar.extensions import db
from sidecar.models import User
from tests.sidecar.conftest import ApiClient, MakeUser, error_of, link_in
from tests.sidecar.mailbox import links_in

PASSWORD = "correct horse battery"


def register(api: ApiClient, **fields: str) -> Any:
    data = {"email": "ada@example.test", "username": "ada", "password": PASSWORD, **fields}
    return api.post("/api/auth/register", json=data)


def set_cookie_header(response: TestResponse, name: str) -> str:
    found = [h for h in response.headers.getlist("Set-Cookie") if h.startswith(f"{name}=")]
    assert len(found) == 1, response.headers.getlist("Set-Cookie")
    return found[0]


# -- register -------------------------------------------------------------------------------
def test_register_answers_201_and_mails_a_confirmation_link(api: ApiClient, mail) -> None:
    response = register(api, email="Ada@Example.TEST")
    assert response.status_code == 201
    assert response.get_json() == {
        "email": "ada@example.test",
        "username": "ada",
        "confirmation": "sent",
    }
    assert [m.to for m in mail.sent] == ["ada@example.test"]
    assert api.get(link_in(mail, "/auth/confirm/")).status_code == 200
    me = api.post("/api/auth/login", json={"login": "ada", "password": PASSWORD})
    assert me.status_code == 200 and me.get_json()["email_confirmed"] is True


def test_register_with_a_known_email_answers_the_same_and_mails_the_owner(
    app: Flask, make_user: MakeUser, mail
) -> None:
    owner = make_user(username="grace")
    known, new = ApiClient(app.test_client()), ApiClient(app.test_client())
    response = register(known, email=owner.email.upper(), username="newcomer")
    fresh = register(new, email="someone.new@example.test", username="fresh")
    assert response.status_code == fresh.status_code == 201
    assert response.get_json() == {
        "email": owner.email,
        "username": "newcomer",
        "confirmation": "sent",
    }
    assert set(response.get_json()) == set(fresh.get_json())
    assert sorted(response.headers.keys()) == sorted(fresh.headers.keys())
    # both are signed in at once, to an unconfirmed account of the name they chose
    me, fresh_me = known.get("/api/auth/me").get_json(), new.get("/api/auth/me").get_json()
    assert (me["username"], me["email_confirmed"]) == ("newcomer", False)
    assert (fresh_me["username"], fresh_me["email_confirmed"]) == ("fresh", False)
    assert set(me) == set(fresh_me)
    to_owner = [m for m in mail.sent if m.to == owner.email]
    assert len(to_owner) == 1 and "/auth/confirm/" not in to_owner[0].body
    assert "/auth/reset" in to_owner[0].body
    # The owner's account is untouched: its password, and its address for signing in.
    login = ApiClient(app.test_client()).post(
        "/api/auth/login", json={"login": owner.email, "password": PASSWORD}
    )
    assert login.status_code == 200 and login.get_json()["username"] == "grace"
    # Asking again answers the same, but the owner hears of it once a day at most,
    # however many accounts ask.
    assert known.post("/api/auth/confirm/resend", json={}).status_code == 202
    third = ApiClient(app.test_client())
    assert register(third, email=owner.email, username="another").status_code == 201
    assert [m for m in mail.sent if m.to == owner.email] == to_owner


def test_registering_signs_in_at_once_and_commenting_waits_for_the_confirmation(
    api: ApiClient, mail
) -> None:
    response = register(api)
    assert response.status_code == 201 and response.headers["X-CSRFToken"]
    assert "session=" in response.headers.get("Set-Cookie", "")
    me = api.get("/api/auth/me")
    assert me.status_code == 200 and me.get_json()["email_confirmed"] is False
    api.token = response.headers["X-CSRFToken"]
    held = api.post("/api/posts/hello/comments", json={"body": "first!"})
    assert held.status_code == 403 and error_of(held)["code"] == "email_unconfirmed"
    assert api.get(link_in(mail, "/auth/confirm/")).status_code == 200
    posted = api.post("/api/posts/hello/comments", json={"body": "first!"})
    assert posted.status_code == 201, posted.get_json()


def test_two_accounts_may_wait_on_one_address_but_only_one_is_confirmed(app: Flask, mail) -> None:
    first, second = ApiClient(app.test_client()), ApiClient(app.test_client())
    assert register(first, username="first").status_code == 201
    assert register(second, username="second").status_code == 201
    links = links_in(mail, "/auth/confirm/")
    assert len(links) == 2  # nobody had confirmed the address yet: each got a link
    assert first.get(links[0]).status_code == 200
    late = second.get(links[1])
    assert late.status_code == 409 and "Another account" in late.get_data(as_text=True)
    with app.app_context():
        confirmed = db.session.scalars(
            db.select(User.username).where(User.email_confirmed_at.is_not(None))
        ).all()
    assert confirmed == ["first"]
    # signing in by the address reaches the confirmed account
    login = ApiClient(app.test_client()).post(
        "/api/auth/login", json={"login": "ada@example.test", "password": PASSWORD}
    )
    assert login.status_code == 200 and login.get_json()["username"] == "first"


@pytest.mark.parametrize("taken", ["ada", "ADA", "Ada"])
def test_register_with_a_taken_username_is_409_whatever_the_case(
    api: ApiClient, make_user: MakeUser, mail, taken: str
) -> None:
    make_user(username="Ada")
    response = register(api, email="other@example.test", username=taken)
    assert response.status_code == 409
    error = error_of(response)
    assert error["code"] == "username_taken" and "username" in error["fields"]
    assert mail.sent == []


@pytest.mark.parametrize(
    ("fields", "bad_field"),
    [
        ({"email": "not-an-email"}, "email"),
        ({"email": "ada@"}, "email"),
        ({"email": ""}, "email"),
        ({"password": "short"}, "password"),
        ({"password": "x" * 257}, "password"),
        ({"username": "ab"}, "username"),
        ({"username": "a" * 41}, "username"),
        ({"username": "has space"}, "username"),
        ({"username": "<script>"}, "username"),
        ({"username": "ada@home"}, "username"),
    ],
)
def test_register_rejects_bad_fields_with_422_naming_the_field(
    api: ApiClient, mail, fields: dict[str, str], bad_field: str
) -> None:
    response = register(api, **fields)
    assert response.status_code == 422
    error = error_of(response)
    assert error["code"] == "invalid"
    assert set(error["fields"]) == {bad_field}
    assert mail.sent == []


@pytest.mark.parametrize("missing", ["email", "username", "password"])
def test_register_without_a_field_is_422_naming_it(api: ApiClient, missing: str) -> None:
    data = {"email": "ada@example.test", "username": "ada", "password": PASSWORD}
    del data[missing]
    response = api.post("/api/auth/register", json=data)
    assert response.status_code == 422
    assert missing in error_of(response)["fields"]


def test_register_without_a_csrf_token_is_400(app: Flask, mail) -> None:
    response = app.test_client().post(
        "/api/auth/register",
        json={"email": "ada@example.test", "username": "ada", "password": PASSWORD},
    )
    assert response.status_code == 400
    assert error_of(response)["code"] == "csrf_failed"
    assert mail.sent == []


# -- login ----------------------------------------------------------------------------------
@pytest.mark.parametrize("login", ["ada", "ADA", "ada@example.test", "Ada@Example.Test", " ada "])
def test_login_by_email_or_username_in_any_case(
    api: ApiClient, make_user: MakeUser, login: str
) -> None:
    user = make_user(username="ada")
    before = api.csrf()
    response = api.post("/api/auth/login", json={"login": login, "password": PASSWORD})
    assert response.status_code == 200
    body = response.get_json()
    assert body["id"] == user.id and body["username"] == "ada"
    assert body["email"] == "ada@example.test" and body["role"] == "commenter"
    assert body["email_confirmed"] is True and "created_at" in body
    assert "password" not in body and "password_hash" not in body
    new_token = response.headers["X-CSRFToken"]
    assert new_token and new_token != before
    assert api.get("/api/auth/me").get_json()["id"] == user.id


def test_login_starts_a_new_session_so_the_old_csrf_token_stops_working(
    app: Flask, make_user: MakeUser
) -> None:
    user = make_user()
    client = app.test_client()
    old = client.get("/api/csrf").get_json()["csrf_token"]
    login = client.post(
        "/api/auth/login",
        json={"login": user.username, "password": PASSWORD},
        headers={"X-CSRFToken": old},
    )
    new = login.headers["X-CSRFToken"]
    stale = client.post("/api/comments/preview", json={"body": "hi"}, headers={"X-CSRFToken": old})
    assert stale.status_code == 400 and error_of(stale)["code"] == "csrf_failed"
    fresh = client.post("/api/comments/preview", json={"body": "hi"}, headers={"X-CSRFToken": new})
    assert fresh.status_code == 200


def test_wrong_password_and_unknown_account_look_the_same(
    api: ApiClient, make_user: MakeUser
) -> None:
    make_user(username="ada")
    wrong = api.post("/api/auth/login", json={"login": "ada", "password": "not the password"})
    unknown = api.post("/api/auth/login", json={"login": "nobody", "password": PASSWORD})
    unknown_email = api.post(
        "/api/auth/login", json={"login": "nobody@example.test", "password": PASSWORD}
    )
    assert wrong.status_code == unknown.status_code == unknown_email.status_code == 401
    assert wrong.get_json() == unknown.get_json() == unknown_email.get_json()
    assert error_of(wrong)["code"] == "invalid_credentials"
    assert api.get("/api/auth/me").status_code == 401


def test_a_banned_account_cannot_log_in(app: Flask, api: ApiClient, make_user: MakeUser) -> None:
    user = make_user()
    with app.app_context():
        db.session.get_one(User, user.id).banned_at = now_utc()
        db.session.commit()
    response = api.post("/api/auth/login", json={"login": user.username, "password": PASSWORD})
    assert response.status_code == 403
    assert error_of(response)["code"] == "banned"
    assert api.get("/api/auth/me").status_code == 401


def test_an_unconfirmed_user_can_log_in_but_not_comment(
    api: ApiClient, make_user: MakeUser
) -> None:
    user = make_user(confirmed=False)
    assert api.login(user).get_json()["email_confirmed"] is False
    response = api.post("/api/posts/hello/comments", json={"body": "hello"})
    assert response.status_code == 403
    assert error_of(response)["code"] == "email_unconfirmed"
    assert api.get("/api/posts/hello/comments").get_json()["items"] == []


# -- me, logout, cookies --------------------------------------------------------------------
def test_me_signed_out_is_401(api: ApiClient) -> None:
    response = api.get("/api/auth/me")
    assert response.status_code == 401
    assert error_of(response)["code"] == "unauthorized"


def test_logout_is_204_and_ends_the_session(api: ApiClient, make_user: MakeUser) -> None:
    api.login(make_user())
    assert api.get("/api/auth/me").status_code == 200
    response = api.post("/api/auth/logout")
    assert response.status_code == 204 and response.get_data() == b""
    assert api.get("/api/auth/me").status_code == 401


@pytest.mark.parametrize("cookie", ["session", "remember_token"])
def test_a_cookie_copied_before_logout_stops_working_after_it(
    app: Flask, make_user: MakeUser, cookie: str
) -> None:
    user = make_user()
    api = ApiClient(app.test_client())
    api.post(
        "/api/auth/login", json={"login": user.username, "password": PASSWORD, "remember": True}
    )
    copied = api.client.get_cookie(cookie)
    assert copied is not None
    thief = app.test_client()
    thief.set_cookie(cookie, copied.value)
    assert thief.get("/api/auth/me").status_code == 200
    assert api.post("/api/auth/logout").status_code == 204
    assert thief.get("/api/auth/me").status_code == 401


def test_the_session_cookie_is_httponly_and_samesite_lax(
    api: ApiClient, make_user: MakeUser
) -> None:
    response = api.login(make_user())
    header = set_cookie_header(response, "session")
    assert "HttpOnly" in header and "SameSite=Lax" in header
    assert not any(h.startswith("remember_token=") for h in response.headers.getlist("Set-Cookie"))


def test_remember_me_sets_an_httponly_samesite_lax_cookie(
    api: ApiClient, make_user: MakeUser
) -> None:
    user = make_user()
    response = api.post(
        "/api/auth/login", json={"login": user.username, "password": PASSWORD, "remember": True}
    )
    assert response.status_code == 200
    header = set_cookie_header(response, "remember_token")
    assert "HttpOnly" in header and "SameSite=Lax" in header and "Expires=" in header


# -- password reset -------------------------------------------------------------------------
def test_a_mailed_reset_link_changes_the_password_once(
    app: Flask, api: ApiClient, make_user: MakeUser, mail
) -> None:
    user = make_user()
    with app.app_context():  # the HTML form's validator refuses the reserved .test domain
        db.session.get_one(User, user.id).email = "reset.me@example.com"
        db.session.commit()
    asked = api.post("/auth/reset", data={"email": "Reset.Me@example.com"})
    assert asked.status_code == 200
    link = link_in(mail, "/auth/reset/")
    used = api.post(link, data={"password": "a brand new secret", "confirm": "a brand new secret"})
    assert used.status_code == 302
    again = api.post(link, data={"password": "another new secret", "confirm": "another new secret"})
    assert again.status_code in (400, 410, 422)

    def login(password: str) -> int:
        return api.post(
            "/api/auth/login", json={"login": user.username, "password": password}
        ).status_code

    assert login(PASSWORD) == 401
    assert login("another new secret") == 401
    assert login("a brand new secret") == 200


# -- API tokens -----------------------------------------------------------------------------
def new_token(api: ApiClient, name: str = "my script") -> dict[str, Any]:
    response = api.post("/api/auth/tokens", json={"name": name})
    assert response.status_code == 201, response.get_json()
    return dict(response.get_json())


def test_a_token_is_shown_once_and_works_without_cookies_or_csrf(
    app: Flask, api: ApiClient, make_user: MakeUser
) -> None:
    user = make_user()
    api.login(user)
    created = new_token(api)
    assert set(created) == {"id", "name", "token", "created_at"}
    assert created["name"] == "my script" and len(created["token"]) >= 32

    bot = app.test_client()  # no cookies, no CSRF token
    auth = {"Authorization": f"Bearer {created['token']}"}
    me = bot.get("/api/auth/me", headers=auth)
    assert me.status_code == 200 and me.get_json()["id"] == user.id
    posted = bot.post("/api/posts/hello/comments", json={"body": "from a script"}, headers=auth)
    assert posted.status_code == 201, posted.get_json()
    assert posted.get_json()["author"] == {"username": user.username, "guest": False}
    assert "Set-Cookie" not in posted.headers
    assert bot.get_cookie("session") is None
    thread = api.get("/api/posts/hello/comments").get_json()["items"]
    assert [c["body_html"] for c in thread] == ["<p>from a script</p>"]


@pytest.mark.parametrize(
    "header",
    ["Bearer fp_not-a-real-token", "Bearer nonsense", "Bearer ", "Basic dXNlcjpwYXNz", "Token x"],
)
def test_a_wrong_token_is_401(app: Flask, header: str) -> None:
    response = app.test_client().post(
        "/api/posts/hello/comments", json={"body": "hi"}, headers={"Authorization": header}
    )
    assert response.status_code == 401
    assert error_of(response)["code"] == "invalid_token"


def test_a_revoked_token_is_401_and_revoking_is_204(
    app: Flask, api: ApiClient, make_user: MakeUser
) -> None:
    api.login(make_user())
    created = new_token(api)
    auth = {"Authorization": f"Bearer {created['token']}"}
    bot = app.test_client()
    assert bot.get("/api/auth/me", headers=auth).status_code == 200
    deleted = api.delete(f"/api/auth/tokens/{created['id']}")
    assert deleted.status_code == 204 and deleted.get_data() == b""
    after = bot.get("/api/auth/me", headers=auth)
    assert after.status_code == 401 and error_of(after)["code"] == "invalid_token"
    assert api.delete(f"/api/auth/tokens/{created['id']}").status_code == 404


def test_another_users_token_cannot_be_revoked(
    app: Flask, api: ApiClient, make_user: MakeUser
) -> None:
    api.login(make_user())
    created = new_token(api)
    other = ApiClient(app.test_client())
    other.login(make_user())
    response = other.delete(f"/api/auth/tokens/{created['id']}")
    assert response.status_code == 404
    assert error_of(response)["code"] == "token_not_found"
    assert other.delete("/api/auth/tokens/999999").status_code == 404
    bot = app.test_client()
    assert (
        bot.get("/api/auth/me", headers={"Authorization": f"Bearer {created['token']}"}).status_code
        == 200
    )


def test_tokens_need_a_signed_in_user_and_a_name(api: ApiClient, make_user: MakeUser) -> None:
    signed_out = api.post("/api/auth/tokens", json={"name": "x"})
    assert signed_out.status_code == 401
    assert api.delete("/api/auth/tokens/1").status_code == 401
    api.login(make_user())
    for body, field in (({"name": ""}, "name"), ({}, "name"), ({"name": "x" * 81}, "name")):
        response = api.post("/api/auth/tokens", json=body)
        assert response.status_code == 422
        assert field in error_of(response)["fields"]
