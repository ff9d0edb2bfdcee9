"""Guests comment without an account: held or published as GUESTS says, marked as
guests, never passing for an account, and changing their comment only with its
edit token, within the edit window."""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask

from sidecar import deps
from sidecar.extensions import db
from sidecar.models import Action, Comment, Role, User
from tests.sidecar.conftest import ApiClient, MakeUser, error_of
from tests.sidecar.mailbox import signed

THREAD = "/api/posts/hello/comments"
ANN = {"name": "Ann Guest", "email": "Ann@Example.com", "website": "https://ann.example/"}


@pytest.fixture
def sidecar_config() -> dict[str, Any]:
    return {"GUESTS": "moderated"}


def as_guest(api: ApiClient, body: str = "hello from a guest", **guest: Any) -> Any:
    return api.post(THREAD, json={"body": body, "guest": {**ANN, **guest}})


def public_thread(app: Flask) -> dict[str, Any]:
    body: dict[str, Any] = app.test_client().get(THREAD).get_json()
    return body


def approve(app: Flask, comment_id: int, moderator: User) -> None:
    with app.test_request_context():
        deps.moderation().apply(
            db.session.get_one(User, moderator.id), Action.APPROVE, [comment_id]
        )


@pytest.fixture
def moderator(make_user: MakeUser) -> User:
    user: User = make_user(role=Role.MODERATOR, username="mod")
    return user


# -- who may comment ------------------------------------------------------------------------
@pytest.mark.parametrize("sidecar_config", [{}])
def test_without_guests_a_signed_out_reader_must_sign_in(app: Flask, api: ApiClient) -> None:
    response = as_guest(api)
    assert response.status_code == 401 and error_of(response)["code"] == "unauthorized"
    assert public_thread(app)["guests"] == "off"


def test_a_moderated_guest_comment_waits_then_shows_as_a_guest_s(
    app: Flask, api: ApiClient, moderator: User
) -> None:
    assert public_thread(app)["guests"] == "moderated"
    response = as_guest(api)
    assert response.status_code == 201, response.get_json()
    created = response.get_json()
    assert created["status"] == "pending" and created["edit_token"]
    assert created["author"] == {
        "username": "Ann Guest",
        "guest": True,
        "website": "https://ann.example/",
    }
    assert public_thread(app)["items"] == []

    approve(app, created["id"], moderator)
    shown = public_thread(app)
    (item,) = shown["items"]
    assert item["author"]["guest"] is True and item["body_html"] == "<p>hello from a guest</p>"
    # The address is stored for reply mail and shown nowhere.
    assert "ann@example.com" not in str(shown).lower()
    with app.app_context():
        assert db.session.get_one(Comment, created["id"]).guest_email == "ann@example.com"


@pytest.mark.parametrize(
    ("sidecar_config", "status"),
    [
        ({"GUESTS": "open", "MODERATION": "first"}, "approved"),
        ({"GUESTS": "open", "MODERATION": "none"}, "approved"),
        ({"GUESTS": "open", "MODERATION": "all"}, "pending"),
        ({"GUESTS": "moderated", "MODERATION": "none"}, "pending"),
    ],
)
def test_open_guests_follow_the_moderation_policy(
    app: Flask, api: ApiClient, sidecar_config: dict[str, Any], status: str
) -> None:
    response = as_guest(api)
    assert response.status_code == 201 and response.get_json()["status"] == status
    assert len(public_thread(app)["items"]) == (status == "approved")


def test_a_signed_in_reader_comments_as_themselves_whatever_they_send(
    app: Flask, api: ApiClient, make_user: MakeUser
) -> None:
    user = make_user()
    api.login(user)
    created = as_guest(api).get_json()
    assert created["author"] == {"username": user.username, "guest": False}
    assert "edit_token" not in created


def test_a_guest_may_reply_to_public_comments_only(
    app: Flask, api: ApiClient, moderator: User
) -> None:
    held = as_guest(api).get_json()
    reply = api.post(THREAD, json={"body": "me again", "parent_id": held["id"], "guest": ANN})
    assert reply.status_code == 422 and "parent_id" in error_of(reply)["fields"]
    approve(app, held["id"], moderator)
    reply = api.post(THREAD, json={"body": "me again", "parent_id": held["id"], "guest": ANN})
    assert reply.status_code == 201 and reply.get_json()["parent_id"] == held["id"]


