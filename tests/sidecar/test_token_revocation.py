"""Ending sessions ends API tokens too: a reset, a password change, signing out.

Before, a token made by someone who had stolen a session kept working after
the owner reset the password or signed out everywhere.
"""

from __future__ import annotations

from flask import Flask

from sidecar.models import User
from tests.sidecar.browser import Browser
from tests.sidecar.conftest import ApiClient, Mailbox, MakeUser, error_of, link_in

PASSWORD = "correct horse battery"


def _token(api: ApiClient, name: str = "script") -> str:
    response = api.post("/api/auth/tokens", json={"name": name})
    assert response.status_code == 201, response.get_json()
    return str(response.get_json()["token"])


def _works(app: Flask, token: str) -> bool:
    response = app.test_client().get("/api/auth/me", headers={"Authorization": f"Bearer {token}"})
    if response.status_code == 401:
        assert error_of(response)["code"] == "invalid_token"
    return bool(response.status_code == 200)


def test_a_password_reset_revokes_every_token(
    app: Flask, api: ApiClient, browser: Browser, ada: User, mail: Mailbox
) -> None:
    api.login(ada)
    tokens = [_token(api, "one"), _token(api, "two")]
    assert all(_works(app, t) for t in tokens)
    browser.submit("/auth/reset", email=ada.email)
    link = link_in(mail, "/auth/reset/")
    done = browser.submit(link, password="a new long secret", confirm="a new long secret")
    assert done.status_code == 302
    assert not any(_works(app, t) for t in tokens)
    page = browser.get("/auth/login").get_data(as_text=True)
    assert "API token" in page  # the person is told their tokens ended


def test_signing_out_everywhere_revokes_every_token(app: Flask, api: ApiClient, ada: User) -> None:
    api.login(ada)
    token = _token(api)
    assert api.post("/api/auth/logout").status_code == 204
    assert not _works(app, token)


def test_changing_the_password_revokes_tokens_and_other_sessions(
    app: Flask, api: ApiClient, ada: User
) -> None:
    other = ApiClient(app.test_client())
    other.login(ada)
    api.login(ada)
    token = _token(api)
    changed = api.post(
        "/api/auth/password",
        json={"current_password": PASSWORD, "new_password": "a new long secret"},
    )
    assert changed.status_code == 200, changed.get_json()
    assert not _works(app, token)
    assert other.get("/api/auth/me").status_code == 401  # the other browser is signed out
    assert api.get("/api/auth/me").status_code == 200  # this one has a new session
    wrong = api.post(
        "/api/auth/password", json={"current_password": "nope", "new_password": "whatever long"}
    )
    assert wrong.status_code == 401


def test_the_owner_lists_working_tokens_and_revokes_one(
    app: Flask, api: ApiClient, ada: User, make_user: MakeUser
) -> None:
    api.login(ada)
    _token(api, "laptop")
    _token(api, "ci")
    listing = api.get("/api/auth/tokens").get_json()
    assert [t["name"] for t in listing["items"]] == ["laptop", "ci"]
    assert listing["total"] == 2
    assert all(set(t) == {"id", "name", "created_at", "last_used_at"} for t in listing["items"])
    first = listing["items"][0]["id"]
    assert api.delete(f"/api/auth/tokens/{first}").status_code == 204
    assert [t["name"] for t in api.get("/api/auth/tokens").get_json()["items"]] == ["ci"]

    stranger = ApiClient(app.test_client())
    stranger.login(make_user())
    assert stranger.get("/api/auth/tokens").get_json()["items"] == []
    assert app.test_client().get("/api/auth/tokens").status_code == 401
