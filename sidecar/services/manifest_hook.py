""" "The content changed": CI's call after a deploy, so new posts take comments at once.

The caller proves itself with the shared secret ``CONTENT_HOOK_SECRET`` as
``Authorization: Bearer <secret>`` (compared in constant time); the sidecar
then reads its source of posts again (the site's manifest, or the checkout).
Without a configured secret the hook does not exist.
"""

from __future__ import annotations

import hmac
from dataclasses import dataclass

from sidecar.errors import NotFound, Unauthorized
from sidecar.services.catalog import PostCatalog

__all__ = ["ContentRefreshed", "content_changed"]


@dataclass(frozen=True)
class ContentRefreshed:
    changed: bool
    posts: int


def _authorised(secret: str, header: str) -> bool:
    scheme, _, given = header.partition(" ")
    if scheme.lower() != "bearer":
        return False
    return hmac.compare_digest(given.strip().encode(), secret.encode())


def content_changed(catalog: PostCatalog, secret: str | None, header: str) -> ContentRefreshed:
    """Read the posts again for a caller holding ``secret``. Raises NotFound when no
    secret is configured, Unauthorized for a wrong one, CatalogUnavailable when the
    source cannot be read (the last good list stays)."""
    if not secret:
        raise NotFound("There is no content hook here.", code="content_hook_off")
    if not _authorised(secret, header):
        raise Unauthorized(
            "Send the content hook's secret as Authorization: Bearer <secret>.",
            code="invalid_hook_secret",
        )
    changed = catalog.refresh()
    return ContentRefreshed(changed, len(catalog.index().posts))
