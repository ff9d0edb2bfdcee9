"""Published posts, as the engine sees them, with comment counts."""

from __future__ import annotations

from typing import Any

from flask_smorest import Blueprint

from sidecar import deps
from sidecar.api.caching import cached_json, keep_cookies_private, requested_slugs
from sidecar.api.common import errors
from sidecar.api.schemas import CountsQuerySchema, PostListSchema, PostSchema, PostsQuerySchema
from sidecar.errors import NotFound

blp = Blueprint("api_posts", __name__, url_prefix="/api", description="Posts and counts")
# Nothing here depends on who asks: every answer is public and kept (sidecar.api.caching).
blp.after_request(keep_cookies_private)


def _post(post: Any, count: int) -> dict[str, Any]:
    return {
        "slug": post.slug,
        "title": post.title,
        "date": post.date,
        "url": deps.catalog().url(post),
        "tags": [t.name for t in post.tags],
        "summary": post.summary_text,
        "comment_count": count,
    }


@blp.route("/posts")
@blp.arguments(PostsQuerySchema, location="query")
@blp.response(200, PostListSchema)
@errors(blp, 422)
def list_posts(query: dict[str, Any]) -> Any:
    catalog = deps.catalog()
    posts = catalog.index().posts
    if query["tag"]:
        posts = [
            p
            for p in posts
            if any(t.slug == query["tag"] or t.name == query["tag"] for t in p.tags)
        ]
    page, per_page = query["page"], query["per_page"]
    shown = posts[(page - 1) * per_page : page * per_page]

    def build() -> Any:
        counts = deps.comments().counts(p.slug for p in shown)
        listed = {
            "items": [_post(p, counts[p.slug]) for p in shown],
            "page": page,
            "per_page": per_page,
            "total": len(posts),
        }
        return PostListSchema().dump(listed)

    params = f"{catalog.signature()}|{sorted(query.items())}"
    return cached_json("posts", [p.slug for p in shown], params, build)


@blp.route("/posts/<slug>")
@blp.response(200, PostSchema)
@errors(blp, 404)
def get_post(slug: str) -> Any:
    catalog = deps.catalog()

    def build() -> Any:
        post = catalog.post(slug)
        if post is None:
            raise NotFound(f"There is no published post {slug!r}.", code="post_not_found")
        return PostSchema().dump(_post(post, deps.comments().counts([slug])[slug]))

    return cached_json("post", [slug], f"{catalog.signature()}|{slug}", build)


@blp.route("/counts")
@blp.arguments(CountsQuerySchema, location="query")
@blp.response(200, description="slug → number of approved comments")
@errors(blp, 422)
def counts(query: dict[str, Any]) -> Any:
    slugs = requested_slugs(query["slugs"])
    return cached_json("counts", slugs, ",".join(slugs), lambda: deps.comments().counts(slugs))
