"""Reply mail, received by a real SMTP server: asked for per comment, sent once a
reply is approved (never for your own), batched, confirmed first for guests,
and stopped by one click, per post or from everything."""

from __future__ import annotations

import re
from datetime import timedelta
from email.message import EmailMessage as Message
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import update

from sidecar import deps
from sidecar.database import now_utc
from sidecar.extensions import db
from sidecar.models import Action, OutboxMail, Role, Subscription, User
from tests.sidecar.browser import Browser
from tests.sidecar.conftest import ApiClient, Mailbox, MakeUser, statements_during
from tests.sidecar.mailbox import signed
from tests.sidecar.smtp import SmtpInbox


@pytest.fixture
def sidecar_config() -> dict[str, Any]:
    return {"MODERATION": "none", "GUESTS": "open"}


@pytest.fixture
def inbox(app: Flask, smtp: SmtpInbox) -> SmtpInbox:
    smtp.serve(app)
    smtp.start()
    return smtp


def client(app: Flask, user: User | None = None) -> ApiClient:
    api = ApiClient(app.test_client())
    if user is not None:
        api.login(user)
    return api


def post(api: ApiClient, body: str, slug: str = "hello", **more: Any) -> dict[str, Any]:
    response = api.post(f"/api/posts/{slug}/comments", json={"body": body, **more})
    assert response.status_code == 201, response.get_json()
    created: dict[str, Any] = response.get_json()
    return created


def text_of(message: Message) -> str:
    part = message.get_body(preferencelist=("plain",))
    assert part is not None
    return str(part.get_content())


def html_of(message: Message) -> str:
    part = message.get_body(preferencelist=("html",))
    assert part is not None
    return str(part.get_content())


def path_of(message: Message, marker: str) -> str:
    found = re.search(r"https?://[^/\s]+(\S*" + re.escape(marker) + r"\S*)", text_of(message))
    assert found, text_of(message)
    return found.group(1)


def received(mail: Mailbox, inbox: SmtpInbox) -> list[Message]:
    mail.deliver()
    return list(inbox.received)


def make_due(app: Flask) -> None:
    with app.app_context():
        db.session.execute(update(OutboxMail).values(next_attempt_at=now_utc()))
        db.session.commit()


def test_a_reply_is_mailed_with_both_parts_and_one_click_unsubscribe(
    app: Flask, make_user: MakeUser, mail: Mailbox, inbox: SmtpInbox
) -> None:
    ada, bob = make_user(username="ada"), make_user(username="bob")
    question = post(client(app, ada), "Does it *scale*?", notify=True)
    post(client(app, bob), "It scales <well>.", parent_id=question["id"])

    (message,) = received(mail, inbox)
    assert message["To"] == ada.email
    assert message["Subject"] == "New reply to your comment on “Hello there”"
    assert "bob replied to your comment" in text_of(message)
    assert "It scales <well>." in text_of(message)
    assert "It scales &lt;well&gt;." in html_of(message)  # escaped in the HTML part
    assert "/posts/hello/#comment-" in text_of(message)
    header = message["List-Unsubscribe"]
    assert header.startswith("<http") and "/comments/unsubscribe/" in header
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert "No more reply mail from any post" in text_of(message)


def test_no_mail_for_your_own_reply_or_without_asking(
    app: Flask, make_user: MakeUser, mail: Mailbox, inbox: SmtpInbox
) -> None:
    ada, bob = make_user(), make_user()
    mine = post(client(app, ada), "thinking aloud", notify=True)
    post(client(app, ada), "answering myself", parent_id=mine["id"])
    quiet = post(client(app, bob), "no mail for me")
    post(client(app, ada), "a reply bob did not ask to hear of", parent_id=quiet["id"])
    assert received(mail, inbox) == []


@pytest.mark.parametrize("sidecar_config", [{"MODERATION": "all"}])
def test_a_held_reply_is_mailed_only_once_approved(
    app: Flask, make_user: MakeUser, mail: Mailbox, inbox: SmtpInbox
) -> None:
    ada, bob = make_user(), make_user()
    moderator = make_user(role=Role.MODERATOR)
    question = post(client(app, moderator), "moderators are never held", notify=True)
    reply = post(client(app, bob), "held for now", parent_id=question["id"])
    assert reply["status"] == "pending"
    assert received(mail, inbox) == []
    with app.test_request_context():
        deps.moderation().apply(
            db.session.get_one(User, moderator.id), Action.APPROVE, [reply["id"]]
        )
    (message,) = received(mail, inbox)
    assert "held for now" in text_of(message) and message["To"] == moderator.email
    del ada


