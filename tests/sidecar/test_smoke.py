"""The sidecar's main path end to end: sign up, confirm, sign in, comment, read."""

from __future__ import annotations

from tests.sidecar.conftest import ApiClient, link_in


def test_a_reader_signs_up_confirms_and_comments(api: ApiClient, mail) -> None:
    created = api.post(
        "/api/auth/register",
        json={"email": "Ada@Example.test", "username": "ada", "password": "correct horse battery"},
    )
    assert created.status_code == 201
    assert created.get_json() == {
        "email": "ada@example.test",
        "username": "ada",
        "confirmation": "sent",
    }
    assert api.get(link_in(mail, "/auth/confirm/")).status_code == 200

    signed_in = api.post(
        "/api/auth/login", json={"login": "ADA", "password": "correct horse battery"}
    )
    assert signed_in.status_code == 200 and signed_in.get_json()["email_confirmed"] is True
    posted = api.post("/api/posts/hello/comments", json={"body": "Nice **post**"})
    assert posted.status_code == 201
    assert posted.get_json()["body_html"] == "<p>Nice <strong>post</strong></p>"

    thread = api.get("/api/posts/hello/comments").get_json()
    assert [c["author"]["username"] for c in thread["items"]] == ["ada"]
    assert api.get("/api/counts?slugs=hello,second").get_json() == {"hello": 1, "second": 0}


def test_drafts_and_future_posts_cannot_be_commented(api: ApiClient, make_user) -> None:
    api.login(make_user())
    for slug in ("draft", "later", "nope"):
        response = api.post(f"/api/posts/{slug}/comments", json={"body": "hi"})
        assert response.status_code == 404
        assert response.get_json()["error"]["code"] == "post_not_found"


def test_the_thread_is_a_list_in_the_contracts_shape(api: ApiClient, make_user) -> None:
    api.login(make_user())
    for body in ("one", "two"):
        assert api.post("/api/posts/hello/comments", json={"body": body}).status_code == 201
    thread = api.get("/api/posts/hello/comments").get_json()
    assert {k: thread[k] for k in ("page", "per_page", "total", "pages")} == {
        "page": 1,
        "per_page": 50,
        "total": 2,
        "pages": 1,
    }
    assert [c["body_html"] for c in thread["items"]] == ["<p>one</p>", "<p>two</p>"]