def test_a_retried_guest_comment_is_stored_once(app: Flask, api: ApiClient) -> None:
    key = {"Idempotency-Key": "guest-retry-0001"}
    payload = {"body": "only once", "guest": ANN}
    first = api.post(THREAD, json=payload, headers=key)
    again = api.post(THREAD, json=payload, headers=key)
    assert first.status_code == again.status_code == 201
    assert again.get_json()["id"] == first.get_json()["id"]
    with app.app_context():
        assert db.session.query(Comment).count() == 1


def test_another_guest_replaying_a_key_gets_no_edit_token_for_the_comment(
    app: Flask, api: ApiClient
) -> None:
    """A replay answers with a new edit token: only for the same name and address."""
    key = {"Idempotency-Key": "guest-retry-0002"}
    first = api.post(THREAD, json={"body": "mine", "guest": ANN}, headers=key)
    assert first.status_code == 201
    other = ApiClient(app.test_client())
    for guest in ({**ANN, "name": "Mallory"}, {**ANN, "email": "mallory@example.com"}):
        stolen = other.post(THREAD, json={"body": "mine", "guest": guest}, headers=key)
        assert stolen.status_code == 409, stolen.get_json()
        assert error_of(stolen)["code"] == "idempotency_key_reused"
        assert "edit_token" not in stolen.get_json()
    with app.app_context():
        assert db.session.query(Comment).count() == 1


# -- names ----------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "name",
    [
        "admin",
        "Admin",
        "ADMIN",
        "ADM1N",
        "AdmIn ",
        "a.d.m.i.n",
        "Ad Min",
        "\u0430dmin",
        "ＡＤＭＩＮ",
    ],
)
def test_a_guest_cannot_take_a_name_that_reads_as_an_account_s(
    app: Flask, api: ApiClient, make_user: MakeUser, name: str
) -> None:
    make_user(username="admin")
    response = as_guest(api, name=name)
    assert response.status_code == 409, response.get_json()
    error = error_of(response)
    assert error["code"] == "name_taken"
    assert error["fields"] == {"guest.name": "looks like a registered username"}
    with app.app_context():
        assert db.session.query(Comment).count() == 0


def test_names_unlike_any_account_s_are_free(api: ApiClient, make_user: MakeUser) -> None:
    make_user(username="admin")
    for name in ("Adam", "Ann", "Administrator Jones", "Zoë"):
        assert as_guest(api, name=name).status_code == 201, name


@pytest.mark.parametrize(
    ("guest", "field"),
    [
        ({"name": ""}, "name"),
        ({"name": "   "}, "name"),
        ({"name": "x" * 61}, "name"),
        ({"name": "two\nlines"}, "name"),
        ({"name": "evil\u202eresu"}, "name"),  # a right-to-left override
        ({"name": "!!!"}, "name"),
        ({"website": "javascript:alert(1)"}, "website"),
        ({"website": "ftp://files.example/"}, "website"),
        ({"website": "https://" + "a" * 300 + ".example/"}, "website"),
        ({"email": "not an address"}, "email"),
    ],
)
def test_what_a_guest_gives_is_checked(api: ApiClient, guest: dict[str, Any], field: str) -> None:
    response = as_guest(api, **guest)
    assert response.status_code == 422, response.get_json()
    assert f"guest.{field}" in error_of(response)["fields"]


def test_optional_fields_may_be_left_blank(api: ApiClient) -> None:
    response = api.post(
        THREAD, json={"body": "just a name", "guest": {"name": "Bo", "email": "", "website": ""}}
    )
    assert response.status_code == 201
    assert response.get_json()["author"] == {"username": "Bo", "guest": True, "website": None}


# -- the edit token -------------------------------------------------------------------------
def test_the_edit_token_edits_and_deletes_that_comment(
    app: Flask, api: ApiClient, moderator: User
) -> None:
    created = as_guest(api).get_json()
    approve(app, created["id"], moderator)
    token = {"X-Edit-Token": created["edit_token"]}
    edited = api.patch(
        f"/api/comments/{created['id']}", json={"body": "second thoughts"}, headers=token
    )
    assert edited.status_code == 200, edited.get_json()
    # Moderated guests' edits are reviewed again, like their comments.
    assert edited.get_json()["status"] == "pending"
    assert public_thread(app)["items"] == []

    assert api.delete(f"/api/comments/{created['id']}", headers=token).status_code == 204
    again = api.patch(f"/api/comments/{created['id']}", json={"body": "back"}, headers=token)
    assert again.status_code == 404


