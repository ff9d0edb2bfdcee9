"""A thread comes a page of top-level comments at a time, each with all its replies."""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask

from sidecar.models import Role, User
from tests.sidecar.browser import Browser, comments_in, html_of
from tests.sidecar.conftest import ApiClient, MakeUser, error_of, statements_during
from tests.sidecar.test_api_comments import THREAD, seed, signed_in, update_comment


def page(client: Any, **query: Any) -> dict[str, Any]:
    response = client.get(THREAD, query_string=query)
    assert response.status_code == 200, response.get_json()
    body: dict[str, Any] = response.get_json()
    return body


def ids(body: dict[str, Any]) -> list[int]:
    return [c["id"] for c in body["items"]]


def conversation(app: Flask, author: User, roots: int) -> dict[int, list[int]]:
    """``roots`` top-level comments, oldest first, each with a reply and a reply to it."""
    made: dict[int, list[int]] = {}
    for n in range(roots):
        root = seed(app, author, f"topic {n}")
        reply = seed(app, author, f"reply to {n}", root)
        made[root] = [reply, seed(app, author, f"reply to the reply to {n}", reply)]
    return made


def test_a_page_holds_top_level_comments_with_all_their_replies(
    app: Flask, make_user: MakeUser
) -> None:
    made = conversation(app, make_user(), 3)
    first, second, third = made
    reader = app.test_client()

    one = page(reader, per_page=2)
    assert ids(one) == [first, *made[first], second, *made[second]]
    assert (one["page"], one["per_page"], one["total"], one["pages"]) == (1, 2, 3, 2)
    two = page(reader, per_page=2, page=2)
    assert ids(two) == [third, *made[third]]
    assert page(reader, per_page=2, page=3)["items"] == []  # past the end: empty, not an error

    newest = page(reader, per_page=2, order="newest")
    assert ids(newest) == [third, *made[third], second, *made[second]]  # replies stay in order
    assert ids(page(reader, per_page=2, order="newest", page=2)) == [first, *made[first]]


def test_fifty_top_level_comments_a_page_unless_asked(app: Flask, make_user: MakeUser) -> None:
    author = make_user()
    roots = [seed(app, author, f"topic {n}") for n in range(52)]
    body = page(app.test_client())
    assert ids(body) == roots[:50]
    assert (body["total"], body["pages"]) == (52, 2)
    assert ids(page(app.test_client(), page=2)) == roots[50:]
    assert len(page(app.test_client(), per_page=100)["items"]) == 52


def test_a_tombstone_keeps_its_replies_on_its_page_and_a_bare_one_is_not_counted(
    app: Flask, make_user: MakeUser
) -> None:
    author = make_user()
    answered = seed(app, author, "answered, then deleted")
    reply = seed(app, make_user(), "the answer", answered)
    lonely = seed(app, author, "deleted, nobody answered")
    kept = seed(app, author, "kept")
    rejected_reply_only = seed(app, author, "rejected, with a rejected reply")
    hidden_reply = seed(app, make_user(), "rejected too", rejected_reply_only)
    for comment_id in (answered, lonely):
        update_comment(app, comment_id, status="deleted", body_source="", body_html="")
    for comment_id in (rejected_reply_only, hidden_reply):
        update_comment(app, comment_id, status="rejected")

    body = page(app.test_client(), per_page=1)
    assert ids(body) == [answered, reply]
    assert body["items"][0]["status"] == "deleted" and body["items"][0]["author"] is None
    assert body["total"] == 2  # the tombstone with its reply, and "kept"
    assert ids(page(app.test_client(), per_page=1, page=2)) == [kept]


@pytest.mark.parametrize("sidecar_config", [{"MODERATION": "all"}])
def test_a_callers_own_pending_comments_are_on_their_pages_only(
    app: Flask, make_user: MakeUser
) -> None:
    moderator = make_user(role=Role.MODERATOR)  # never held
    topic = seed(app, moderator, "a topic")
    author = make_user()
    mine = signed_in(app, author)
    held_root = mine.post(THREAD, json={"body": "held, top-level"}).get_json()["id"]
    held_reply = mine.post(THREAD, json={"body": "held reply", "parent_id": topic}).get_json()
    assert held_reply["status"] == "pending"

    own = page(mine)
    assert ids(own) == [topic, held_reply["id"], held_root] and own["total"] == 2
    for other in (app.test_client(), signed_in(app, make_user())):
        theirs = page(other)
        assert ids(theirs) == [topic] and theirs["total"] == 1


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ({"per_page": 101}, "per_page"),
        ({"per_page": 0}, "per_page"),
        ({"per_page": "all"}, "per_page"),
        ({"page": 0}, "page"),
        ({"page": "last"}, "page"),
        ({"order": "random"}, "order"),
    ],
)
def test_a_bad_page_request_is_a_422_naming_the_field(
    app: Flask, query: dict[str, Any], field: str
) -> None:
    response = app.test_client().get(THREAD, query_string=query)
    assert response.status_code == 422
    assert field in error_of(response)["fields"]


