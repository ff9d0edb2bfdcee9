"""``create_app``: the static-site Flask app over one SiteIndex.

Nothing per-request or per-user ever reaches a page (no sessions, no CSRF,
no "now"): every URL must freeze to the same bytes for every reader.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask import Flask
from jinja2 import StrictUndefined

from frostpress.config import SiteConfig
from frostpress.content.index import SiteIndex
from frostpress.web import assets, feeds, filters, views
from frostpress.web.assets import AssetManifest

__all__ = ["create_app"]


def create_app(index: SiteIndex, *, manifest: AssetManifest | None = None,
               config: Mapping[str, Any] | None = None) -> Flask:
    site: SiteConfig = index.config
    app = Flask("frostpress.web", template_folder=str(site.templates_dir),
                static_folder=None, root_path=str(site.root))
    app.config.update(
        TRAP_HTTP_EXCEPTIONS=True,
        FREEZER_BASE_URL=site.base_url,
        FREEZER_DESTINATION=str(site.output_dir),
        FREEZER_REMOVE_EXTRA_FILES=True,
        FREEZER_DEFAULT_MIMETYPE="text/plain",
        FREEZER_IGNORE_404_NOT_FOUND=False,
        FREEZER_REDIRECT_POLICY="error",
        SERVER_NAME=None,
    )
    if config:
        app.config.update(config)
    app.jinja_env.undefined = StrictUndefined
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True
    app.extensions["frostpress.config"] = site
    app.extensions["frostpress.index"] = index
    app.extensions["frostpress.assets"] = manifest or AssetManifest.scan(site)
    app.jinja_env.globals.update(site=site, nav_pages=index.pages,
                                 drafts_shown=site.drafts)
    filters.register(app)
    for blueprint in (assets.bp, views.bp, feeds.bp):
        app.register_blueprint(blueprint)
    return app
