"""The JSON API under /api: one module per resource, schemas, the OpenAPI document."""

from sidecar.api import analytics, auth, comments, health, me, posts, search, site

BLUEPRINTS = (
    health.blp,
    auth.blp,
    posts.blp,
    comments.blp,
    me.blp,
    analytics.blp,
    search.blp,
    site.blp,
)

__all__ = ["BLUEPRINTS"]
