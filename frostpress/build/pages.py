"""Every page a build makes: its URL, the view that renders it, and the digest of
what it shows (an unchanged digest means an unchanged page)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from unicodedata import normalize

__all__ = ["PageSpec", "relpath_for"]


@dataclass(frozen=True)
class PageSpec:
    url: str  # as Frozen-Flask names it: without the base URL's path prefix
    endpoint: str
    values: dict[str, Any]
    digest: str

    @property
    def relpath(self) -> str:
        return relpath_for(self.url)


def relpath_for(url: str) -> str:
    """The file Frozen-Flask writes for a URL (``/a/`` → ``a/index.html``)."""
    path = url + "index.html" if url.endswith("/") else url
    return normalize("NFC", path.lstrip("/"))
