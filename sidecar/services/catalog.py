"""Which posts exist: the engine's content model, reloaded when content changes.

The sidecar never trusts a slug it was sent: a post is commentable only if
the engine would publish it now (no drafts, nothing dated in the future).
New and edited posts are picked up without a restart: at most once a second
the files are stat'ed again and only changed ones re-read.
"""

from __future__ import annotations

import hashlib
import logging
import threading
import time
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urljoin

from frostpress.config import SiteConfig, load_config
from frostpress.content.index import SiteIndex
from frostpress.content.loader import ContentLoader
from frostpress.content.models import Post
from frostpress.web.paths import page_paths
from frostpress.web.views import post_path

__all__ = ["PostCatalog"]

log = logging.getLogger(__name__)


class PostCatalog:
    def __init__(
        self, root: Path, content_dir: Path | None = None, *, interval: float = 1.0
    ) -> None:
        overrides = {"content_dir": content_dir} if content_dir else {}
        self.config: SiteConfig = load_config(root, **overrides)
        self.interval = interval
        self._loader = ContentLoader(self.config)
        self._lock = threading.Lock()
        self._index: SiteIndex | None = None
        self._checked = 0.0
        self._paths: tuple[str, frozenset[str]] | None = None
        self._signature: tuple[SiteIndex, str] | None = None

    def index(self) -> SiteIndex:
        now = time.monotonic()
        if self._index is not None and now - self._checked < self.interval:
            return self._index
        with self._lock:
            if self._index is None or now - self._checked >= self.interval:
                result = self._loader.load()
                for error in result.errors:
                    log.warning("post left out of the sidecar: %s", error)
                self._index = SiteIndex.build(
                    result.posts, result.pages, self.config, now=datetime.now(UTC)
                )
                self._checked = time.monotonic()
        return self._index

    def _signed(self) -> tuple[SiteIndex, str]:
        """The current index and its signature, taken together."""
        index = self.index()
        with self._lock:
            if self._signature is None or self._signature[0] is not index:
                parts = sorted(f"{d.slug}:{d.digest}" for d in (*index.posts, *index.pages))
                digest = hashlib.sha256("\n".join(parts).encode()).hexdigest()
                self._signature = (index, digest)
            return self._signature

    def signature(self) -> str:
        """Changes exactly when what is published does (posts, pages, their sources):
        the index itself is rebuilt every ``interval`` whether or not anything did."""
        return self._signed()[1]

    def page_paths(self) -> frozenset[str]:
        """The site's page paths, worked out again only when what is published changes."""
        index, signature = self._signed()
        with self._lock:
            if self._paths is None or self._paths[0] != signature:
                self._paths = (signature, page_paths(index))
            return self._paths[1]

    def post(self, slug: str) -> Post | None:
        return self.index().post(slug)

    def url(self, post: Post) -> str:
        return urljoin(self.config.base_url, post_path(post.slug).lstrip("/"))
