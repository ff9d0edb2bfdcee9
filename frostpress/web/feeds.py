"""Atom and RSS feeds, the sitemap, robots.txt and Netlify's ``_redirects``.

Every file gets an explicit mimetype matching its extension, so the freezer
never warns and the CDN serves the right Content-Type. Dates come from the
content, never the clock, so two builds are byte-identical.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from flask import Blueprint, Response, abort, current_app, render_template, url_for

from frostpress.content.index import SiteIndex
from frostpress.content.models import Page, Post, Term
from frostpress.web.filters import absolute
from frostpress.web.reads import shows
from frostpress.web.views import UrlSpec

__all__ = ["bp", "generate_urls", "xml_safe"]

bp = Blueprint("feeds", __name__)


def _index() -> SiteIndex:
    index: SiteIndex = current_app.extensions["frostpress.index"]
    return index


# Characters XML 1.0 forbids even as references: one in a title or a body
# (YAML's "\x01", a pasted control character) would make the whole feed unreadable.
_NOT_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")


def xml_safe(text: str) -> str:
    """``text`` without the characters XML 1.0 forbids (the sidecar's feeds use it too)."""
    return _NOT_XML.sub("", text)


def _xml(template: str) -> Callable[[dict[str, Any]], Response]:
    def render(context: dict[str, Any]) -> Response:
        return Response(xml_safe(render_template(template, **context)), mimetype="application/xml")

    return render


@bp.route("/feed.xml")
@shows(_xml("feeds/atom.xml"))
def atom() -> dict[str, Any]:
    index = _index()
    return {
        "posts": index.posts[: index.config.feed_items],
        "title": None,
        "self_url": absolute(url_for("feeds.atom")),
        "updated": index.updated,
    }


@bp.route("/rss.xml")
@shows(_xml("feeds/rss.xml"))
def rss() -> dict[str, Any]:
    index = _index()
    return {
        "posts": index.posts[: index.config.feed_items],
        "self_url": absolute(url_for("feeds.rss")),
    }


@bp.route("/tags/<slug:tag>/feed.xml")
@shows(_xml("feeds/atom.xml"))
def tag_atom(tag: str) -> dict[str, Any]:
    index = _index()
    term = index.tags.get(tag)
    if term is None:
        abort(404)
    posts = index.by_tag[tag][: index.config.feed_items]
    return {
        "posts": posts,
        "title": term.name,
        "self_url": absolute(url_for("feeds.tag_atom", tag=tag)),
        "updated": max((p.modified for p in posts if p.modified), default=None),
    }


@dataclass(frozen=True)
class Listing:
    """What the sitemap lists: every published document and term."""

    updated: datetime | None
    posts: list[Post]
    pages: list[Page]
    tags: dict[str, Term]
    categories: dict[str, Term]


@bp.route("/sitemap.xml")
@shows(_xml("feeds/sitemap.xml"))
def sitemap() -> dict[str, Any]:
    index = _index()
    listing = Listing(index.updated, index.posts, index.pages, index.tags, index.categories)
    return {"index": listing}


@bp.route("/robots.txt")
@shows(lambda context: Response(render_template("feeds/robots.txt"), mimetype="text/plain"))
def robots() -> dict[str, Any]:
    return {}


def _lines(context: dict[str, Any]) -> Response:
    return Response("".join(line + "\n" for line in context["lines"]), mimetype="text/plain")


@bp.route("/_redirects")
@shows(_lines)
def redirects() -> dict[str, Any]:
    """Netlify answers old URLs with a real 301 (the HTML pages are the fallback)."""
    lines = [
        f"{old} {url_for('blog.post', slug=slug)} 301!"
        for old, slug in sorted(_index().aliases().items())
    ]
    return {"lines": lines}


def generate_urls(index: SiteIndex) -> Iterator[UrlSpec]:
    yield "feeds.atom", {}
    yield "feeds.rss", {}
    for slug in index.by_tag:
        yield "feeds.tag_atom", {"tag": slug}
    yield "feeds.sitemap", {}
    yield "feeds.robots", {}
    yield "feeds.redirects", {}
