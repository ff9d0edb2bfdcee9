"""Site-wide: the latest comments and the most discussed posts, for a sidebar."""

from __future__ import annotations

from flask import Flask

from sidecar.models import Status
from tests.sidecar.conftest import ApiClient, MakeUser, error_of
from tests.sidecar.stored import stored_comment


def test_recent_lists_approved_comments_on_published_posts_newest_first(
    app: Flask, make_user: MakeUser
) -> None:
    ada = make_user(username="ada")
    approved = Status.APPROVED.value
    oldest = stored_comment(app, ada, "hello", "<p>first</p>", 30, approved)
    newest = stored_comment(app, ada, "second", "<p>latest</p>", 1, approved)
    middle = stored_comment(app, ada, "hello", "<p>middle</p>", 10, approved)
    stored_comment(app, ada, "hello", "<p>held</p>", 0, Status.PENDING.value)
    stored_comment(app, ada, "draft", "<p>on a draft</p>", 0, approved)
    answer = app.test_client().get("/api/comments/recent?limit=5")
    assert answer.status_code == 200
    assert "public" in answer.headers["Cache-Control"] and answer.headers["ETag"]
    body = answer.get_json()
    assert [c["id"] for c in body["items"]] == [newest, middle, oldest]
    first = body["items"][0]
    assert (first["post"], first["post_title"]) == ("second", "Second post")
    assert first["post_url"].endswith("/posts/second/")
    assert (
        first["author"] == {"username": "ada", "guest": False}
        and first["body_html"] == "<p>latest</p>"
    )
    assert "body" not in first  # the source is never in a public answer
    two = app.test_client().get("/api/comments/recent?limit=2").get_json()
    assert [c["id"] for c in two["items"]] == [newest, middle]


def test_a_new_comment_shows_at_once_in_recent_and_discussed(
    app: Flask, api: ApiClient, make_user: MakeUser
) -> None:
    reader = app.test_client()
    assert reader.get("/api/comments/recent").get_json()["items"] == []
    assert reader.get("/api/comments/discussed").get_json()["items"] == []
    api.login(make_user(username="grace"))
    posted = api.post("/api/posts/hello/comments", json={"body": "Now."}).get_json()
    assert posted["status"] == "approved"
    items = reader.get("/api/comments/recent").get_json()["items"]
    assert [c["id"] for c in items] == [posted["id"]]
    discussed = reader.get("/api/comments/discussed").get_json()["items"]
    assert [(d["slug"], d["comment_count"]) for d in discussed] == [("hello", 1)]


def test_discussed_orders_posts_by_their_approved_comments(app: Flask, make_user: MakeUser) -> None:
    ada = make_user(username="ada")
    for n in range(3):
        stored_comment(app, ada, "second", f"<p>s{n}</p>", n, Status.APPROVED.value)
    stored_comment(app, ada, "hello", "<p>h</p>", 0, Status.APPROVED.value)
    for n in range(5):
        stored_comment(app, ada, "hello", f"<p>held {n}</p>", 0, Status.PENDING.value)
    items = app.test_client().get("/api/comments/discussed?limit=10").get_json()["items"]
    assert [(d["slug"], d["title"], d["comment_count"]) for d in items] == [
        ("second", "Second post", 3),
        ("hello", "Hello there", 1),
    ]
    assert items[0]["url"].endswith("/posts/second/")


def test_a_limit_outside_1_to_50_is_a_422(app: Flask) -> None:
    for path in ("/api/comments/recent", "/api/comments/discussed"):
        for limit in ("0", "51", "many"):
            answer = app.test_client().get(f"{path}?limit={limit}")
            assert answer.status_code == 422, (path, limit)
            assert "limit" in error_of(answer)["fields"]
