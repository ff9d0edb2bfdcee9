"""Rendered Markdown cached on disk by content hash.

One small JSON file per rendered source under ``<cache_dir>/render/``. JSON,
not pickle, so a cache restored from elsewhere (CI) can never run code. Safe
to delete between builds; a corrupt entry is treated as a miss.

The entries also keep the bodies' HTML out of memory: a document holds a
:class:`StoredHtml` (the entry's path) and reads its HTML when a page shows
it, so a build's memory grows with the number of posts, not their length.
"""

from __future__ import annotations

import json
import os
import tempfile
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from frostpress.content.markdown import rebase_links, renderer_fingerprint
from frostpress.digests import fingerprint
from frostpress.errors import FrostpressError

__all__ = ["RenderCache", "StoredHtml", "content_key"]


@dataclass(frozen=True)
class StoredHtml:
    """A document's body HTML, kept in its render-cache entry."""

    path: str
    base_path: str

    def available(self) -> bool:
        return os.path.isfile(self.path)

    def load(self) -> str:
        return _read_html(self.path, self.base_path)


@lru_cache(maxsize=256)
def _read_html(path: str, base_path: str) -> str:
    """Entries are named by content hash, so a path always holds the same HTML."""
    try:
        with open(path, "rb") as handle:
            html = json.loads(handle.read())["body"]["html"]
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise FrostpressError(
            f"{path}: the render cache changed during the build ({exc}); build again"
        ) from None
    return rebase_links(html, base_path)


def content_key(source: bytes) -> str:
    return fingerprint(renderer_fingerprint(), source)


class RenderCache:
    def __init__(self, directory: Path | None) -> None:
        self.directory = directory / "render" if directory is not None else None
        self.hits = 0
        self.misses = 0

    def _path(self, key: str) -> Path:
        assert self.directory is not None
        return self.directory / key[:2] / f"{key}.json"

    def get(self, key: str) -> dict[str, Any] | None:
        if self.directory is None:
            self.misses += 1
            return None
        try:
            data = json.loads(self._path(key).read_bytes())
        except (OSError, ValueError):
            self.misses += 1
            return None
        self.hits += 1
        return data if isinstance(data, dict) else None

    def stored(self, key: str, base_path: str) -> StoredHtml | None:
        """Where the body of entry ``key`` can be read back (None without a cache)."""
        if self.directory is None:
            return None
        return StoredHtml(str(self._path(key)), base_path)

    def put(self, key: str, value: dict[str, Any]) -> bool:
        """Store an entry; False if it could not be written (the build goes on)."""
        if self.directory is None:
            return False
        path = self._path(key)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                json.dump(value, handle, ensure_ascii=False, separators=(",", ":"))
            os.replace(tmp, path)
        except OSError:
            # A cache that cannot be written only costs speed, never the build.
            return False
        return True