def test_a_busy_thread_sends_one_mail_per_batch(
    app: Flask, make_user: MakeUser, mail: Mailbox, inbox: SmtpInbox
) -> None:
    ada, bob = make_user(), make_user()
    question = post(client(app, ada), "what do you think?", notify=True)
    bobs = client(app, bob)
    post(bobs, "first answer", parent_id=question["id"])
    assert len(received(mail, inbox)) == 1
    post(bobs, "second answer", parent_id=question["id"])
    post(bobs, "third answer", parent_id=question["id"])
    assert len(received(mail, inbox)) == 1  # the next waits for the batch to end
    with app.app_context():
        (waiting,) = db.session.query(OutboxMail).filter_by(state="queued").all()
        assert waiting.next_attempt_at - now_utc() > timedelta(minutes=9)
    make_due(app)
    second = received(mail, inbox)[1]
    assert second["Subject"] == "2 new replies to your comments"
    assert "second answer" in text_of(second) and "third answer" in text_of(second)


def test_a_guest_confirms_their_address_before_any_reply_mail(
    app: Flask, make_user: MakeUser, mail: Mailbox, inbox: SmtpInbox
) -> None:
    guest = client(app)
    question = post(
        guest, "a guest asks", guest={"name": "Gus", "email": "Gus@Example.test"}, notify=True
    )
    (ask,) = received(mail, inbox)
    assert ask["To"] == "gus@example.test" and ask["Subject"].startswith("Confirm reply mail")
    bob = client(app, make_user())
    post(bob, "an early answer", parent_id=question["id"])
    assert len(received(mail, inbox)) == 1  # not confirmed: nothing sent

    link = path_of(ask, "/comments/notify/confirm/")
    reader = Browser(app.test_client())
    shown = reader.page(link)  # what a mail scanner fetches: it confirms nothing
    assert shown.find("h1").text == "Confirm reply mail" and "gus@example.test" in shown.text
    post(bob, "an answer while the page is open", parent_id=question["id"])
    assert len(received(mail, inbox)) == 1
    assert app.test_client().post(link).status_code == 400  # no CSRF token: refused
    post(bob, "an answer after a forged confirmation", parent_id=question["id"])
    assert len(received(mail, inbox)) == 1
    done = reader.submit(link)
    assert done.status_code == 200 and "Reply mail confirmed" in done.get_data(as_text=True)
    again = app.test_client().get(link)
    assert again.status_code == 409 and "confirmed already" in again.get_data(as_text=True)
    forged = app.test_client().get(link[:-3] + ("AAA" if not link.endswith("AAA") else "BBB"))
    assert forged.status_code == 422

    post(bob, "a later answer", parent_id=question["id"])
    reply = received(mail, inbox)[1]
    assert reply["To"] == "gus@example.test" and "a later answer" in text_of(reply)


def test_a_reply_mail_confirmation_expires(app: Flask, mail: Mailbox, inbox: SmtpInbox) -> None:
    post(client(app), "q", guest={"name": "Gus", "email": "gus@example.test"}, notify=True)
    (ask,) = received(mail, inbox)
    token = path_of(ask, "/comments/notify/confirm/").split("/")[-1]
    with app.test_request_context():
        subscription_id = deps.notifications().to_confirm(token).id

    payload = {"s": subscription_id, "e": "gus@example.test"}
    old = signed(app, "frostpress.confirm-replies", payload, age=4 * 24 * 3600)
    expired = app.test_client().get(f"/comments/notify/confirm/{old}")
    assert expired.status_code == 422 and "expired" in expired.get_data(as_text=True)


def test_a_guest_asking_for_mail_needs_an_address(app: Flask) -> None:
    response = client(app).post(
        "/api/posts/hello/comments",
        json={"body": "hi", "guest": {"name": "Nobody"}, "notify": True},
    )
    assert response.status_code == 422 and "guest.email" in response.get_json()["error"]["fields"]


def test_unsubscribing_from_a_post_stops_its_mail_only(
    app: Flask, make_user: MakeUser, mail: Mailbox, inbox: SmtpInbox
) -> None:
    ada, bob = make_user(), make_user()
    here = post(client(app, ada), "on hello", notify=True)
    there = post(client(app, ada), "on second", slug="second", notify=True)
    bobs = client(app, bob)
    post(bobs, "reply on hello", parent_id=here["id"])
    (first,) = received(mail, inbox)
    link = path_of(first, "/comments/unsubscribe/")

    reader = app.test_client()
    shown = reader.get(link)  # what a mail scanner fetches: it changes nothing
    assert shown.status_code == 200 and "Stop reply mail from “Hello there”" in shown.get_data(
        as_text=True
    )
    done = reader.post(link)  # the page's button
    assert done.status_code == 200 and "Unsubscribed" in done.get_data(as_text=True)
    assert reader.post(link).status_code == 200  # again: nothing more to stop, no error

    make_due(app)
    post(bobs, "another on hello", parent_id=here["id"])
    post(bobs, "reply on second", slug="second", parent_id=there["id"])
    make_due(app)
    later = received(mail, inbox)[1:]
    assert len(later) == 1 and "reply on second" in text_of(later[0])
    assert "another on hello" not in text_of(later[0])


