"""An author's edit goes through moderation like a new comment.

Before, under ``MODERATION=all`` an author posted harmless text, waited for
approval, then edited in a spam link: it stayed public and was broadcast live.
"""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask

from sidecar import deps
from sidecar.extensions import db, socketio
from sidecar.models import Action, Comment, Role, User
from tests.sidecar.browser import Browser
from tests.sidecar.conftest import ApiClient, MakeUser

ORIGIN = "https://blog.example"
THREAD = "/api/posts/hello/comments"
SPAM = "Buy now at https://spam.example"


@pytest.fixture
def sidecar_config() -> dict[str, Any]:
    return {"SITE_ORIGINS": [ORIGIN], "MODERATION": "all"}


def _approve(app: Flask, moderator: User, comment_id: int) -> None:
    with app.app_context():
        actor = db.session.get_one(User, moderator.id)
        deps.moderation().apply(actor, Action.APPROVE, [comment_id])


def _socket(app: Flask, api: ApiClient | None = None) -> Any:
    client = socketio.test_client(
        app, flask_test_client=api.client if api else None, headers={"Origin": ORIGIN}
    )
    client.emit("join", {"post": "hello"}, callback=True)
    client.get_received()
    return client


@pytest.fixture
def approved(app: Flask, make_user: MakeUser) -> tuple[ApiClient, int, User]:
    """An author whose harmless comment a moderator approved: (author, id, moderator)."""
    moderator = make_user(role=Role.MODERATOR)
    author = ApiClient(app.test_client())
    author.login(make_user(username="author"))
    posted = author.post(THREAD, json={"body": "A harmless remark."}).get_json()
    assert posted["status"] == "pending"
    _approve(app, moderator, posted["id"])
    return author, int(posted["id"]), moderator


def test_an_edited_approved_comment_leaves_public_view_until_approved(
    app: Flask, approved: tuple[ApiClient, int, User]
) -> None:
    author, comment_id, moderator = approved
    reader = ApiClient(app.test_client())
    assert [c["id"] for c in reader.get(THREAD).get_json()["items"]] == [comment_id]

    edited = author.patch(f"/api/comments/{comment_id}", json={"body": SPAM})
    assert edited.status_code == 200
    assert edited.get_json()["status"] == "pending"
    assert reader.get(THREAD).get_json()["items"] == []  # gone for readers
    assert SPAM not in Browser(app.test_client()).get("/comments/hello").get_data(as_text=True)
    own = author.get(THREAD).get_json()["items"]
    assert [(c["id"], c["status"], c["body"]) for c in own] == [(comment_id, "pending", SPAM)]

    _approve(app, moderator, comment_id)
    shown = reader.get(THREAD).get_json()["items"]
    assert [c["status"] for c in shown] == ["approved"] and "spam.example" in shown[0]["body_html"]


def test_live_readers_lose_the_words_and_moderators_get_it_in_the_queue(
    app: Flask, approved: tuple[ApiClient, int, User], make_user: MakeUser
) -> None:
    author, comment_id, _ = approved
    reader = _socket(app)
    moderator_api = ApiClient(app.test_client())
    moderator_api.login(make_user(role=Role.MODERATOR))
    queue = _socket(app, moderator_api)

    author.patch(f"/api/comments/{comment_id}", json={"body": SPAM})
    # The moderator's join is announced to the room as a presence count, which
    # through the Redis queue may reach the reader at any point: not about edits.
    heard = [e for e in reader.get_received() if e["name"] != "presence"]
    assert [e["name"] for e in heard] == ["comment:updated"]
    update = heard[0]["args"][0]
    assert update["id"] == comment_id and update["status"] == "pending"
    assert update["author"] is None and update["body_html"] == ""
    assert "spam" not in str(heard)
    held = [e["args"][0] for e in queue.get_received() if e["name"] == "moderation:new"]
    assert [c["id"] for c in held] == [comment_id] and "spam.example" in held[0]["body_html"]


def test_a_held_comment_keeps_its_place_for_its_replies(
    app: Flask, approved: tuple[ApiClient, int, User], make_user: MakeUser
) -> None:
    author, comment_id, moderator = approved
    replier = ApiClient(app.test_client())
    replier.login(make_user(username="replier"))
    reply = replier.post(THREAD, json={"body": "I agree.", "parent_id": comment_id}).get_json()
    _approve(app, moderator, reply["id"])

    author.patch(f"/api/comments/{comment_id}", json={"body": SPAM})
    items = ApiClient(app.test_client()).get(THREAD).get_json()["items"]
    assert [(c["id"], c["parent_id"]) for c in items] == [
        (comment_id, None),
        (reply["id"], comment_id),
    ]
    assert items[0]["author"] is None and items[0]["body_html"] == ""
    page = Browser(app.test_client()).get("/comments/hello").get_data(as_text=True)
    assert "[awaiting review]" in page and "I agree." in page and "spam.example" not in page


@pytest.mark.parametrize("sidecar_config", [{"MODERATION": "first"}])
def test_under_first_a_trusted_authors_edit_stays_public(
    app: Flask, approved: tuple[ApiClient, int, User]
) -> None:
    author, comment_id, _ = approved
    edited = author.patch(f"/api/comments/{comment_id}", json={"body": "Reworded."})
    assert edited.get_json()["status"] == "approved"
    items = ApiClient(app.test_client()).get(THREAD).get_json()["items"]
    assert [c["body_html"] for c in items] == ["<p>Reworded.</p>"]


def test_a_moderators_edit_of_someone_elses_comment_stays_public(
    app: Flask, approved: tuple[ApiClient, int, User]
) -> None:
    _, comment_id, moderator = approved
    mod = ApiClient(app.test_client())
    mod.login(moderator)
    assert mod.patch(f"/api/comments/{comment_id}", json={"body": "Trimmed."}).status_code == 200
    with app.app_context():
        assert db.session.get_one(Comment, comment_id).status == "approved"
