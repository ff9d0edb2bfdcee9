"""The HTML pages: index lookups and ``render_template``, nothing else.

Each view is a context function (what the page shows) made a view by
:func:`~frostpress.web.reads.shows`; ``generate_urls`` lists every page. The
freezer builds exactly these URLs and re-renders one when its context or a
field its template read changed (both recorded, see :mod:`frostpress.web.reads`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

from flask import Blueprint, abort, current_app, render_template, url_for

from frostpress.content.index import Paginated, SiteIndex, page_count, page_of
from frostpress.content.models import Post
from frostpress.web.filters import absolute
from frostpress.web.reads import shows

__all__ = ["POST_RULE", "bp", "generate_urls", "post_path"]

bp = Blueprint("blog", __name__)
POST_RULE = "/posts/<slug:slug>/"


def post_path(slug: str) -> str:
    """The site path of a post, from the same rule as its route (the sidecar uses it)."""
    return POST_RULE.replace("<slug:slug>", slug)


UrlSpec = tuple[str, dict[str, Any]]  # (endpoint, values): a page to build


def _index() -> SiteIndex:
    index: SiteIndex = current_app.extensions["frostpress.index"]
    return index


def _page_of(posts: list[Post], number: int) -> Paginated[Post]:
    page = page_of(posts, number, _index().config.per_page)
    if page is None:
        abort(404)
    return page


def _page_urls(
    endpoint: str, values: dict[str, Any], posts: list[Post], per_page: int
) -> Iterator[UrlSpec]:
    for number in range(1, page_count(posts, per_page) + 1):
        yield endpoint, {**values, "page": number}


def _template(name: str) -> Callable[[dict[str, Any]], str]:
    return lambda context: render_template(name, **context)


@bp.route("/", defaults={"page": 1})
@bp.route("/page/<int:page>/")
@shows(_template("index.html"))
def index(page: int) -> dict[str, Any]:
    return {"page": _page_of(_index().posts, page)}


@bp.route(POST_RULE)
@shows(_template("post.html"))
def post(slug: str) -> dict[str, Any]:
    index = _index()
    found = index.post(slug)
    if found is None:
        abort(404)
    return {
        "post": found,
        "newer": index.newer(found),
        "older": index.older(found),
        "related": index.related(found),
    }


@bp.route("/tags/")
@shows(_template("tags.html"))
def tags() -> dict[str, Any]:
    return {"tags": _index().tag_counts()}


@bp.route("/tags/<slug:tag>/", defaults={"page": 1})
@bp.route("/tags/<slug:tag>/page/<int:page>/")
@shows(_template("tag.html"))
def tag(tag: str, page: int) -> dict[str, Any]:
    index = _index()
    if tag not in index.tags:
        abort(404)
    return {"tag": index.tags[tag], "page": _page_of(index.by_tag[tag], page)}


@bp.route("/categories/")
@shows(_template("categories.html"))
def categories() -> dict[str, Any]:
    return {"categories": _index().category_counts()}


@bp.route("/categories/<slug:category>/", defaults={"page": 1})
@bp.route("/categories/<slug:category>/page/<int:page>/")
@shows(_template("category.html"))
def category(category: str, page: int) -> dict[str, Any]:
    index = _index()
    if category not in index.categories:
        abort(404)
    return {
        "category": index.categories[category],
        "page": _page_of(index.by_category[category], page),
    }


@bp.route("/archive/")
@shows(_template("archive.html"))
def archive() -> dict[str, Any]:
    return {"years": _index().archive()}


@bp.route("/search/")
@shows(_template("search.html"))
def search() -> dict[str, Any]:
    """A form that asks the sidecar (/search/results, proxied); with JavaScript,
    results as you type from /api/search."""
    return {}


@bp.route("/404.html")
@shows(_template("404.html"))
def not_found() -> dict[str, Any]:
    return {}


def _page_or_alias(context: dict[str, Any]) -> str:
    return render_template("page.html" if "page" in context else "alias.html", **context)


@bp.route("/<slug:slug>/")
@shows(_page_or_alias)
def page(slug: str) -> dict[str, Any]:
    found = _index().page(slug)
    return {"page": found} if found is not None else _alias("/" + slug + "/")


@bp.route("/<path:alias>")
@shows(_template("alias.html"))
def alias(alias: str) -> dict[str, Any]:
    return _alias("/" + alias)


def _alias(path: str) -> dict[str, Any]:
    target = _index().aliases().get(path)
    if target is None:
        abort(404)
    return {"target": absolute(url_for("blog.post", slug=target))}


def generate_urls(index: SiteIndex) -> Iterator[UrlSpec]:
    per_page = index.config.per_page
    yield from _page_urls("blog.index", {}, index.posts, per_page)
    for post in index.posts:
        yield "blog.post", {"slug": post.slug}
    yield "blog.tags", {}
    for slug in index.tags:
        yield from _page_urls("blog.tag", {"tag": slug}, index.by_tag[slug], per_page)
    yield "blog.categories", {}
    for slug in index.categories:
        yield from _page_urls(
            "blog.category", {"category": slug}, index.by_category[slug], per_page
        )
    yield "blog.archive", {}
    yield "blog.search", {}
    yield "blog.not_found", {}
    for page in index.pages:
        yield "blog.page", {"slug": page.slug}
    for old in index.aliases():
        yield "blog.alias", {"alias": old.lstrip("/")}
