"""Atom feeds of comments: the whole site's latest, and one post's.

``/comments/feed.xml`` and ``/comments/<slug>/feed.xml`` list the newest
approved comments (50 at most), newest first. Every address in them is built
from configuration (the site's base URL for posts, ``PUBLIC_URL`` for the
feeds themselves), never from the request. They are public, so the CDN may
keep them for a minute; an ``ETag`` answers a reader's repeat with a 304.
"""

from __future__ import annotations

from flask import Blueprint, Response, render_template, request

from frostpress.web.feeds import xml_safe
from sidecar import deps
from sidecar.errors import NotFound
from sidecar.extensions import THREAD_RATE, limiter
from sidecar.links import public_url
from sidecar.services.activity import MAX_LIMIT

__all__ = ["bp"]

bp = Blueprint("comment_feeds", __name__, url_prefix="/comments")

ATOM = "application/atom+xml"


def _feed(title: str, self_url: str, alternate: str, slug: str | None) -> Response:
    found = deps.activity().recent(MAX_LIMIT, slug=slug)
    body = render_template(
        "feeds/comments.xml",
        title=title,
        self_url=self_url,
        alternate=alternate,
        entries=found,
        updated=max((r.comment.edited_at or r.comment.created_at for r in found), default=None),
    )
    response = Response(xml_safe(body), mimetype=ATOM)  # a stray control character breaks XML
    response.headers["Cache-Control"] = "public, max-age=60"
    response.add_etag()
    response.make_conditional(request)
    return response


@bp.get("/feed.xml")
@limiter.shared_limit(THREAD_RATE, scope="thread-read")
def site_feed() -> Response:
    site = deps.catalog().config
    return _feed(
        f"Comments on {site.title}", public_url("comment_feeds.site_feed"), site.base_url, None
    )


@bp.get("/<slug>/feed.xml")
@limiter.shared_limit(THREAD_RATE, scope="thread-read")
def post_feed(slug: str) -> Response:
    catalog = deps.catalog()
    post = catalog.post(slug)
    if post is None:
        raise NotFound(f"There is no published post {slug!r}.", code="post_not_found")
    return _feed(
        f"Comments on “{post.title}”",
        public_url("comment_feeds.post_feed", slug=slug),
        catalog.url(post),
        slug,
    )