def test_one_click_unsubscribes_from_everything_and_turns_away_guests(
    app: Flask, make_user: MakeUser, mail: Mailbox, inbox: SmtpInbox
) -> None:
    ada, bob = make_user(), make_user()
    here = post(client(app, ada), "hello", notify=True)
    post(client(app, bob), "a reply", parent_id=here["id"])
    (first,) = received(mail, inbox)
    # The mail's last link stops everything (the first, this post's mail only).
    everything = re.findall(r"/comments/unsubscribe/(\S+)", text_of(first))[-1]
    with app.test_request_context():
        assert deps.notifications().unsubscribe_target(everything) == (ada.email, None)
    # A mail client's one-click POST: no cookie, no CSRF token, just the link.
    response = app.test_client().post(
        f"/comments/unsubscribe/{everything}",
        data="List-Unsubscribe=One-Click",
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code == 200
    assert f"{ada.email} gets no more reply mail from any post." in response.get_data(True)
    make_due(app)
    post(client(app, bob), "another reply", parent_id=here["id"])
    # A guest giving ada's address cannot ask her to confirm reply mail now.
    post(client(app), "as ada?", guest={"name": "Imposter", "email": ada.email}, notify=True)
    make_due(app)
    assert len(received(mail, inbox)) == 1


def test_unsubscribe_links_are_signed_and_expire(
    app: Flask, make_user: MakeUser, mail: Mailbox, inbox: SmtpInbox
) -> None:
    ada = make_user()
    here = post(client(app, ada), "hello", notify=True)
    post(client(app, make_user()), "a reply", parent_id=here["id"])
    (first,) = received(mail, inbox)
    token = path_of(first, "/comments/unsubscribe/").split("/")[-1]
    forged = token[:-3] + ("AAA" if not token.endswith("AAA") else "BBB")
    assert app.test_client().post(f"/comments/unsubscribe/{forged}").status_code == 422

    old = signed(app, "frostpress.unsubscribe", {"e": ada.email, "p": None}, age=200 * 24 * 3600)
    expired = app.test_client().post(f"/comments/unsubscribe/{old}")
    assert expired.status_code == 422 and "expired" in expired.get_data(as_text=True)
    # Neither stopped anything.
    make_due(app)
    post(client(app, make_user()), "still mailed", parent_id=here["id"])
    make_due(app)
    assert "still mailed" in text_of(received(mail, inbox)[1])


def test_deleting_your_comment_ends_its_reply_mail(
    app: Flask, make_user: MakeUser, mail: Mailbox, inbox: SmtpInbox
) -> None:
    ada = make_user()
    adas = client(app, ada)
    question = post(adas, "never mind", notify=True)
    post(client(app, make_user()), "an answer", parent_id=question["id"])
    assert len(received(mail, inbox)) == 1
    assert adas.delete(f"/api/comments/{question['id']}").status_code == 204
    make_due(app)
    post(client(app, make_user()), "an answer to a tombstone", parent_id=question["id"])
    make_due(app)
    assert len(received(mail, inbox)) == 1


def approving(app: Flask, make_user: MakeUser, threads: int) -> list[str]:
    """The reads of approving one held reply in each of ``threads`` subscribed threads
    (the rows written are one per reply, notice and mail whatever the batching)."""
    moderator = make_user(role=Role.MODERATOR)
    bob = make_user()
    replies = []
    for n in range(threads):
        question = post(client(app, make_user(role=Role.MODERATOR)), f"question {n}", notify=True)
        reply = post(client(app, bob), f"an answer to question {n}", parent_id=question["id"])
        assert reply["status"] == "pending"
        replies.append(reply["id"])

    def approve() -> None:
        with app.test_request_context():
            deps.moderation().apply(db.session.get_one(User, moderator.id), Action.APPROVE, replies)

    return [s for s in statements_during(app, approve) if s.lstrip().startswith("SELECT")]


@pytest.mark.parametrize("sidecar_config", [{"MODERATION": "all", "RATELIMIT_ENABLED": False}])
def test_approving_many_replies_at_once_reads_their_subscriptions_once(
    app: Flask, make_user: MakeUser, mail: Mailbox
) -> None:
    few, many = approving(app, make_user, 2), approving(app, make_user, 12)
    assert len(many) == len(few), "\n".join(many)
    with app.app_context():
        queued = db.session.query(OutboxMail).filter_by(kind="reply_mail", state="queued")
        assert queued.count() == 14  # one reply mail for each subscriber


@pytest.mark.parametrize("sidecar_config", [{"RATELIMIT_ENABLED": False}])
def test_deleting_many_subscribed_comments_at_once_reads_their_subscriptions_once(
    app: Flask, make_user: MakeUser, mail: Mailbox
) -> None:
    moderator = make_user(role=Role.MODERATOR)

    def deleting(count: int) -> int:
        asked = [
            post(client(app, make_user()), f"delete me {n}", notify=True) for n in range(count)
        ]

        def delete() -> None:
            with app.test_request_context():
                user = db.session.get_one(User, moderator.id)
                deps.moderation().apply(user, Action.DELETE, [c["id"] for c in asked])

        return sum(s.lstrip().startswith("SELECT") for s in statements_during(app, delete))

    assert deleting(2) == deleting(10)
    with app.app_context():
        assert db.session.query(Subscription).count() == 0
