"""``create_app``: the static-site Flask app over one SiteIndex.

Nothing per-request or per-user ever reaches a page (no sessions, no CSRF,
no "now"): every URL must freeze to the same bytes for every reader.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask import Flask
from jinja2 import StrictUndefined
from werkzeug.routing import BaseConverter

from frostpress.config import SiteConfig
from frostpress.content.index import SiteIndex
from frostpress.web import assets, feeds, filters, published, views
from frostpress.web.assets import AssetManifest
from frostpress.web.reads import track

__all__ = ["bind_index", "create_app"]


def bind_index(
    app: Flask, index: SiteIndex, manifest: AssetManifest, *, templates_changed: bool = False
) -> None:
    """Point a site app at a new index (the watcher keeps one app warm).

    Compiled templates are kept unless ``templates_changed``; the configuration
    must be the one the app was made with.
    """
    assert index.config == app.extensions["frostpress.config"]
    app.extensions["frostpress.index"] = index
    app.extensions["frostpress.assets"] = manifest
    app.jinja_env.globals["nav_pages"] = track(index.pages)
    if templates_changed and app.jinja_env.cache is not None:
        app.jinja_env.cache.clear()


class SlugConverter(BaseConverter):
    """Only safe slugs are URLs of the site: ``/old.html`` never matches ``/<slug>/``."""

    regex = r"[a-z0-9][a-z0-9-]*"


def create_app(
    index: SiteIndex,
    *,
    manifest: AssetManifest | None = None,
    config: Mapping[str, Any] | None = None,
) -> Flask:
    site: SiteConfig = index.config
    app = Flask(
        "frostpress.web",
        template_folder=str(site.templates_dir),
        static_folder=None,
        root_path=str(site.root),
    )
    app.config.update(
        FREEZER_BASE_URL=site.base_url,
        FREEZER_DESTINATION=str(site.output_dir),
        # Builds always freeze into a fresh directory (see frostpress.build.output), so
        # there is nothing extra to remove, and parallel writers must not.
        FREEZER_REMOVE_EXTRA_FILES=False,
        FREEZER_DEFAULT_MIMETYPE="text/plain",
        FREEZER_IGNORE_404_NOT_FOUND=False,
        FREEZER_REDIRECT_POLICY="error",
        SERVER_NAME=None,
    )
    if config:
        app.config.update(config)
    app.url_map.converters["slug"] = SlugConverter
    app.jinja_env.undefined = StrictUndefined
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True
    app.extensions["frostpress.config"] = site
    app.jinja_env.globals.update(site=site, drafts_shown=site.drafts)
    bind_index(app, index, manifest or AssetManifest.scan(site))
    filters.register(app)
    for blueprint in (assets.bp, views.bp, feeds.bp, published.bp):
        app.register_blueprint(blueprint)
    return app
