"""Moderators are mailed about held comments as they choose, and each mail's approve
and reject links work once, for that moderator only, and expire."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

import pytest
from flask import Flask

from sidecar.database import now_utc
from sidecar.extensions import db
from sidecar.models import Comment, OutboxMail, Role, User
from tests.sidecar.browser import Browser
from tests.sidecar.conftest import ApiClient, Mailbox, MakeUser, statements_during
from tests.sidecar.mailbox import signed


@pytest.fixture
def sidecar_config() -> dict[str, Any]:
    return {"MODERATION": "all"}


@pytest.fixture
def moderator(new_browser: Any, make_user: MakeUser) -> Any:
    """``moderator(choice)``: a new moderator who chose that on the queue page."""

    def make(choice: str) -> User:
        user: User = make_user(role=Role.MODERATOR)
        browser = new_browser()
        browser.login(user)
        response = browser.submit("/admin/queue", "/admin/mail", moderation_mail=choice)
        assert response.status_code == 303
        flash = browser.page("/admin/queue").find("div", class_="flash").text
        assert "Mail about held comments" in flash
        return user

    return make


def hold(app: Flask, make_user: MakeUser, body: str = "please let me in") -> int:
    api = ApiClient(app.test_client())
    api.login(make_user())
    response = api.post("/api/posts/hello/comments", json={"body": body})
    assert response.status_code == 201 and response.get_json()["status"] == "pending"
    comment_id: int = response.get_json()["id"]
    return comment_id


def links(message: Any, kind: str) -> list[str]:
    return re.findall(rf"^{kind}: https?://[^/\s]+(\S+)$", message.body, re.M)


def status_of(app: Flask, comment_id: int) -> str:
    with app.app_context():
        comment = db.session.get(Comment, comment_id)
        assert comment is not None
        return comment.status


def test_a_held_comment_is_mailed_and_approved_by_its_link_once(
    app: Flask, make_user: MakeUser, moderator: Any, mail: Mailbox
) -> None:
    mod = moderator("immediate")
    quiet = moderator("off")
    held = hold(app, make_user, "A *first* comment")
    messages = [m for m in mail.sent if m.subject.startswith("A comment is waiting")]
    assert [m.to for m in messages] == [mod.email]  # not to the one who chose "never"
    (message,) = messages
    assert "A *first* comment" in message.body and message.html is not None
    (approve,) = links(message, "Approve")
    (reject,) = links(message, "Reject")

    reader = Browser(app.test_client())  # the link works without signing in
    page = reader.page(approve)
    assert page.find("h1").text == "Approve this comment?"
    assert status_of(app, held) == "pending"  # looking changes nothing
    done = reader.submit(approve)
    assert done.status_code == 200 and "is approved" in done.get_data(as_text=True)
    assert status_of(app, held) == "approved"

    again = reader.client.get(approve)
    assert again.status_code == 409 and "dealt with already" in again.get_data(as_text=True)
    assert reader.client.get(reject).status_code == 409
    assert status_of(app, held) == "approved"
    del quiet


def test_a_post_without_the_pages_csrf_token_moderates_nothing(
    app: Flask, make_user: MakeUser, moderator: Any, mail: Mailbox
) -> None:
    moderator("immediate")
    held = hold(app, make_user)
    (approve,) = links(mail.sent[-1], "Approve")
    response = app.test_client().post(approve)
    assert response.status_code == 400
    assert status_of(app, held) == "pending"


def test_a_digest_waits_a_day_and_carries_everything_held_since(
    app: Flask, make_user: MakeUser, moderator: Any, mail: Mailbox
) -> None:
    moderator("digest")
    hold(app, make_user, "first")
    hold(app, make_user, "second")
    assert mail.sent == []
    with app.app_context():
        (waiting,) = db.session.query(OutboxMail).filter_by(kind="held_comments").all()
        assert waiting.next_attempt_at - now_utc() > timedelta(hours=23)
        waiting.next_attempt_at = now_utc()
        db.session.commit()
    (digest,) = mail.sent
    assert digest.subject == "2 comments are waiting for review"
    assert "first" in digest.body and "second" in digest.body


def test_a_demoted_moderator_s_links_stop_working(
    app: Flask, make_user: MakeUser, moderator: Any, new_browser: Any, mail: Mailbox
) -> None:
    mod = moderator("immediate")
    held = hold(app, make_user)
    (approve,) = links(mail.sent[-1], "Approve")
    boss = new_browser()
    boss.login(make_user(role=Role.ADMIN))
    response = boss.submit(
        f"/admin/users/{mod.id}", f"/admin/users/{mod.id}/role", role="commenter"
    )
    assert response.status_code == 303
    refused = app.test_client().get(approve)
    assert refused.status_code == 422 and "not valid any more" in refused.get_data(as_text=True)
    assert status_of(app, held) == "pending"


def test_moderation_links_are_signed_and_expire(
    app: Flask, make_user: MakeUser, moderator: Any, mail: Mailbox
) -> None:
    mod = moderator("immediate")
    held = hold(app, make_user)
    (approve,) = links(mail.sent[-1], "Approve")
    forged = approve[:-3] + ("AAA" if not approve.endswith("AAA") else "BBB")
    assert app.test_client().get(forged).status_code == 422

    with app.app_context():
        version = db.session.get_one(User, mod.id).session_version
    payload = {"u": mod.id, "v": version, "a": "approve", "c": held}
    token = signed(app, "frostpress.moderate", payload, age=8 * 24 * 3600)
    expired = app.test_client().get(f"/comments/moderate/{token}")
    assert expired.status_code == 422 and "expired" in expired.get_data(as_text=True)
    assert status_of(app, held) == "pending"


def test_holding_a_comment_costs_the_same_reads_however_many_moderators_want_mail(
    app: Flask, make_user: MakeUser, moderator: Any, mail: Mailbox
) -> None:
    def reads() -> int:
        seen = statements_during(app, lambda: hold(app, make_user))
        return sum(s.lstrip().startswith("SELECT") for s in seen)

    moderator("digest")
    few = reads()
    for _ in range(5):
        moderator("digest")
    assert reads() == few
    with app.app_context():
        waiting = db.session.query(OutboxMail).filter_by(kind="held_comments", state="queued")
        assert waiting.count() == 6  # one digest on its way to each


def test_a_link_mailed_before_an_edit_does_not_act_on_the_new_words(
    app: Flask, make_user: MakeUser, moderator: Any, mail: Mailbox
) -> None:
    moderator("immediate")
    author = ApiClient(app.test_client())
    author.login(make_user())
    created = author.post("/api/posts/hello/comments", json={"body": "harmless words"})
    held = created.get_json()["id"]
    (approve,) = links(mail.sent[-1], "Approve")
    edited = author.patch(f"/api/comments/{held}", json={"body": "quite other words"})
    assert edited.status_code == 200 and edited.get_json()["status"] == "pending"
    reader = Browser(app.test_client())
    page = reader.client.get(approve)
    assert page.status_code == 409 and "edited after this mail" in page.get_data(as_text=True)
    assert status_of(app, held) == "pending"  # the queue shows the new words to decide on
