"""The paths of the site's HTML pages, for whoever must tell a page from a typo
(the sidecar's page-view counter) without building the site."""

from __future__ import annotations

from urllib.parse import unquote, urlsplit

from flask import url_for

from frostpress.content.index import SiteIndex
from frostpress.web import views
from frostpress.web.assets import AssetManifest

__all__ = ["current_page_paths", "page_paths"]

_NOT_PAGES = {"blog.alias", "blog.not_found"}  # redirects, and the 404 page


def current_page_paths(index: SiteIndex) -> frozenset[str]:
    """``page_paths`` inside a request context of a site app (the build's own)."""
    return frozenset(
        unquote(url_for(endpoint, **values))
        for endpoint, values in views.generate_urls(index)
        if endpoint not in _NOT_PAGES
    )


def page_paths(index: SiteIndex) -> frozenset[str]:
    """Every page a reader can land on, as the browser's ``location.pathname``
    shows it (with the base URL's path in front): the front page and its pages,
    posts, pages, tag and category lists, the archive."""
    from frostpress.web.app import create_app

    app = create_app(index, manifest=AssetManifest({}))  # URLs only: no asset hashing
    script_name = urlsplit(index.config.base_url).path.rstrip("/")
    with app.test_request_context(base_url=script_name or None):
        return current_page_paths(index)
