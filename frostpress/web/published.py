"""``/_frostpress/posts.json``: the published posts, for a sidecar without a checkout.

The sidecar's host has no ``content/``; it reads this file from the site's
public URL to learn which posts may take comments, what search indexes and
which paths are pages. Only what the build published is in it (no drafts, no
future posts), and nothing comes from the clock: ``generated_at`` is the
newest date in the content, so two builds of one commit are byte-identical.
``next_due`` says when the first post held back for its date comes due (its
title and slug stay unpublished), so the sidecar can ask for a rebuild then.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

from flask import Blueprint, Response, current_app, url_for

from frostpress.content.index import SiteIndex
from frostpress.content.models import Term
from frostpress.public_paths import MANIFEST_PATH
from frostpress.web.filters import absolute
from frostpress.web.paths import current_page_paths
from frostpress.web.reads import shows
from frostpress.web.views import UrlSpec

__all__ = ["FORMAT", "bp", "generate_urls"]

FORMAT = "frostpress-posts/1"

bp = Blueprint("published", __name__)


def _term(term: Term | None) -> dict[str, str] | None:
    return None if term is None else {"slug": term.slug, "name": term.name}


def _post(post: Any) -> dict[str, Any]:  # a tracked Post
    return {
        "slug": post.slug,
        "title": post.title,
        "url": absolute(url_for("blog.post", slug=post.slug)),
        "date": post.date.isoformat(),
        "updated": post.updated.isoformat() if post.updated else None,
        "digest": post.digest,
        "tags": [_term(t) for t in post.tags],
        "category": _term(post.category),
        "summary_html": post.summary_html,
        "text": post.text,  # what search indexes
    }


def _contents(index: SiteIndex) -> dict[str, Any]:
    updated = index.updated
    return {
        "generated_at": updated.isoformat() if updated else None,
        "next_due": index.next_due.isoformat() if index.next_due else None,
        "posts": index.posts,
        "pages": index.pages,
        "paths": sorted(current_page_paths(index)),
    }


def _document(contents: dict[str, Any]) -> dict[str, Any]:
    return {
        "format": FORMAT,
        "site": current_app.extensions["frostpress.config"].base_url,
        **contents,
        "posts": [_post(p) for p in contents["posts"]],
        "pages": [
            {"slug": p.slug, "title": p.title, "digest": p.digest} for p in contents["pages"]
        ],
    }


def _json(contents: dict[str, Any]) -> Response:
    body = json.dumps(_document(contents), ensure_ascii=False, sort_keys=True, indent=1)
    return Response(body + "\n", mimetype="application/json")


@bp.route(MANIFEST_PATH)
@shows(_json)
def posts() -> dict[str, Any]:
    index: SiteIndex = current_app.extensions["frostpress.index"]
    return _contents(index)


def generate_urls(index: SiteIndex) -> Iterator[UrlSpec]:
    yield "published.posts", {}
