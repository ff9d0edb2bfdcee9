"""The no-JavaScript comment pages, used like a browser with JavaScript off would.

Every write fetches a page first, takes the CSRF token from its form and posts
plain form data; assertions are about what a reader would notice: status,
Location, the page's text and structure, and the thread afterwards.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from flask import Flask

from sidecar.models import User
from tests.sidecar.browser import Browser, comment_id, comments_in, html_of
from tests.sidecar.conftest import MakeUser


# -- reading ----------------------------------------------------------------------------------
def test_a_signed_out_reader_sees_the_thread_and_a_way_to_sign_in(
    signed_in: Browser, new_browser: Any
) -> None:
    first = signed_in.comment("First *thoughts*")
    reader = new_browser()
    page = reader.page("/comments/hello")

    title = page.find("h1")
    assert title.text == "Hello there"
    assert title.find("a").attrs["href"] == "https://blog.example.test/posts/hello/"
    assert page.find("h2", id="comments").text == "Comments (1)"
    article = page.by_id(f"comment-{first}")
    assert "ada" in article.text and "First thoughts" in article.text
    assert article.find("em").text == "thoughts"
    assert article.find("time").attrs["datetime"].startswith("20")

    sign_in = next(
        a for a in page.find_all("a") if a.text == "Sign in" and "next" in a.attrs["href"]
    )
    url = urlsplit(sign_in.attrs["href"])
    assert url.path == "/auth/login" and parse_qs(url.query)["next"] == ["/comments/hello"]
    assert any(a.attrs.get("href") == "/auth/register" for a in page.find_all("a"))
    assert not page.find_all("textarea") and not page.find_all("form", class_="comment-form")


def test_no_javascript_at_all(signed_in: Browser) -> None:
    signed_in.comment("hello")
    page = signed_in.page("/comments/hello")
    assert not page.find_all("script")
    assert not [e for e in page.iter() if any(k.startswith("on") for k in e.attrs)]


@pytest.mark.parametrize("slug", ["nope", "draft", "later"])
def test_an_unknown_draft_or_future_post_is_a_404_page(browser: Browser, slug: str) -> None:
    response = browser.get(f"/comments/{slug}")
    assert response.status_code == 404
    page = html_of(response)
    assert page.find("h1").text == "404"
    assert "no published post" in page.find("main").text


def test_an_unconfirmed_reader_is_asked_to_confirm(browser: Browser, make_user: MakeUser) -> None:
    browser.login(make_user(username="newbie", confirmed=False))
    page = browser.page("/comments/hello")
    assert "Confirm your email address to comment" in page.text
    assert not page.find_all("textarea")

    refused = browser.submit("/comments/hello", body="Let me in")
    assert refused.status_code == 403
    assert "Confirm your email address before commenting." in html_of(refused).text
    assert "Comments (0)" in html_of(refused).text


# -- writing ----------------------------------------------------------------------------------
def test_a_confirmed_reader_posts_a_comment_with_the_form(signed_in: Browser, api: Any) -> None:
    page = signed_in.page("/comments/hello")
    form = page.find("form", class_="comment-form")
    assert form.attrs["method"] == "post" and form.attrs["action"] == "/comments/hello"
    textarea = form.find("textarea", name="body")
    assert form.find("label", for_=textarea.attrs["id"]).text == "Your comment"
    assert form.find("button").attrs["type"] == "submit"

    response = signed_in.submit("/comments/hello", body="Nice **post**")
    assert response.status_code == 303
    new = comment_id(response.headers["Location"])
    assert response.headers["Location"] == f"/comments/hello#comment-{new}"

    page = signed_in.page("/comments/hello")
    assert page.find("h2", id="comments").text == "Comments (1)"
    assert page.by_id(f"comment-{new}").find("strong", class_="author").text == "ada"
    assert "Nice post" in page.by_id(f"comment-{new}").text
    thread = api.get("/api/posts/hello/comments").get_json()["items"]
    assert [(c["id"], c["body_html"]) for c in thread] == [
        (new, "<p>Nice <strong>post</strong></p>")
    ]


def test_a_reply_is_shown_nested_under_its_parent(
    signed_in: Browser, new_browser: Any, make_user: MakeUser
) -> None:
    first = signed_in.comment("First")
    second = signed_in.comment("Second")
    other = new_browser()
    other.login(make_user(username="bob"))
    page = other.page("/comments/hello")
    reply_form = page.by_id(f"comment-{first}").find("details").find("form")
    assert reply_form.find("input", name="parent_id").attrs["value"] == str(first)
    label = reply_form.find("label", for_=f"reply-{first}")
    assert label.text == "Your reply to ada"

    reply = other.comment("I agree", parent=first)
    deeper = signed_in.comment("Thanks", parent=reply)

    page = other.page("/comments/hello")
    assert comments_in(page) == {first: None, reply: first, deeper: reply, second: None}
    assert page.find("h2", id="comments").text == "Comments (4)"


def test_replies_deeper_than_the_limit_attach_to_the_deepest_allowed_ancestor(
    signed_in: Browser,
) -> None:
    chain = [signed_in.comment("level 0")]
    for level in range(1, 6):
        chain.append(signed_in.comment(f"level {level}", parent=chain[-1]))
    shown = comments_in(signed_in.page("/comments/hello"))
    assert [shown[c] for c in chain] == [None, *chain[:4], chain[3]]


def test_posting_an_empty_comment_shows_the_error_beside_the_form(signed_in: Browser) -> None:
    response = signed_in.submit("/comments/hello", body="   ")
    assert response.status_code == 422
    page = html_of(response)
    textarea = page.find("textarea", name="body", id="new-comment-body")
    assert textarea.attrs["aria-invalid"] == "true"
    error = page.by_id(textarea.attrs["aria-describedby"])
    assert error.text == "The comment is empty."
    assert page.find(class_="error-summary").find("a").attrs["href"] == "#new-comment-body"
    assert page.find("title").text.startswith("Error:")
    assert "Comments (0)" in page.text


def test_a_too_long_comment_is_refused_and_the_typed_text_kept(signed_in: Browser) -> None:
    body = "word " * 1700  # 8,500 characters
    response = signed_in.submit("/comments/hello", body=body)
    assert response.status_code == 422
    page = html_of(response)
    textarea = page.by_id("new-comment-body")
    assert textarea.raw_text.strip() == body.strip()
    assert "the limit is 8000" in page.by_id("new-comment-body-error").text


def test_a_failed_reply_reopens_its_own_form_with_the_error(signed_in: Browser) -> None:
    first = signed_in.comment("First")
    response = signed_in.submit("/comments/hello", body=" ", parent_id=str(first))
    assert response.status_code == 422
    page = html_of(response)
    details = page.by_id(f"comment-{first}").find("details")
    assert "open" in details.attrs
    assert details.find("textarea").attrs["aria-describedby"] == f"reply-{first}-error"
    assert page.by_id(f"reply-{first}-error").text == "The comment is empty."
    assert "aria-invalid" not in page.by_id("new-comment-body").attrs


def test_a_reply_to_a_comment_on_another_post_is_refused(signed_in: Browser) -> None:
    elsewhere = signed_in.comment("On the second post", slug="second")
    response = signed_in.submit("/comments/hello", body="Hi", parent_id=str(elsewhere))
    assert response.status_code == 422
    page = html_of(response)
    assert (
        page.by_id("new-comment-body-error").text == "The comment you reply to is not on this post."
    )
    assert page.by_id("new-comment-body").raw_text.strip() == "Hi"
    garbled = signed_in.submit("/comments/hello", body="Hi", parent_id="1 OR 1=1")
    assert garbled.status_code == 422


def test_posting_without_a_csrf_token_is_refused(signed_in: Browser, api: Any) -> None:
    response = signed_in.client.post("/comments/hello", data={"body": "forged"})
    assert response.status_code == 400
    wrong = signed_in.client.post("/comments/hello", data={"body": "forged", "csrf_token": "x"})
    assert wrong.status_code == 400
    assert api.get("/api/posts/hello/comments").get_json()["items"] == []


def test_a_form_posted_with_a_bearer_token_still_needs_its_csrf_token(
    app: Flask, ada: User, api: Any
) -> None:
    api.login(ada)
    token = api.post("/api/auth/tokens", json={"name": "script"}).get_json()["token"]
    client = app.test_client()
    response = client.post(
        "/comments/hello",
        data={"body": "via a token"},
        headers={"Authorization": f"Bearer {token}"},
    )
    assert response.status_code == 400
    assert api.get("/api/posts/hello/comments").get_json()["items"] == []


def test_posting_signed_out_sends_the_reader_to_sign_in(browser: Browser, api: Any) -> None:
    # a form left open in a tab after signing out; the token comes from any page
    response = browser.submit("/auth/login", "/comments/hello", body="Anonymous")
    assert response.status_code == 302
    url = urlsplit(response.headers["Location"])
    assert url.path == "/auth/login" and parse_qs(url.query)["next"] == ["/comments/hello"]
    assert api.get("/api/posts/hello/comments").get_json()["items"] == []


def test_posting_to_an_unknown_post_is_a_404_page(signed_in: Browser) -> None:
    response = signed_in.submit("/comments/hello", "/comments/draft", body="Hi")
    assert response.status_code == 404 and response.mimetype == "text/html"


def test_comment_creation_is_rate_limited(signed_in: Browser) -> None:
    for number in range(6):
        signed_in.comment(f"comment {number}")
    response = signed_in.submit("/comments/hello", body="one too many")
    assert response.status_code == 429
    assert response.mimetype == "text/html"


# -- untrusted text -------------------------------------------------------------------------
def test_a_nul_character_is_refused_but_text_about_it_is_kept(signed_in: Browser, api: Any) -> None:
    refused = signed_in.submit("/comments/hello", body="before\x00after")
    assert refused.status_code == 422 and refused.mimetype == "text/html"
    kept = signed_in.comment("Sale: 100%00 off; in JSON a NUL is \\u0000")
    items = api.get("/api/posts/hello/comments").get_json()["items"]
    assert [c["id"] for c in items] == [kept]
    assert "100%00" in signed_in.page("/comments/hello").by_id(f"comment-{kept}").text


def test_script_in_a_comment_is_inert(signed_in: Browser, new_browser: Any) -> None:
    evil = signed_in.comment(
        '<script>alert("x")</script> <img src=x onerror=alert(1)> '
        '[click](javascript:alert(1)) <a href="#" onclick="alert(1)">a</a>'
    )
    response = new_browser().get("/comments/hello")
    raw = response.get_data(as_text=True)
    assert "<script" not in raw and "<img" not in raw and "javascript:" not in raw
    page = html_of(response)
    article = page.by_id(f"comment-{evil}")
    assert not article.find_all("script") and not article.find_all("img")
    assert not [e for e in article.iter() if any(k.startswith("on") for k in e.attrs)]
    assert "<script>alert(" in article.text  # shown as text, not run


def test_a_username_is_escaped(browser: Browser, make_user: MakeUser) -> None:
    # Usernames are restricted at registration; the page escapes them anyway.
    browser.login(make_user(username="<b>bold</b>"), next=None)
    browser.comment("hi")
    raw = browser.get("/comments/hello").get_data(as_text=True)
    assert "<b>bold</b>" not in raw and "&lt;b&gt;bold&lt;/b&gt;" in raw
