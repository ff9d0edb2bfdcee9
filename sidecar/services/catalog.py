"""Which posts exist: one interface, two sources.

The sidecar never trusts a slug it was sent: a post is commentable only if the
site publishes it (no drafts, nothing dated in the future). Where that list
comes from is a deploy's choice, read by ``init_app``:

- ``SITE_MANIFEST_URL`` set (production: the sidecar's host has no checkout):
  the build's ``/_frostpress/posts.json``, read from the site's public URL
  (:mod:`sidecar.services.manifest`);
- otherwise the checkout's ``content/`` (``make dev``, tests, a host with the
  repository), read by the engine itself (:mod:`sidecar.services.checkout`).

Everything else in the sidecar sees only :class:`PostCatalog`.
"""

from __future__ import annotations

import hashlib
import threading
from abc import ABC, abstractmethod
from datetime import datetime
from typing import TYPE_CHECKING, Any
from urllib.parse import urljoin

from frostpress.config import SiteConfig
from frostpress.content.index import SiteIndex
from frostpress.content.models import Post
from frostpress.web.views import post_path
from sidecar.errors import Unavailable

if TYPE_CHECKING:
    from flask import Flask

__all__ = ["CatalogUnavailable", "PostCatalog", "init_app", "signature_of"]


class CatalogUnavailable(Unavailable):
    """The source of the list of posts could not be read (the last good list stays)."""

    code = "catalog_unavailable"


def signature_of(index: SiteIndex) -> str:
    """Changes exactly when what is published does (posts, pages, their sources)."""
    parts = sorted(f"{d.slug}:{d.digest}" for d in (*index.posts, *index.pages))
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()


class PostCatalog(ABC):
    """What is published now, by whatever source; the rest of the sidecar's view."""

    config: SiteConfig

    def __init__(self, config: SiteConfig) -> None:
        self.config = config
        self._lock = threading.Lock()
        self._paths: tuple[str, frozenset[str]] | None = None
        self._signature: tuple[SiteIndex, str] | None = None

    # -- what a source provides --------------------------------------------------------
    @abstractmethod
    def index(self) -> SiteIndex:
        """The published posts and pages (the last good list, if the source failed)."""

    @abstractmethod
    def _page_paths_of(self, index: SiteIndex) -> frozenset[str]:
        """The site's page paths for this index."""

    @abstractmethod
    def refresh(self) -> bool:
        """Read the source again now; whether what is published changed. Raises
        CatalogUnavailable when it cannot be read (the last good list stays)."""

    def next_due(self) -> datetime | None:
        """When the first post held back for its future date comes due, if known."""
        return self.index().next_due

    # -- the same for every source -----------------------------------------------------
    def _signed(self) -> tuple[SiteIndex, str]:
        """The current index and its signature, taken together."""
        index = self.index()
        with self._lock:
            if self._signature is None or self._signature[0] is not index:
                self._signature = (index, signature_of(index))
            return self._signature

    def signature(self) -> str:
        """Changes exactly when what is published does (posts, pages, their sources),
        however often the source is read again."""
        return self._signed()[1]

    def page_paths(self) -> frozenset[str]:
        """The site's page paths, worked out again only when what is published changes."""
        index, signature = self._signed()
        with self._lock:
            if self._paths is None or self._paths[0] != signature:
                self._paths = (signature, self._page_paths_of(index))
            return self._paths[1]

    def post(self, slug: str) -> Post | None:
        return self.index().post(slug)

    def url(self, post: Post) -> str:
        return urljoin(self.config.base_url, post_path(post.slug).lstrip("/"))


def init_app(app: Flask) -> None:
    """Put the configured catalog on the app (``deps.catalog()`` finds it)."""
    config: Any = app.config
    catalog: PostCatalog
    if config.get("SITE_MANIFEST_URL"):
        from sidecar.services.manifest import ManifestCatalog

        catalog = ManifestCatalog.from_settings(config)
    else:
        from sidecar.services.checkout import CheckoutCatalog

        catalog = CheckoutCatalog(
            config["FROSTPRESS_ROOT"], config["CONTENT_DIR"], base_url=config.get("SITE_BASE_URL")
        )
    app.extensions["sidecar.catalog"] = catalog
