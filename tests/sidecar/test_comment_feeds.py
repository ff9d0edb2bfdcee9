"""Atom feeds of the site's comments and of one post's."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import timedelta

from flask import Flask

from sidecar.database import now_utc
from sidecar.models import Status
from tests.sidecar.conftest import MakeUser
from tests.sidecar.stored import stored_comment

NS = {"a": "http://www.w3.org/2005/Atom"}


def _href(element: ET.Element, path: str) -> str:
    link = element.find(path, NS)
    assert link is not None, path
    return link.attrib["href"]


def _entries(feed: ET.Element) -> list[tuple[str, str, str]]:
    return [
        (
            e.findtext("a:title", namespaces=NS) or "",
            _href(e, "a:link"),
            e.findtext("a:content", namespaces=NS) or "",
        )
        for e in feed.findall("a:entry", NS)
    ]


def test_the_site_feed_lists_approved_comments_newest_first(
    app: Flask, make_user: MakeUser
) -> None:
    ada = make_user(username="ada")
    older = stored_comment(app, ada, "hello", "<p>older &amp; wiser</p>", 20, Status.APPROVED.value)
    newer = stored_comment(app, ada, "second", "<p><em>newer</em></p>", 5, Status.APPROVED.value)
    stored_comment(app, ada, "hello", "<p>held</p>", 0, Status.PENDING.value)
    stored_comment(app, ada, "draft", "<p>on a draft</p>", 0, Status.APPROVED.value)
    answer = app.test_client().get("/comments/feed.xml")
    assert answer.status_code == 200 and answer.mimetype == "application/atom+xml"
    assert "public" in answer.headers["Cache-Control"]
    feed = ET.fromstring(answer.data)  # well-formed XML
    base = app.extensions["sidecar.catalog"].config.base_url.rstrip("/")
    assert _entries(feed) == [
        ("ada on “Second post”", f"{base}/posts/second/#comment-{newer}", "<p><em>newer</em></p>"),
        (
            "ada on “Hello there”",
            f"{base}/posts/hello/#comment-{older}",
            "<p>older &amp; wiser</p>",
        ),
    ]
    self_link = _href(feed, "a:link[@rel='self']")
    assert self_link == app.config["PUBLIC_URL"].rstrip("/") + "/comments/feed.xml"
    updated = feed.findtext("a:updated", namespaces=NS)
    assert updated is not None
    assert updated.startswith((now_utc() - timedelta(minutes=5)).strftime("%Y-%m-%dT%H"))
    again = app.test_client().get(
        "/comments/feed.xml", headers={"If-None-Match": answer.headers["ETag"]}
    )
    assert again.status_code == 304


def test_a_post_feed_holds_that_post_only_and_a_draft_has_none(
    app: Flask, make_user: MakeUser
) -> None:
    ada = make_user(username="ada")
    mine = stored_comment(app, ada, "hello", "<p>here</p>", 1, Status.APPROVED.value)
    stored_comment(app, ada, "second", "<p>elsewhere</p>", 0, Status.APPROVED.value)
    feed = ET.fromstring(app.test_client().get("/comments/hello/feed.xml").data)
    assert [link for _, link, _ in _entries(feed)] == [
        app.extensions["sidecar.catalog"].config.base_url.rstrip("/")
        + f"/posts/hello/#comment-{mine}"
    ]
    assert feed.findtext("a:title", namespaces=NS) == "Comments on “Hello there”"
    for slug in ("draft", "no-such-post"):
        assert app.test_client().get(f"/comments/{slug}/feed.xml").status_code == 404
    # the thread page itself is still a thread page
    assert app.test_client().get("/comments/hello").mimetype == "text/html"
