"""Under ``first`` moderation a newcomer's comments wait; meanwhile they can reply
to their own held comment, the reply waits with it, and one approval publishes
both. Nobody else sees, or can answer, a held comment."""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask

from sidecar import deps
from sidecar.extensions import db
from sidecar.models import Action, AuditEntry, Comment, Role, User
from tests.sidecar.browser import Browser
from tests.sidecar.conftest import ApiClient, MakeUser, error_of

THREAD = "/api/posts/hello/comments"


@pytest.fixture
def sidecar_config() -> dict[str, Any]:
    return {"MODERATION": "first"}


def _statuses(app: Flask, *ids: int) -> list[str]:
    with app.app_context():
        return [db.session.get_one(Comment, i).status for i in ids]


def _shown(client: ApiClient) -> dict[int, str]:
    return {c["id"]: c["status"] for c in client.get(THREAD).get_json()["items"]}


def test_a_reply_to_ones_own_held_comment_waits_with_it_and_is_approved_with_it(
    app: Flask, make_user: MakeUser
) -> None:
    newcomer = ApiClient(app.test_client())
    newcomer.login(make_user(username="newcomer"))
    held = newcomer.post(THREAD, json={"body": "My first comment."}).get_json()
    assert held["status"] == "pending"
    reply = newcomer.post(THREAD, json={"body": "And a correction.", "parent_id": held["id"]})
    assert reply.status_code == 201, reply.get_json()
    reply_id = reply.get_json()["id"]
    assert reply.get_json()["status"] == "pending"
    assert _shown(newcomer) == {held["id"]: "pending", reply_id: "pending"}  # they see both

    other = ApiClient(app.test_client())
    other.login(make_user(username="other"))
    assert _shown(other) == {}
    refused = other.post(THREAD, json={"body": "Hm?", "parent_id": held["id"]})
    assert refused.status_code == 422 and "parent_id" in error_of(refused)["fields"]

    moderator = make_user(role=Role.MODERATOR)
    with app.app_context():
        changed = deps.moderation().apply(
            db.session.get_one(User, moderator.id), Action.APPROVE, [held["id"]]
        )
        assert [c.id for c in changed] == [held["id"], reply_id]
        audited = db.session.scalars(
            db.select(AuditEntry.target_id).where(AuditEntry.action == Action.APPROVE.value)
        ).all()
    assert sorted(audited) == sorted([held["id"], reply_id])
    assert _statuses(app, held["id"], reply_id) == ["approved", "approved"]
    assert _shown(ApiClient(app.test_client())) == {held["id"]: "approved", reply_id: "approved"}


def test_another_authors_held_reply_is_not_approved_with_the_parent(
    app: Flask, make_user: MakeUser
) -> None:
    """Only the held comment's own author's replies waited with it."""
    moderator = make_user(role=Role.MODERATOR)
    author = ApiClient(app.test_client())
    author.login(make_user(username="author"))
    root = author.post(THREAD, json={"body": "Root."}).get_json()
    with app.app_context():
        actor = db.session.get_one(User, moderator.id)
        deps.moderation().apply(actor, Action.APPROVE, [root["id"]])
    stranger = ApiClient(app.test_client())
    stranger.login(make_user(username="stranger"))
    theirs = stranger.post(THREAD, json={"body": "Spam?", "parent_id": root["id"]}).get_json()
    assert theirs["status"] == "pending"
    with app.app_context():
        actor = db.session.get_one(User, moderator.id)
        assert deps.moderation().apply(actor, Action.APPROVE, [root["id"]]) == []
    assert _statuses(app, theirs["id"]) == ["pending"]


def test_the_plain_page_offers_a_reply_to_ones_own_held_comment_only(
    app: Flask, make_user: MakeUser, browser: Browser
) -> None:
    author = make_user(username="author")
    browser.login(author)
    held = browser.comment("Held for now.")
    page = browser.page("/comments/hello")
    assert page.find("summary").text == "Reply to author"
    reply = browser.comment("Replying to myself.", parent=held)
    assert _statuses(app, held, reply) == ["pending", "pending"]
    someone = Browser(app.test_client())
    someone.login(make_user(username="someone"))
    assert not someone.page("/comments/hello").find_all("summary")


@pytest.mark.parametrize("sidecar_config", [{"MODERATION": "all"}])
def test_under_all_moderation_each_held_reply_waits_for_its_own_review(
    app: Flask, make_user: MakeUser, sidecar_config: dict[str, Any]
) -> None:
    """A spammer's harmless comment approved must not publish, unseen, the spam
    they replied to it with."""
    author = ApiClient(app.test_client())
    author.login(make_user(username="author"))
    held = author.post(THREAD, json={"body": "Harmless."}).get_json()
    reply = author.post(THREAD, json={"body": "Buy now!", "parent_id": held["id"]}).get_json()
    moderator = make_user(role=Role.MODERATOR)
    with app.app_context():
        actor = db.session.get_one(User, moderator.id)
        changed = deps.moderation().apply(actor, Action.APPROVE, [held["id"]])
    assert [c.id for c in changed] == [held["id"]]
    assert _statuses(app, held["id"], reply["id"]) == ["approved", "pending"]
