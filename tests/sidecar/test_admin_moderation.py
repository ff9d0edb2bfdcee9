"""The moderation queue: what moderators see, what their actions do, who hears of it."""

from __future__ import annotations

from functools import partial
from typing import Any

import pytest
from flask import Flask

from sidecar.extensions import db, socketio
from sidecar.models import Comment, Role, User
from tests.sidecar.browser import Browser, audit_rows
from tests.sidecar.conftest import ApiClient, MakeUser, statements_during

ORIGIN = "https://blog.example"


@pytest.fixture
def sidecar_config() -> dict[str, Any]:
    return {"SITE_ORIGINS": [ORIGIN], "MODERATION": "first"}


@pytest.fixture
def moderator(app: Flask, make_user: MakeUser, new_browser: Any) -> Browser:
    browser: Browser = new_browser()
    browser.login(make_user(role=Role.MODERATOR, username="mod"))
    return browser


def post_comment(app: Flask, user: User, body: str, slug: str = "hello") -> dict[str, Any]:
    api = ApiClient(app.test_client())
    api.login(user)
    response = api.post(f"/api/posts/{slug}/comments", json={"body": body})
    assert response.status_code == 201, response.get_json()
    created: dict[str, Any] = response.get_json()
    return created


def public_thread(app: Flask, slug: str = "hello") -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = (
        app.test_client().get(f"/api/posts/{slug}/comments").get_json()["items"]
    )
    return items


def queue_ids(moderator: Browser, query: str = "") -> list[int]:
    page = moderator.page("/admin/queue" + query)
    return [int(box.attrs["value"]) for box in page.find_all("input", name="ids")]


def act(moderator: Browser, action: str, *ids: int, row: bool = False, query: str = "") -> Any:
    """Press a row's own button (``row``) or tick boxes and use the bulk action."""
    page = f"/admin/queue{query}"
    data: dict[str, Any] = {"csrf_token": moderator.csrf_token(page)}
    if row:
        data.update(action="approve", one=f"{action}:{ids[0]}")  # the bulk select is ignored
    else:
        data.update(action=action, ids=[str(i) for i in ids])
    response = moderator.client.post(page, data=data)
    assert response.status_code == 303, response.get_data(as_text=True)[:300]
    return response


def reader_of(app: Flask, slug: str = "hello") -> Any:
    reader = socketio.test_client(app, headers={"Origin": ORIGIN})
    reader.emit("join", {"post": slug}, callback=True)
    reader.get_received()
    return reader


def heard(client: Any, name: str) -> list[Any]:
    return [e["args"][0] for e in client.get_received() if e["name"] == name]


def test_a_held_comment_waits_in_the_queue_then_approval_publishes_it(
    app: Flask, make_user: MakeUser, moderator: Browser
) -> None:
    author = make_user(username="newbie")
    held = post_comment(app, author, "My *first* comment")
    assert held["status"] == "pending" and public_thread(app) == []
    page = moderator.page("/admin/queue")
    row = page.by_id(f"queue-{held['id']}")
    assert "My first comment" in row.text and "newbie" in row.text and "hello" in row.text

    reader = reader_of(app)
    response = act(moderator, "approve", held["id"], row=True)
    assert response.headers["Location"].startswith("/admin/queue")
    assert "Approve: 1 comment." in moderator.page("/admin/queue").text
    assert [c["id"] for c in public_thread(app)] == [held["id"]]
    (announced,) = heard(reader, "comment:new")  # readers see it appear, live
    assert announced["id"] == held["id"] and announced["author"] == {
        "username": "newbie",
        "guest": False,
    }
    assert "body" not in announced
    assert queue_ids(moderator) == []  # no longer waiting
    ((_when, *entry),) = audit_rows(moderator.page("/admin/audit?action=approve"))
    assert entry == ["mod", "approve", f"comment {held['id']}", "pending → approved on hello"]


def test_bulk_reject_takes_several_out_of_the_queue_and_logs_each(
    app: Flask, make_user: MakeUser, moderator: Browser
) -> None:
    ids = [post_comment(app, make_user(), f"spam number {n}")["id"] for n in range(3)]
    assert sorted(queue_ids(moderator)) == ids
    act(moderator, "reject", *ids[:2])
    assert queue_ids(moderator) == [ids[2]]
    assert sorted(queue_ids(moderator, "?status=rejected")) == ids[:2]
    assert public_thread(app) == []
    rows = audit_rows(moderator.page("/admin/audit?action=reject"))
    assert sorted(row[3] for row in rows) == sorted(f"comment {i}" for i in ids[:2])
    assert {row[4] for row in rows} == {"pending → rejected on hello"}


