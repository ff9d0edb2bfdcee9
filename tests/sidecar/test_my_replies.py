"""A signed-in reader's replies, across the site: what is new since they looked."""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask

from tests.sidecar.conftest import ApiClient, MakeUser

THREAD = "/api/posts/hello/comments"


@pytest.fixture
def sidecar_config() -> dict[str, Any]:
    return {"MODERATION": "none"}


def _client(app: Flask, make_user: MakeUser, name: str) -> ApiClient:
    client = ApiClient(app.test_client())
    client.login(make_user(username=name))
    return client


def test_replies_by_others_are_listed_newest_first_and_new_until_read(
    app: Flask, make_user: MakeUser
) -> None:
    ada, bob, cy = (_client(app, make_user, n) for n in ("ada", "bob", "cy"))
    mine = ada.post(THREAD, json={"body": "A thought."}).get_json()
    first = bob.post(THREAD, json={"body": "Agreed.", "parent_id": mine["id"]}).get_json()
    ada.post(THREAD, json={"body": "Thanks!", "parent_id": first["id"]})  # to bob, not to ada
    ada.post(THREAD, json={"body": "Also, me.", "parent_id": mine["id"]})  # her own
    answer = ada.get("/api/me/replies")
    assert answer.status_code == 200 and answer.headers["Cache-Control"] == "private, no-store"
    body = answer.get_json()
    assert [(r["id"], r["unread"]) for r in body["items"]] == [(first["id"], True)]
    assert body["unread"] == 1 and body["items"][0]["post_title"] == "Hello there"
    assert body["items"][0]["post_url"].endswith("/posts/hello/")

    assert ada.post("/api/me/replies/read").status_code == 204
    read = ada.get("/api/me/replies").get_json()
    assert read["unread"] == 0 and read["items"][0]["unread"] is False

    later = cy.post(THREAD, json={"body": "Late.", "parent_id": mine["id"]}).get_json()
    again = ada.get("/api/me/replies").get_json()
    assert [(r["id"], r["unread"]) for r in again["items"]] == [
        (later["id"], True),
        (first["id"], False),
    ]
    assert again["unread"] == 1
    assert bob.get("/api/me/replies").get_json()["unread"] == 1  # ada's "Thanks!"


def test_replies_need_a_session(app: Flask) -> None:
    assert app.test_client().get("/api/me/replies").status_code == 401
    assert ApiClient(app.test_client()).post("/api/me/replies/read").status_code == 401
