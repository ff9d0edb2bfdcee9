"""Published posts, as the engine sees them, with comment counts."""

from __future__ import annotations

from typing import Any

from flask_smorest import Blueprint

from sidecar import deps
from sidecar.api.common import errors
from sidecar.api.schemas import CountsQuerySchema, PostListSchema, PostSchema, PostsQuerySchema
from sidecar.errors import NotFound

blp = Blueprint("api_posts", __name__, url_prefix="/api", description="Posts and counts")


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
    index = deps.catalog().index()
    posts = index.posts
    if query["tag"]:
        posts = [
            p
            for p in posts
            if any(t.slug == query["tag"] or t.name == query["tag"] for t in p.tags)
        ]
    page, per_page = query["page"], query["per_page"]
    shown = posts[(page - 1) * per_page : page * per_page]
    counts = deps.comments().counts(p.slug for p in shown)
    return {
        "items": [_post(p, counts[p.slug]) for p in shown],
        "page": page,
        "per_page": per_page,
        "total": len(posts),
    }


@blp.route("/posts/<slug>")
@blp.response(200, PostSchema)
@errors(blp, 404)
def get_post(slug: str) -> Any:
    post = deps.catalog().post(slug)
    if post is None:
        raise NotFound(f"There is no published post {slug!r}.", code="post_not_found")
    return _post(post, deps.comments().counts([slug])[slug])


@blp.route("/counts")
@blp.arguments(CountsQuerySchema, location="query")
@blp.response(200, description="slug → number of approved comments")
@errors(blp, 422)
def counts(query: dict[str, Any]) -> Any:
    slugs = [s.strip() for s in query["slugs"].split(",") if s.strip()][:200]
    return deps.comments().counts(slugs)
