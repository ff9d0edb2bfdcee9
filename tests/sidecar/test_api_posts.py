"""Published posts as the sidecar sees them, with comment counts."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import pytest
from flask import Flask

from sidecar import deps
from sidecar.extensions import db
from sidecar.models import Comment, User
from tests.conftest import BASE_URL
from tests.sidecar.conftest import ApiClient, MakeUser, error_of, statements_during

POST_KEYS = {"slug", "title", "date", "url", "tags", "summary", "comment_count"}


def seed(app: Flask, author: User, slug: str, status: str = "approved") -> int:
    with app.test_request_context():
        comment = deps.comments().create(db.session.get(User, author.id), slug, "hi")
        comment.status = status
        db.session.commit()
        return comment.id


def test_the_list_holds_published_posts_only_newest_first(api: ApiClient) -> None:
    response = api.get("/api/posts")
    assert response.status_code == 200
    body = response.get_json()
    assert {k: body[k] for k in ("page", "per_page", "total")} == {
        "page": 1,
        "per_page": 20,
        "total": 2,
    }
    assert [p["slug"] for p in body["items"]] == ["second", "hello"]
    hello = body["items"][1]
    assert set(hello) == POST_KEYS
    assert hello["title"] == "Hello there" and hello["tags"] == ["python"]
    assert hello["url"] == f"{BASE_URL}posts/hello/"
    assert hello["summary"] and "<" not in hello["summary"]
    assert hello["comment_count"] == 0
    assert datetime.fromisoformat(hello["date"]).tzinfo is not None


@pytest.mark.parametrize(
    ("query", "slugs", "page", "per_page"),
    [
        ("per_page=1", ["second"], 1, 1),
        ("page=2&per_page=1", ["hello"], 2, 1),
        ("page=3&per_page=1", [], 3, 1),
        ("page=2", [], 2, 20),
    ],
)
def test_the_list_is_paged(
    api: ApiClient, query: str, slugs: list[str], page: int, per_page: int
) -> None:
    body = api.get(f"/api/posts?{query}").get_json()
    assert [p["slug"] for p in body["items"]] == slugs
    assert (body["page"], body["per_page"], body["total"]) == (page, per_page, 2)


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("page=0", "page"),
        ("page=-1", "page"),
        ("page=two", "page"),
        ("per_page=0", "per_page"),
        ("per_page=101", "per_page"),
        ("tag=" + "x" * 101, "tag"),
    ],
)
def test_bad_paging_is_422_naming_the_parameter(api: ApiClient, query: str, field: str) -> None:
    response = api.get(f"/api/posts?{query}")
    assert response.status_code == 422
    assert field in error_of(response)["fields"]


@pytest.mark.parametrize(("tag", "slugs"), [("python", ["hello"]), ("nope", [])])
def test_the_list_filters_by_tag(api: ApiClient, tag: str, slugs: list[str]) -> None:
    body = api.get(f"/api/posts?tag={tag}").get_json()
    assert [p["slug"] for p in body["items"]] == slugs
    assert body["total"] == len(slugs)


def test_comment_counts_include_approved_comments_only(
    app: Flask, api: ApiClient, make_user: MakeUser
) -> None:
    author = make_user()
    for status in ("approved", "approved", "pending", "deleted", "spam", "rejected"):
        seed(app, author, "hello", status)
    seed(app, author, "second")
    listed = {p["slug"]: p["comment_count"] for p in api.get("/api/posts").get_json()["items"]}
    assert listed == {"hello": 2, "second": 1}
    assert api.get("/api/posts/hello").get_json()["comment_count"] == 2
    assert api.get("/api/counts?slugs=hello,second").get_json() == {"hello": 2, "second": 1}


def test_one_post(api: ApiClient) -> None:
    response = api.get("/api/posts/hello")
    assert response.status_code == 200
    body = response.get_json()
    assert set(body) == POST_KEYS
    assert body["slug"] == "hello" and body["title"] == "Hello there"
    assert body == next(
        p for p in api.get("/api/posts").get_json()["items"] if p["slug"] == "hello"
    )


@pytest.mark.parametrize("slug", ["nope", "draft", "later", "HELLO", "hello.md"])
def test_an_unknown_or_unpublished_post_is_404(api: ApiClient, slug: str) -> None:
    response = api.get(f"/api/posts/{slug}")
    assert response.status_code == 404
    assert error_of(response)["code"] == "post_not_found"


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("slugs=hello,nope", {"hello": 0, "nope": 0}),
        ("slugs=draft,later", {"draft": 0, "later": 0}),
        ("slugs= hello , second ,", {"hello": 0, "second": 0}),
        ("slugs=hello,hello", {"hello": 0}),
    ],
)
def test_counts_answer_zero_for_posts_without_comments(
    api: ApiClient, query: str, expected: dict[str, int]
) -> None:
    response = api.get(f"/api/counts?{query}")
    assert response.status_code == 200
    assert response.get_json() == expected


@pytest.mark.parametrize("query", ["", "slugs=", "slugs=" + "a," * 2001])
def test_counts_without_usable_slugs_is_422(api: ApiClient, query: str) -> None:
    response = api.get(f"/api/counts?{query}")
    assert response.status_code == 422
    assert "slugs" in error_of(response)["fields"]


def test_the_posts_list_does_not_need_a_session(app: Flask) -> None:
    response = app.test_client().get("/api/posts")
    assert response.status_code == 200
    assert "Set-Cookie" not in response.headers


def test_comment_on_a_post_appears_in_its_count(
    app: Flask, api: ApiClient, make_user: MakeUser
) -> None:
    api.login(make_user())
    assert api.post("/api/posts/second/comments", json={"body": "hello"}).status_code == 201
    assert api.get("/api/posts/second").get_json()["comment_count"] == 1
    with app.app_context():
        assert db.session.query(Comment).filter_by(post_slug="second").count() == 1


def test_counts_for_many_posts_take_one_query(app: Flask, make_user: MakeUser) -> None:
    author = make_user()
    seed(app, author, "hello")
    seed(app, author, "hello")
    seed(app, author, "second")
    slugs = ["hello", "second", *(f"missing-{n}" for n in range(40))]
    client = app.test_client()
    answers: list[Any] = []
    queries = statements_during(
        app, lambda: answers.append(client.get("/api/counts?slugs=" + ",".join(slugs)))
    )
    assert answers[0].status_code == 200
    assert answers[0].get_json() == {"hello": 2, "second": 1} | {s: 0 for s in slugs[2:]}
    assert len(queries) == 1