def test_spam_takes_a_public_comment_down_for_readers_and_can_be_undone(
    app: Flask, make_user: MakeUser, moderator: Browser
) -> None:
    author = make_user()
    first = post_comment(app, author, "first, held")
    act(moderator, "approve", first["id"])
    later = post_comment(app, author, "buy cheap watches")  # approved: not their first
    reply = post_comment(app, make_user(role=Role.MODERATOR), "a reply below it")
    assert later["status"] == "approved"
    api = ApiClient(app.test_client())
    api.login(make_user(role=Role.MODERATOR))
    threaded = api.post(
        "/api/posts/hello/comments", json={"body": "replying", "parent_id": later["id"]}
    ).get_json()
    reader = reader_of(app)

    act(moderator, "spam", later["id"], row=True, query="?status=approved")
    (gone,) = heard(reader, "comment:deleted")
    assert gone["id"] == later["id"] and gone["author"] is None and gone["body_html"] == ""
    shown = {c["id"]: c for c in public_thread(app)}
    assert shown[later["id"]]["author"] is None  # a tombstone keeps the reply's place
    assert "cheap watches" not in str(shown) and threaded["id"] in shown and reply["id"] in shown

    act(moderator, "approve", later["id"], row=True, query="?status=spam")  # a false alarm
    assert {c["id"]: c for c in public_thread(app)}[later["id"]]["body_html"] == (
        "<p>buy cheap watches</p>"
    )


def test_delete_leaves_a_tombstone_and_cannot_be_undone(
    app: Flask, make_user: MakeUser, moderator: Browser
) -> None:
    held = post_comment(app, make_user(), "regrettable")
    act(moderator, "delete", held["id"])
    assert queue_ids(moderator, "?status=deleted") == [held["id"]]
    act(moderator, "approve", held["id"], row=True, query="?status=deleted")
    assert public_thread(app) == []  # a deleted comment has no text left to publish
    assert "regrettable" not in moderator.page("/admin/queue?status=all").text


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("?post=second", ["alice on second"]),
        ("?author=alice", ["alice on hello", "alice on second"]),
        ("?q=WATCHES", ["bob on hello"]),
        ("?q=100%25", []),  # LIKE wildcards are literal
        ("?status=all&author=bob", ["bob on hello"]),
    ],
)
def test_the_queue_filters_by_post_author_text_and_status(
    app: Flask, make_user: MakeUser, moderator: Browser, query: str, expected: list[str]
) -> None:
    alice, bob = make_user(username="alice"), make_user(username="bob")
    post_comment(app, alice, "alice on hello")
    post_comment(app, alice, "alice on second", slug="second")
    post_comment(app, bob, "bob on hello: cheap watches")
    page = moderator.page("/admin/queue" + query)
    rows = [row for row in page.find_all("tr") if "data-status" in row.attrs]
    bodies = [row.find("div", class_="body").text for row in rows]
    assert sorted(body.split(":")[0] for body in bodies) == expected


def test_an_unknown_status_is_refused_and_a_form_without_its_token_does_nothing(
    app: Flask, make_user: MakeUser, moderator: Browser
) -> None:
    assert moderator.get("/admin/queue?status=bogus").status_code == 422
    held = post_comment(app, make_user(), "still waiting")
    response = moderator.client.post("/admin/queue", data={"action": "approve", "ids": held["id"]})
    assert response.status_code == 400
    assert queue_ids(moderator) == [held["id"]]


def test_other_moderators_hear_what_was_dealt_with(
    app: Flask, make_user: MakeUser, moderator: Browser
) -> None:
    held = [post_comment(app, make_user(), f"held {n}") for n in range(2)]
    colleague_api = ApiClient(app.test_client())
    colleague_api.login(make_user(role=Role.MODERATOR))
    colleague = socketio.test_client(
        app, flask_test_client=colleague_api.client, headers={"Origin": ORIGIN}
    )
    reader = reader_of(app)
    colleague.get_received()
    act(moderator, "reject", held[0]["id"], held[1]["id"])
    (done,) = heard(colleague, "moderation:done")
    assert done == {
        "ids": sorted(h["id"] for h in held),
        "action": "reject",
        "status": "rejected",
        "was_pending": 2,  # the overview's waiting count drops by this, not by len(ids)
    }
    assert heard(reader, "moderation:done") == []  # readers never hear the admin room


def test_a_bulk_approval_reads_each_comment_once_whatever_the_number(
    app: Flask, make_user: MakeUser, moderator: Browser
) -> None:
    """Announcing the approvals must not reload every comment after the commit."""
    author = make_user()
    selects = {}
    for size in (2, 12):
        with app.app_context():
            held = [
                Comment(
                    post_slug="hello", author_id=author.id, body_source="x", body_html="<p>x</p>"
                )
                for _ in range(size)
            ]
            db.session.add_all(held)
            db.session.commit()
            ids = [c.id for c in held]
        token = moderator.csrf_token("/admin/queue")
        data = {"csrf_token": token, "action": "approve", "ids": [str(i) for i in ids]}
        statements = statements_during(
            app, partial(moderator.client.post, "/admin/queue", data=data)
        )
        selects[size] = sum(s.lstrip().upper().startswith("SELECT") for s in statements)
    assert selects[12] == selects[2], selects
