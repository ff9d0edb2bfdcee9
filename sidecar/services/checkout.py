"""The catalog's source for a host with the repository: the checkout's ``content/``.

The engine's own loader reads it, so the sidecar publishes exactly what a build
would. New and edited posts are picked up without a restart: at most once a
``interval`` the files are stat'ed again and only changed ones re-read.
"""

from __future__ import annotations

import logging
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from frostpress.config import load_config
from frostpress.content.index import SiteIndex
from frostpress.content.loader import ContentLoader
from frostpress.web.paths import page_paths
from sidecar.services.catalog import PostCatalog

__all__ = ["CheckoutCatalog"]

log = logging.getLogger(__name__)


class CheckoutCatalog(PostCatalog):
    def __init__(
        self,
        root: Path,
        content_dir: Path | None = None,
        *,
        interval: float = 1.0,
        base_url: str | None = None,
    ) -> None:
        overrides: dict[str, Any] = {"content_dir": content_dir} if content_dir else {}
        if base_url:  # make dev: links to posts lead to the dev server, not the public site
            overrides["base_url"] = base_url
        super().__init__(load_config(root, **overrides))
        self.interval = interval
        self._loader = ContentLoader(self.config)
        self._index: SiteIndex | None = None
        self._checked = 0.0

    def index(self) -> SiteIndex:
        now = time.monotonic()
        if self._index is not None and now - self._checked < self.interval:
            return self._index
        with self._lock:
            if self._index is None or now - self._checked >= self.interval:
                self._load()
        assert self._index is not None
        return self._index

    def refresh(self) -> bool:
        before = self.signature()
        with self._lock:
            self._load()
        return self.signature() != before

    def _load(self) -> None:
        result = self._loader.load()
        for error in result.errors:
            log.warning("post left out of the sidecar: %s", error)
        self._index = SiteIndex.build(
            result.posts, result.pages, self.config, now=datetime.now(UTC)
        )
        self._checked = time.monotonic()

    def _page_paths_of(self, index: SiteIndex) -> frozenset[str]:
        return page_paths(index)
