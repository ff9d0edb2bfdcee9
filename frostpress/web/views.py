"""The HTML pages: index lookups and ``render_template``, nothing else.

``generate_urls`` lists every page with what it shows (``depends_on``): the
freezer builds exactly these URLs and re-renders one only when what it
depends on changed. A view that starts showing something new must add it
there too; the incremental-equals-cold test catches a miss.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from flask import Blueprint, abort, current_app, render_template, url_for

from frostpress.content.index import Paginated, SiteIndex, page_of, paginate
from frostpress.content.models import Post
from frostpress.web.filters import absolute

__all__ = ["POST_RULE", "bp", "generate_urls", "post_path"]

bp = Blueprint("blog", __name__)
POST_RULE = "/posts/<slug:slug>/"


def post_path(slug: str) -> str:
    """The site path of a post, from the same rule as its route (the sidecar uses it)."""
    return POST_RULE.replace("<slug:slug>", slug)


UrlSpec = tuple[str, dict[str, Any], tuple[str, ...]]


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
    for page in paginate(posts, per_page):
        deps = (f"{page.pages}:{page.total}", *(p.card for p in page.items))
        yield endpoint, {**values, "page": page.number}, deps


@bp.route("/", defaults={"page": 1})
@bp.route("/page/<int:page>/")
def index(page: int) -> str:
    return render_template("index.html", page=_page_of(_index().posts, page))


@bp.route(POST_RULE)
def post(slug: str) -> str:
    index = _index()
    found = index.post(slug)
    if found is None:
        abort(404)
    return render_template(
        "post.html",
        post=found,
        newer=index.newer(found),
        older=index.older(found),
        related=index.related(found),
    )


@bp.route("/tags/")
def tags() -> str:
    return render_template("tags.html", tags=_index().tag_counts())


@bp.route("/tags/<slug:tag>/", defaults={"page": 1})
@bp.route("/tags/<slug:tag>/page/<int:page>/")
def tag(tag: str, page: int) -> str:
    index = _index()
    if tag not in index.tags:
        abort(404)
    return render_template("tag.html", tag=index.tags[tag], page=_page_of(index.by_tag[tag], page))


@bp.route("/categories/")
def categories() -> str:
    return render_template("categories.html", categories=_index().category_counts())


@bp.route("/categories/<slug:category>/", defaults={"page": 1})
@bp.route("/categories/<slug:category>/page/<int:page>/")
def category(category: str, page: int) -> str:
    index = _index()
    if category not in index.categories:
        abort(404)
    return render_template(
        "category.html",
        category=index.categories[category],
        page=_page_of(index.by_category[category], page),
    )


@bp.route("/archive/")
def archive() -> str:
    return render_template("archive.html", years=_index().archive())


@bp.route("/search/")
def search() -> str:
    """A form that asks the sidecar (/search/results, proxied); with JavaScript,
    results as you type from /api/search."""
    return render_template("search.html")


@bp.route("/404.html")
def not_found() -> str:
    return render_template("404.html")


@bp.route("/<slug:slug>/")
def page(slug: str) -> str:
    index = _index()
    found = index.page(slug)
    if found is not None:
        return render_template("page.html", page=found)
    return alias(slug + "/")


@bp.route("/<path:alias>")
def alias(alias: str) -> str:
    target = _index().aliases().get("/" + alias)
    if target is None:
        abort(404)
    return render_template("alias.html", target=absolute(url_for("blog.post", slug=target)))


def generate_urls(index: SiteIndex) -> Iterator[UrlSpec]:
    per_page = index.config.per_page
    yield from _page_urls("blog.index", {}, index.posts, per_page)
    for post in index.posts:
        neighbours = (index.newer(post), index.older(post), *index.related(post))
        yield (
            "blog.post",
            {"slug": post.slug},
            (post.digest, *(p.card if p else "-" for p in neighbours)),
        )
    yield "blog.tags", {}, tuple(f"{t.slug}={t.name}:{n}" for t, n in index.tag_counts())
    for slug, _term in index.tags.items():
        yield from _page_urls("blog.tag", {"tag": slug}, index.by_tag[slug], per_page)
    yield "blog.categories", {}, tuple(f"{t.slug}={t.name}:{n}" for t, n in index.category_counts())
    for slug in index.categories:
        yield from _page_urls(
            "blog.category", {"category": slug}, index.by_category[slug], per_page
        )
    yield "blog.archive", {}, tuple(p.card for p in index.posts)
    yield "blog.search", {}, ()
    yield "blog.not_found", {}, ()
    for page in index.pages:
        yield "blog.page", {"slug": page.slug}, (page.digest,)
    for old, slug in index.aliases().items():
        yield "blog.alias", {"alias": old.lstrip("/")}, (slug,)
