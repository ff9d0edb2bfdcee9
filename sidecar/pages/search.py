"""``/search/results?q=``: search results as a page, for the site's search form
without JavaScript (the CDN proxies this path to the sidecar)."""

from __future__ import annotations

from flask import Blueprint, render_template, request

from sidecar import deps
from sidecar.api.search import results
from sidecar.extensions import limiter

__all__ = ["bp"]

bp = Blueprint("search", __name__, url_prefix="/search")


@bp.get("/results")
@limiter.limit("60 per minute")
def page() -> str:
    query = request.args.get("q", "")[:200]
    found = results(query, 30) if query.strip() else None
    site = deps.catalog().config
    return render_template("search/results.html", query=query, found=found, site=site)