def test_without_a_token_a_guest_changes_nothing(app: Flask, api: ApiClient) -> None:
    created = as_guest(api).get_json()
    response = api.patch(f"/api/comments/{created['id']}", json={"body": "x"})
    assert response.status_code == 401
    assert api.delete(f"/api/comments/{created['id']}").status_code == 401


def test_a_tampered_or_borrowed_token_is_refused(
    app: Flask, api: ApiClient, make_user: MakeUser
) -> None:
    mine = as_guest(api, body="mine").get_json()
    theirs = as_guest(api, body="theirs").get_json()
    user = make_user()
    with app.test_request_context():
        account_comment = deps.comments().create(db.session.get(User, user.id), "hello", "hi").id
    token = mine["edit_token"]
    forged = token[:-4] + ("AAAA" if not token.endswith("AAAA") else "BBBB")
    for comment_id, header in [
        (mine["id"], forged),
        (theirs["id"], token),  # a real token, for another comment
        (account_comment, token),
    ]:
        response = api.patch(
            f"/api/comments/{comment_id}",
            json={"body": "hijacked"},
            headers={"X-Edit-Token": header},
        )
        assert response.status_code == 403, (comment_id, response.get_json())
        assert (
            api.delete(f"/api/comments/{comment_id}", headers={"X-Edit-Token": header}).status_code
            == 403
        )
    # A token made with the right secret for a comment with another secret.
    guessed = signed(app, "frostpress.guest-edit", {"c": theirs["id"], "s": "0" * 32})
    response = api.delete(f"/api/comments/{theirs['id']}", headers={"X-Edit-Token": guessed})
    assert response.status_code == 403 and error_of(response)["code"] == "edit_token_invalid"
    with app.app_context():
        bodies = {c.id: c.body_source for c in db.session.query(Comment)}
    assert bodies == {mine["id"]: "mine", theirs["id"]: "theirs", account_comment: "hi"}


def test_the_token_expires_with_the_edit_window(app: Flask, api: ApiClient) -> None:
    created = as_guest(api).get_json()
    window = app.config["EDIT_WINDOW_SECONDS"]

    with app.app_context():
        secret = db.session.get_one(Comment, created["id"]).guest_secret
    payload = {"c": created["id"], "s": secret}
    fresh = signed(app, "frostpress.guest-edit", payload)
    old = signed(app, "frostpress.guest-edit", payload, age=window + 5)
    response = api.patch(
        f"/api/comments/{created['id']}", json={"body": "late"}, headers={"X-Edit-Token": old}
    )
    assert response.status_code == 403 and error_of(response)["code"] == "edit_window_closed"
    assert (
        api.delete(f"/api/comments/{created['id']}", headers={"X-Edit-Token": old}).status_code
        == 403
    )
    # The same token, made now, works: only its age was wrong.
    assert (
        api.delete(f"/api/comments/{created['id']}", headers={"X-Edit-Token": fresh}).status_code
        == 204
    )


def test_a_moderator_may_still_edit_a_guest_s_comment(
    app: Flask, api: ApiClient, moderator: User
) -> None:
    created = as_guest(api).get_json()
    mod = ApiClient(app.test_client())
    mod.login(moderator)
    response = mod.patch(f"/api/comments/{created['id']}", json={"body": "tidied"})
    assert response.status_code == 200 and response.get_json()["body"] == "tidied"


def test_a_guest_s_reply_reaches_the_author_s_replies(
    app: Flask, api: ApiClient, make_user: MakeUser, moderator: User
) -> None:
    user = make_user()
    with app.test_request_context():
        parent = deps.comments().create(db.session.get(User, user.id), "hello", "a question").id
    reply = api.post(THREAD, json={"body": "an answer", "parent_id": parent, "guest": ANN})
    approve(app, reply.get_json()["id"], moderator)
    reader = ApiClient(app.test_client())
    reader.login(user)
    (item,) = reader.get("/api/me/replies").get_json()["items"]
    assert item["author"]["username"] == "Ann Guest" and item["author"]["guest"] is True
