"""Comment threads over JSON: write, reply, moderate, edit, delete, preview, count."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from flask import Flask

from sidecar import deps
from sidecar.database import now_utc
from sidecar.extensions import db
from sidecar.models import Comment, Role, User
from tests.sidecar.conftest import ApiClient, MakeUser, error_of, statements_during

THREAD = "/api/posts/hello/comments"
COMMENT_KEYS = {"id", "parent_id", "author", "body_html", "status", "created_at", "edited_at"}


def seed(
    app: Flask,
    author: User,
    body: str = "seeded",
    parent_id: int | None = None,
    slug: str = "hello",
) -> int:
    """A comment written through the service (no HTTP, so no rate limit)."""
    with app.test_request_context():
        user = db.session.get(User, author.id)
        return deps.comments().create(user, slug, body, parent_id).id


def update_comment(app: Flask, comment_id: int, **values: Any) -> None:
    with app.app_context():
        comment = db.session.get(Comment, comment_id)
        for name, value in values.items():
            setattr(comment, name, value)
        db.session.commit()


def thread(client: Any, slug: str = "hello") -> list[dict[str, Any]]:
    response = client.get(f"/api/posts/{slug}/comments")
    assert response.status_code == 200
    body = response.get_json()
    assert body["total"] == sum(c["parent_id"] is None for c in body["items"])  # top-level
    return list(body["items"])


def signed_in(app: Flask, user: User) -> ApiClient:
    client = ApiClient(app.test_client())
    client.login(user)
    return client


# -- create ---------------------------------------------------------------------------------
def test_a_comment_is_created_approved_and_shown_to_everyone(
    app: Flask, api: ApiClient, make_user: MakeUser
) -> None:
    user = make_user()
    api.login(user)
    response = api.post(THREAD, json={"body": "Nice *post*"})
    assert response.status_code == 201
    created = response.get_json()
    assert set(created) >= COMMENT_KEYS
    assert created["status"] == "approved" and created["parent_id"] is None
    assert created["author"] == {"username": user.username, "guest": False}
    assert created["body_html"] == "<p>Nice <em>post</em></p>"
    assert created["edited_at"] is None
    anonymous = thread(app.test_client())
    assert [c["id"] for c in anonymous] == [created["id"]]
    assert set(anonymous[0]) == COMMENT_KEYS | {"post"}  # no Markdown source for readers
    assert created["body"] == "Nice *post*"  # the author's editor opens on their words
    assert thread(api)[0]["body"] == "Nice *post*"
    assert api.get("/api/counts?slugs=hello").get_json() == {"hello": 1}


@pytest.mark.parametrize(
    ("slug", "sign_in", "status", "code"),
    [
        ("hello", False, 401, "unauthorized"),
        ("nope", True, 404, "post_not_found"),
        ("draft", True, 404, "post_not_found"),
        ("later", True, 404, "post_not_found"),
    ],
)
def test_commenting_signed_out_or_on_an_unpublished_post_fails(
    api: ApiClient, make_user: MakeUser, slug: str, sign_in: bool, status: int, code: str
) -> None:
    if sign_in:
        api.login(make_user())
    response = api.post(f"/api/posts/{slug}/comments", json={"body": "hi"})
    assert response.status_code == status
    assert error_of(response)["code"] == code
    thread_status = api.get(f"/api/posts/{slug}/comments").status_code
    assert thread_status == (200 if slug == "hello" else 404)


@pytest.mark.parametrize(
    ("payload", "field", "in_message"),
    [
        ({"body": ""}, "body", ""),
        ({"body": "   \n\t "}, "body", ""),
        ({"body": "x" * 8001}, "body", "8000"),
        ({}, "body", ""),
        ({"body": None}, "body", ""),
        ({"body": 42}, "body", ""),
        ({"body": "hi", "parent_id": 0}, "parent_id", ""),
        ({"body": "hi", "parent_id": "first"}, "parent_id", ""),
        ({"body": "hi", "parent_id": 999999}, "parent_id", ""),
    ],
)
def test_invalid_comments_are_422_naming_the_field(
    api: ApiClient, make_user: MakeUser, payload: dict[str, Any], field: str, in_message: str
) -> None:
    api.login(make_user())
    response = api.post(THREAD, json=payload)
    assert response.status_code == 422
    error = error_of(response)
    assert field in error["fields"]
    assert in_message in error["message"] + error["fields"][field]
    assert thread(api) == []


def test_a_comment_of_exactly_8000_characters_is_accepted(
    api: ApiClient, make_user: MakeUser
) -> None:
    api.login(make_user())
    assert api.post(THREAD, json={"body": "x" * 8000}).status_code == 201


# -- replies --------------------------------------------------------------------------------
def test_a_reply_to_a_comment_on_another_post_is_422(
    app: Flask, api: ApiClient, make_user: MakeUser
) -> None:
    elsewhere = seed(app, make_user(), "on the second post", slug="second")
    api.login(make_user())
    response = api.post(THREAD, json={"body": "reply", "parent_id": elsewhere})
    assert response.status_code == 422
    assert "parent_id" in error_of(response)["fields"]
    assert thread(api) == []


def test_replies_deeper_than_five_attach_to_the_deepest_allowed_ancestor(
    app: Flask, api: ApiClient, make_user: MakeUser
) -> None:
    author = make_user()
    chain: list[int] = []
    for depth in range(5):  # depths 0..4: five levels, the most allowed
        chain.append(seed(app, author, f"depth {depth}", chain[-1] if chain else None))
    assert [c["parent_id"] for c in thread(api)] == [None, *chain[:-1]]

    api.login(make_user())
    too_deep = api.post(THREAD, json={"body": "sixth level?", "parent_id": chain[4]})
    assert too_deep.status_code == 201
    assert too_deep.get_json()["parent_id"] == chain[3]
    allowed = api.post(THREAD, json={"body": "fifth level", "parent_id": chain[3]})
    assert allowed.get_json()["parent_id"] == chain[3]
    shown = {c["id"]: c["parent_id"] for c in thread(api)}
    assert shown[too_deep.get_json()["id"]] == chain[3]


# -- moderation -----------------------------------------------------------------------------
@pytest.mark.parametrize("sidecar_config", [{"MODERATION": "first"}])
def test_first_comment_is_held_until_approved_then_later_ones_pass(
    app: Flask, api: ApiClient, make_user: MakeUser
) -> None:
    author = make_user()
    api.login(author)
    first = api.post(THREAD, json={"body": "my first"})
    assert first.status_code == 201 and first.get_json()["status"] == "pending"
    first_id = first.get_json()["id"]
    assert [(c["id"], c["status"]) for c in thread(api)] == [(first_id, "pending")]
    assert thread(app.test_client()) == []
    assert thread(signed_in(app, make_user())) == []
    assert api.get("/api/counts?slugs=hello").get_json() == {"hello": 0}

    second = api.post(THREAD, json={"body": "still waiting"})
    assert second.get_json()["status"] == "pending"

    update_comment(app, first_id, status="approved")  # what a moderator will do
    third = api.post(THREAD, json={"body": "now trusted"})
    assert third.get_json()["status"] == "approved"
    assert [c["id"] for c in thread(app.test_client())] == [first_id, third.get_json()["id"]]


@pytest.mark.parametrize(
    ("sidecar_config", "statuses"),
    [
        ({"MODERATION": "all"}, ["pending", "pending"]),
        ({"MODERATION": "none"}, ["approved", "approved"]),
    ],
)
def test_moderation_all_holds_every_comment_and_none_holds_none(
    app: Flask, api: ApiClient, make_user: MakeUser, statuses: list[str]
) -> None:
    api.login(make_user())
    first = api.post(THREAD, json={"body": "one"}).get_json()
    update_comment(app, first["id"], status="approved")  # a moderator approved it
    second = api.post(THREAD, json={"body": "two"}).get_json()
    assert [first["status"], second["status"]] == statuses
    shown = [c["id"] for c in thread(app.test_client())]
    assert shown == [first["id"]] + ([second["id"]] if statuses[1] == "approved" else [])


@pytest.mark.parametrize("sidecar_config", [{"MODERATION": "first"}, {"MODERATION": "all"}])
@pytest.mark.parametrize("role", [Role.MODERATOR, Role.ADMIN])
def test_moderators_are_never_held(
    app: Flask, api: ApiClient, make_user: MakeUser, role: Role
) -> None:
    api.login(make_user(role=role))
    assert api.post(THREAD, json={"body": "staff"}).get_json()["status"] == "approved"
    assert len(thread(app.test_client())) == 1


# -- edit -----------------------------------------------------------------------------------
def test_the_author_edits_within_the_window(
    app: Flask, api: ApiClient, make_user: MakeUser
) -> None:
    api.login(make_user())
    created = api.post(THREAD, json={"body": "typo"}).get_json()
    response = api.patch(f"/api/comments/{created['id']}", json={"body": "fixed **now**"})
    assert response.status_code == 200
    edited = response.get_json()
    assert edited["body_html"] == "<p>fixed <strong>now</strong></p>"
    assert edited["edited_at"] is not None and edited["id"] == created["id"]
    shown = thread(app.test_client())[0]
    assert shown["body_html"] == edited["body_html"] and shown["edited_at"] is not None


@pytest.mark.parametrize(
    ("sidecar_config", "age"),
    [({}, timedelta(minutes=16)), ({"EDIT_WINDOW_SECONDS": 0}, None)],
    ids=["15-minute window, 16 minutes later", "no window"],
)
def test_editing_after_the_window_is_403(
    app: Flask, api: ApiClient, make_user: MakeUser, age: timedelta | None
) -> None:
    api.login(make_user())
    created = api.post(THREAD, json={"body": "original"}).get_json()
    if age:
        update_comment(app, created["id"], created_at=now_utc() - age)
    response = api.patch(f"/api/comments/{created['id']}", json={"body": "changed"})
    assert response.status_code == 403
    assert error_of(response)["code"] == "edit_window_closed"
    assert thread(api)[0]["body_html"] == "<p>original</p>"


@pytest.mark.parametrize(
    ("sidecar_config", "seconds"),
    [({}, 900), ({"EDIT_WINDOW_SECONDS": 120}, 120)],
    ids=["default", "two minutes"],
)
def test_the_thread_tells_clients_how_long_edits_stay_open(app: Flask, seconds: int) -> None:
    """The widget offers Edit only while the server would accept it."""
    body = app.test_client().get(THREAD).get_json()
    assert body["edit_window_seconds"] == seconds


def test_another_user_cannot_edit(app: Flask, make_user: MakeUser) -> None:
    comment = seed(app, make_user(), "mine")
    other = signed_in(app, make_user())
    response = other.patch(f"/api/comments/{comment}", json={"body": "yours now"})
    assert response.status_code == 403
    assert error_of(response)["code"] == "forbidden"
    assert thread(other)[0]["body_html"] == "<p>mine</p>"


@pytest.mark.parametrize("role", [Role.MODERATOR, Role.ADMIN])
def test_a_moderator_edits_any_time(app: Flask, make_user: MakeUser, role: Role) -> None:
    comment = seed(app, make_user(), "rude words")
    update_comment(app, comment, created_at=now_utc() - timedelta(days=30))
    moderator = signed_in(app, make_user(role=role))
    response = moderator.patch(f"/api/comments/{comment}", json={"body": "[removed]"})
    assert response.status_code == 200
    assert thread(app.test_client())[0]["body_html"] == "<p>[removed]</p>"


def test_edit_failures(app: Flask, api: ApiClient, make_user: MakeUser) -> None:
    author = make_user()
    comment = seed(app, author, "text")
    assert api.patch(f"/api/comments/{comment}", json={"body": "x"}).status_code == 401
    api.login(author)
    missing = api.patch("/api/comments/999999", json={"body": "x"})
    assert missing.status_code == 404 and error_of(missing)["code"] == "comment_not_found"
    empty = api.patch(f"/api/comments/{comment}", json={"body": " "})
    assert empty.status_code == 422 and "body" in error_of(empty)["fields"]
    long = api.patch(f"/api/comments/{comment}", json={"body": "y" * 8001})
    assert long.status_code == 422 and "8000" in error_of(long)["message"]
    assert thread(api)[0]["body_html"] == "<p>text</p>"


# -- delete ---------------------------------------------------------------------------------
@pytest.mark.parametrize("who", ["author", "moderator", "admin"])
def test_author_or_moderator_deletes_and_a_leaf_disappears(
    app: Flask, make_user: MakeUser, who: str
) -> None:
    author = make_user()
    keep, leaf = seed(app, author, "keep"), seed(app, author, "leaf")
    deleter = {
        "author": author,
        "moderator": make_user(role=Role.MODERATOR),
        "admin": make_user(role=Role.ADMIN),
    }[who]
    client = signed_in(app, deleter)
    response = client.delete(f"/api/comments/{leaf}")
    assert response.status_code == 204 and response.get_data() == b""
    assert [c["id"] for c in thread(app.test_client())] == [keep]
    assert client.get("/api/counts?slugs=hello").get_json() == {"hello": 1}
    assert client.delete(f"/api/comments/{leaf}").status_code == 404


def test_others_cannot_delete(app: Flask, api: ApiClient, make_user: MakeUser) -> None:
    comment = seed(app, make_user(), "mine")
    assert api.delete(f"/api/comments/{comment}").status_code == 401
    api.login(make_user())
    response = api.delete(f"/api/comments/{comment}")
    assert response.status_code == 403 and error_of(response)["code"] == "forbidden"
    assert [c["id"] for c in thread(api)] == [comment]


def test_a_deleted_comment_with_replies_stays_as_a_tombstone(
    app: Flask, api: ApiClient, make_user: MakeUser
) -> None:
    author = make_user()
    parent = seed(app, author, "parent text")
    reply = seed(app, make_user(), "a reply", parent)
    api.login(author)
    assert api.delete(f"/api/comments/{parent}").status_code == 204
    shown = {c["id"]: c for c in thread(app.test_client())}
    assert list(shown) == [parent, reply]
    assert shown[parent]["status"] == "deleted" and shown[parent]["body_html"] == ""
    assert "parent text" not in str(shown[parent])
    assert shown[reply]["parent_id"] == parent and shown[reply]["status"] == "approved"
    assert api.get("/api/counts?slugs=hello").get_json() == {"hello": 1}


# -- preview --------------------------------------------------------------------------------
def test_preview_renders_without_storing(app: Flask, api: ApiClient, make_user: MakeUser) -> None:
    api.login(make_user())
    response = api.post("/api/comments/preview", json={"body": "*soon*"})
    assert response.status_code == 200
    assert response.get_json() == {"body_html": "<p><em>soon</em></p>"}
    assert thread(app.test_client()) == []
    bad = api.post("/api/comments/preview", json={"body": ""})
    assert bad.status_code == 422 and "body" in error_of(bad)["fields"]


# -- queries --------------------------------------------------------------------------------


def build_thread(app: Flask, authors: list[User], size: int, slug: str) -> None:
    ids: list[int] = []
    for n in range(size):
        parent = ids[n // 2] if n and n % 3 else None  # a mix of top-level and replies
        ids.append(seed(app, authors[n % len(authors)], f"comment {n}", parent, slug=slug))


@pytest.mark.parametrize("viewer", ["anonymous", "signed in"])
def test_a_thread_is_read_in_two_queries_whatever_its_size(
    app: Flask, make_user: MakeUser, viewer: str
) -> None:
    authors = [make_user() for _ in range(4)]
    build_thread(app, authors, 3, "second")
    build_thread(app, authors, 30, "hello")
    client = signed_in(app, authors[0]).client if viewer == "signed in" else app.test_client()
    sizes, counts = {}, {}
    for slug in ("second", "hello"):

        def read(s: str = slug) -> None:
            sizes[s] = len(thread(client, s))

        queries = statements_during(app, read)
        counts[slug] = len(queries)
    assert sizes == {"second": 3, "hello": 30}
    assert counts["second"] == counts["hello"]
    # Counting the top-level comments, then the page's trees (+ loading the user).
    assert counts["hello"] <= (2 if viewer == "anonymous" else 3), counts
