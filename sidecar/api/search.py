"""``GET /api/search?q=``: published posts, ranked, with highlighted snippets."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from flask_smorest import Blueprint

from sidecar import deps
from sidecar.api.common import errors
from sidecar.api.schemas import SearchQuerySchema, SearchResultsSchema
from sidecar.extensions import limiter

blp = Blueprint("api_search", __name__, url_prefix="/api", description="Search")


def results(query: str, limit: int) -> dict[str, Any]:
    """The hits as the API and the results page show them."""
    catalog = deps.catalog()
    items = []
    for hit in deps.search().query(query, limit):
        post = catalog.post(hit.slug)
        if post is None:  # unpublished since the index was written
            continue
        url = catalog.url(post)
        items.append(
            {
                "slug": post.slug,
                "title": post.title,
                "url": url,
                "path": urlsplit(url).path,  # for the site's own pages
                "date": post.date,
                "tags": [t.name for t in post.tags],
                "snippet_html": hit.snippet_html,
                "title_match": hit.in_title,
            }
        )
    return {"items": items, "page": 1, "per_page": limit, "total": len(items)}


@blp.route("/search")
@limiter.limit("60 per minute")
@blp.arguments(SearchQuerySchema, location="query")
@blp.response(200, SearchResultsSchema)
@errors(blp, 422, 429)
def search(query: dict[str, Any]) -> Any:
    """Words of ``q`` must all appear (the last one as a prefix); titles first."""
    return results(query["q"], query["limit"])
