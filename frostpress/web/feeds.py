"""Atom and RSS feeds, the sitemap, robots.txt and Netlify's ``_redirects``.

Every file gets an explicit mimetype matching its extension, so the freezer
never warns and the CDN serves the right Content-Type. Dates come from the
content, never the clock, so two builds are byte-identical.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from flask import Blueprint, Response, abort, current_app, render_template, url_for

from frostpress.content.index import SiteIndex
from frostpress.web.filters import absolute
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


def _xml(template: str, mimetype: str, **context: object) -> Response:
    return Response(xml_safe(render_template(template, **context)), mimetype=mimetype)


@bp.route("/feed.xml")
def atom() -> Response:
    index = _index()
    posts = index.posts[: index.config.feed_items]
    return _xml(
        "feeds/atom.xml",
        "application/xml",
        posts=posts,
        title=None,
        self_url=absolute(url_for("feeds.atom")),
        updated=index.updated,
    )


@bp.route("/rss.xml")
def rss() -> Response:
    index = _index()
    return _xml(
        "feeds/rss.xml",
        "application/xml",
        posts=index.posts[: index.config.feed_items],
        self_url=absolute(url_for("feeds.rss")),
    )


@bp.route("/tags/<slug:tag>/feed.xml")
def tag_atom(tag: str) -> Response:
    index = _index()
    term = index.tags.get(tag)
    if term is None:
        abort(404)
    posts = index.by_tag[tag][: index.config.feed_items]
    return _xml(
        "feeds/atom.xml",
        "application/xml",
        posts=posts,
        title=term.name,
        self_url=absolute(url_for("feeds.tag_atom", tag=tag)),
        updated=max((p.modified for p in posts if p.modified), default=None),
    )


@bp.route("/sitemap.xml")
def sitemap() -> Response:
    index = _index()
    return _xml("feeds/sitemap.xml", "application/xml", index=index)


@bp.route("/robots.txt")
def robots() -> Response:
    return Response(render_template("feeds/robots.txt"), mimetype="text/plain")


@bp.route("/_redirects")
def redirects() -> Response:
    """Netlify answers old URLs with a real 301 (the HTML pages are the fallback)."""
    lines = [
        f"{old} {url_for('blog.post', slug=slug)} 301!"
        for old, slug in sorted(_index().aliases().items())
    ]
    return Response("".join(line + "\n" for line in lines), mimetype="text/plain")


def generate_urls(index: SiteIndex) -> Iterator[UrlSpec]:
    latest = tuple(p.digest for p in index.posts[: index.config.feed_items])
    yield "feeds.atom", {}, latest
    yield "feeds.rss", {}, latest
    for slug, posts in index.by_tag.items():
        yield (
            "feeds.tag_atom",
            {"tag": slug},
            tuple(p.digest for p in posts[: index.config.feed_items]),
        )
    yield (
        "feeds.sitemap",
        {},
        (
            *(p.card for p in index.posts),
            *(p.digest for p in index.pages),
            *index.tags,
            "|",
            *index.categories,
        ),
    )
    yield "feeds.robots", {}, ()
    yield "feeds.redirects", {}, tuple(f"{a}>{s}" for a, s in index.aliases().items())