def test_a_page_is_read_in_the_same_queries_however_long_the_thread(
    app: Flask, make_user: MakeUser
) -> None:
    author = make_user()
    conversation(app, author, 2)
    reader = app.test_client()
    small = statements_during(app, lambda: page(reader, per_page=2))
    conversation(app, author, 40)
    large = statements_during(app, lambda: page(reader, per_page=2))
    assert len(small) == len(large) <= 2
    # The page is cut by the database (LIMIT), never after loading every comment.
    assert any("LIMIT" in statement.upper() for statement in large)


def test_reading_threads_is_rate_limited_per_address(api: ApiClient, app: Flask) -> None:
    first = api.get(THREAD)
    assert first.headers["X-RateLimit-Limit"] == "300"
    statuses = [first.status_code]
    while statuses[-1] == 200 and len(statuses) < 1000:  # a window may roll over once
        statuses.append(api.get(THREAD, query_string={"page": len(statuses)}).status_code)
    assert statuses[-1] == 429 and len(statuses) > 300
    limited = api.get(THREAD)
    assert limited.status_code == 429 and error_of(limited)["code"] == "rate_limited"
    assert limited.headers["Retry-After"]
    # The no-JavaScript page reads the same thread from the same budget.
    assert api.get("/comments/hello").status_code == 429
    other = app.test_client().get(THREAD, environ_base={"REMOTE_ADDR": "198.51.100.8"})
    assert other.status_code == 200  # another address has its own


# -- the no-JavaScript page ----------------------------------------------------------------------
def links(page: Any) -> dict[str, str]:
    pager = page.find_all("nav", aria_label="Comment pages")
    return {a.attrs["rel"]: a.attrs["href"] for nav in pager[:1] for a in nav.find_all("a")}


def test_the_no_javascript_page_pages_with_links_to_older_and_newer_comments(
    app: Flask, ada: User, browser: Browser
) -> None:
    roots = [seed(app, ada, f"topic {n}") for n in range(52)]
    reply = seed(app, ada, "a late reply to the first", roots[0])

    first = browser.page("/comments/hello")
    shown = comments_in(first)
    assert list(shown) == [roots[0], reply, *roots[1:50]] and shown[reply] == roots[0]
    assert links(first) == {"next": "/comments/hello?page=2#comments"}
    assert "Page 1 of 2" in first.text
    assert first.find("h2", id="comments").text == "Comments (53)"  # the whole thread's

    second = browser.page("/comments/hello?page=2")
    assert list(comments_in(second)) == roots[50:]
    assert links(second) == {"prev": "/comments/hello#comments"}
    assert "No comments on this page" in browser.page("/comments/hello?page=9").text
    assert list(comments_in(browser.page("/comments/hello?page=x"))) == list(shown)


def test_after_posting_the_reader_lands_on_the_page_that_shows_the_comment(
    app: Flask, ada: User, signed_in: Browser
) -> None:
    roots = [seed(app, ada, f"topic {n}") for n in range(50)]
    response = signed_in.submit("/comments/hello", body="The fifty-first")
    assert response.status_code == 303
    newest = int(response.headers["Location"].rsplit("-", 1)[1])
    assert response.headers["Location"] == f"/comments/hello?page=2#comment-{newest}"
    assert signed_in.page("/comments/hello?page=2").has_id(f"comment-{newest}")

    # A reply goes to its top-level comment's page; a failed one is shown there too.
    replied = signed_in.submit("/comments/hello", body="Re: topic 1", parent_id=str(roots[1]))
    assert replied.headers["Location"].startswith("/comments/hello#comment-")
    page_two = signed_in.page("/comments/hello?page=2")
    form = page_two.find("input", name="parent_id", value=str(newest)).closest("form")
    assert form.attrs["action"] == "/comments/hello?page=2"
    failed = signed_in.submit(
        "/comments/hello?page=2", form.attrs["action"], body=" ", parent_id=str(newest)
    )
    assert failed.status_code == 422
    reopened = html_of(failed).find("textarea", id=f"reply-{newest}")
    assert reopened.attrs["aria-invalid"] == "true"
    # Editing it comes back to its page as well.
    edit = signed_in.page(f"/comments/hello/{newest}/edit")
    back = [a for a in edit.find_all("a") if a.text == "Back to the comments"]
    assert back[0].attrs["href"] == f"/comments/hello?page=2#comment-{newest}"
    saved = signed_in.submit(f"/comments/hello/{newest}/edit", body="The fifty-first, edited")
    assert saved.headers["Location"] == f"/comments/hello?page=2#comment-{newest}"
