"""A reader whose comment was stored but whose answer was lost, sending it again.

Its own dev server: the comments module's server has spent its sign-up budget.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.e2e.site import (
    TIMEOUT,
    DevServer,
    comment_article,
    comments,
    confirmed_user,
    dev_server,
    live,
    make_blog,
    sign_in_in_widget,
)


@pytest.fixture(scope="module")
def dev(tmp_path_factory: pytest.TempPathFactory) -> Iterator[DevServer]:
    root = tmp_path_factory.mktemp("retries")
    blog = make_blog(root / "blog")
    with dev_server(blog.root, root / "dev.log", moderation="none") as server:
        yield server


def test_a_post_whose_answer_was_lost_is_not_stored_twice_when_sent_again(
    dev: DevServer, reader: Any
) -> None:
    """The server stores the comment, the answer never arrives, the reader clicks
    again: the widget sends the same idempotency key, so one comment exists."""
    page = reader(dev, "/posts/second/")
    sign_in_in_widget(page, confirmed_user(page, dev))
    mine = live(page)
    lost: list[str] = []

    def deliver_then_drop(route: Any) -> None:
        if route.request.method == "POST" and not lost:
            lost.append(route.request.headers.get("idempotency-key", ""))
            route.fetch()  # the server gets it and stores the comment...
            route.abort("connectionreset")  # ...but the answer is lost on the way back
        else:
            route.continue_()

    page.route("**/api/posts/second/comments", deliver_then_drop)
    mine.get_by_label("Your comment").fill("Sent once, stored once")
    mine.get_by_role("button", name="Post comment").click()
    expect(mine.locator(".comment-error").first).not_to_be_empty(timeout=TIMEOUT)
    mine.get_by_role("button", name="Post comment").click()
    expect(comment_article(mine, "Sent once, stored once")).to_be_visible(timeout=TIMEOUT)
    assert lost and len(lost[0]) >= 8
    page.unroute("**/api/posts/second/comments")
    page.reload()
    expect(comments(page).get_by_text("Sent once, stored once")).to_have_count(1, timeout=TIMEOUT)
