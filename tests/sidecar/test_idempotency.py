"""A comment sent twice with one idempotency key is stored once.

A fault run found clients told "failed" (a 500) for comments that had been
stored and announced; retrying, they posted them twice. The answer is now
built from what was known at COMMIT, and a retry with the same key returns
the first comment.
"""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask
from sqlalchemy import event, func, select

from sidecar.extensions import db
from sidecar.models import Comment, User
from tests.sidecar.browser import Browser, html_of
from tests.sidecar.conftest import ApiClient, MakeUser, error_of

THREAD = "/api/posts/hello/comments"
KEY = "d0c1a6b2-5f0e-4c1e-9c55-0d3b7a1f2e44"


def _count(app: Flask) -> int:
    with app.app_context():
        return int(db.session.scalar(select(func.count()).select_from(Comment)) or 0)


def test_a_retry_with_the_same_key_returns_the_first_comment(
    app: Flask, api: ApiClient, ada: User
) -> None:
    api.login(ada)
    first = api.post(THREAD, json={"body": "only once"}, headers={"Idempotency-Key": KEY})
    again = api.post(THREAD, json={"body": "only once"}, headers={"Idempotency-Key": KEY})
    assert first.status_code == again.status_code == 201
    assert first.get_json()["id"] == again.get_json()["id"]
    assert _count(app) == 1
    other = api.post(THREAD, json={"body": "only once"}, headers={"Idempotency-Key": KEY + "x"})
    assert other.get_json()["id"] != first.get_json()["id"]  # a new key, a new comment
    assert _count(app) == 2


def test_a_key_is_the_authors_own_and_one_comments_own(
    app: Flask, api: ApiClient, ada: User, make_user: MakeUser
) -> None:
    api.login(ada)
    api.post(THREAD, json={"body": "mine"}, headers={"Idempotency-Key": KEY})
    reused = api.post(THREAD, json={"body": "different"}, headers={"Idempotency-Key": KEY})
    assert reused.status_code == 409
    assert error_of(reused)["code"] == "idempotency_key_reused"
    grace = ApiClient(app.test_client())
    grace.login(make_user(username="grace"))
    theirs = grace.post(THREAD, json={"body": "mine"}, headers={"Idempotency-Key": KEY})
    assert theirs.status_code == 201  # another author's key space
    assert _count(app) == 2


@pytest.mark.parametrize("key", ["short", "x" * 65, "has spaces in it", "ünïcödé-key"])
def test_a_malformed_key_is_a_422(api: ApiClient, ada: User, key: str) -> None:
    api.login(ada)
    response = api.post(THREAD, json={"body": "hi"}, headers={"Idempotency-Key": key})
    assert response.status_code == 422
    assert "Idempotency-Key" in error_of(response)["fields"]


def test_the_answer_does_not_read_the_comment_again_after_commit(
    app: Flask, api: ApiClient, ada: User
) -> None:
    """Whatever happens to the connection after COMMIT, the answer is already known."""
    api.login(ada)
    seen: list[str] = []
    committed = [False]

    def record(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        if committed[0]:
            seen.append(statement)

    def on_commit(_session: Any) -> None:
        committed[0] = True

    with app.app_context():
        event.listen(db.engine, "before_cursor_execute", record)
    event.listen(db.session, "after_commit", on_commit)
    try:
        response = api.post(THREAD, json={"body": "answered from memory"})
    finally:
        with app.app_context():
            event.remove(db.engine, "before_cursor_execute", record)
        event.remove(db.session, "after_commit", on_commit)
    assert response.status_code == 201
    assert response.get_json()["body_html"] == "<p>answered from memory</p>"
    assert not [s for s in seen if s.lstrip().upper().startswith("SELECT")], seen


def test_the_form_sent_twice_makes_one_comment(app: Flask, signed_in: Browser) -> None:
    page = signed_in.page("/comments/hello")
    form = page.find("form", action="/comments/hello")
    fields = {
        i.attrs["name"]: i.attrs.get("value", "")
        for i in form.find_all("input")
        if i.attrs.get("type") == "hidden"
    }
    assert len(fields["idempotency_key"]) >= 16
    data = {**fields, "body": "double click"}
    first = signed_in.client.post("/comments/hello", data=data)
    second = signed_in.client.post("/comments/hello", data=data)
    assert first.status_code == second.status_code == 303
    assert first.headers["Location"] == second.headers["Location"]
    assert _count(app) == 1
    # Every form on a page has a key of its own.
    again = html_of(signed_in.get("/comments/hello"))
    keys = [
        i.attrs["value"]
        for i in again.find_all("input")
        if i.attrs.get("name") == "idempotency_key"
    ]
    assert len(keys) == len(set(keys)) >= 2
