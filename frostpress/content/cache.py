"""Rendered Markdown cached on disk by content hash.

One small JSON file per rendered source under ``<cache_dir>/render/``. JSON,
not pickle, so a cache restored from elsewhere (CI) can never run code. Safe
to delete at any time; a corrupt entry is treated as a miss.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from pathlib import Path
from typing import Any

from frostpress.content.markdown import renderer_fingerprint

__all__ = ["RenderCache", "content_key"]


def content_key(source: bytes) -> str:
    digest = hashlib.sha256(renderer_fingerprint().encode())
    digest.update(source)
    return digest.hexdigest()


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

    def put(self, key: str, value: dict[str, Any]) -> None:
        if self.directory is None:
            return
        path = self._path(key)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                json.dump(value, handle, ensure_ascii=False, separators=(",", ":"))
            os.replace(tmp, path)
        except OSError:
            # A cache that cannot be written only costs speed, never the build.
            pass
