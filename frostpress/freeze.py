"""Frozen-Flask wiring: endpoint-driven URL generators, dependency digests, reuse.

Every URL comes from a module's ``generate_urls`` as ``(endpoint, values,
depends_on)``; Frozen-Flask gets ``(endpoint, values)`` so ``url_for`` keeps
routes and files in step. The digest of a URL hashes the site-wide inputs
(templates, assets, settings, navigation) with what that page shows; a URL
whose digest matches the previous build is not rendered again: its file is
hard-linked from the previous build and Frozen-Flask is told to skip it.
"""

from __future__ import annotations

import hashlib
import warnings
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from unicodedata import normalize
from urllib.parse import unquote, urlsplit

from flask import Flask, url_for
from flask_frozen import Freezer, FrozenFlaskWarning

from frostpress.content.index import SiteIndex
from frostpress.web import assets, feeds, views
from frostpress.web.assets import AssetManifest

__all__ = ["PageSpec", "SiteFreezer"]


@dataclass(frozen=True)
class PageSpec:
    url: str        # as Frozen-Flask names it: without the base URL's path prefix
    endpoint: str
    values: dict[str, Any]
    digest: str

    @property
    def relpath(self) -> str:
        """The file Frozen-Flask writes for this URL (``/a/`` → ``a/index.html``)."""
        path = self.url + "index.html" if self.url.endswith("/") else self.url
        return normalize("NFC", path.lstrip("/"))


class _Freezer(Freezer):
    """Frozen-Flask, told that our own blueprints' generators are complete.

    ``generate_urls`` of each blueprint lists every page of it; an endpoint
    with nothing to freeze (no aliases, no media) is not a missing generator.
    A blueprint without a generator still gets Frozen-Flask's warning.
    """

    covered_blueprints = ("assets", "blog", "feeds")

    def _check_endpoints(self, seen_endpoints: set[str]) -> None:
        covered = {rule.endpoint for rule in self.app.url_map.iter_rules()
                   if rule.endpoint.partition(".")[0] in self.covered_blueprints}
        super()._check_endpoints(set(seen_endpoints) | covered)


def _hash(*parts: str) -> str:
    digest = hashlib.sha256()
    for part in parts:
        digest.update(part.encode())
        digest.update(b"\x00")
    return digest.hexdigest()[:24]


class SiteFreezer:
    def __init__(self, app: Flask, index: SiteIndex, manifest: AssetManifest,
                 global_digest: str) -> None:
        self.app = app
        self.index = index
        self.manifest = manifest
        self.global_digest = global_digest

    def specs(self) -> list[PageSpec]:
        """Every URL of the site, in a stable order, with its digest."""
        config = self.index.config
        script_name = urlsplit(config.base_url).path.rstrip("/")
        sources = (assets.generate_urls(config, self.manifest),
                   views.generate_urls(self.index), feeds.generate_urls(self.index))
        specs: dict[str, PageSpec] = {}
        with self.app.test_request_context(base_url=script_name or None):
            for source in sources:
                for endpoint, values, depends_on in source:
                    url = unquote(url_for(endpoint, **values))[len(script_name):]
                    digest = _hash(self.global_digest, endpoint, repr(sorted(
                        values.items())), *depends_on)
                    specs.setdefault(url, PageSpec(url, endpoint, values, digest))
        return list(specs.values())

    def freeze(self, destination: Path, specs: list[PageSpec], reuse: set[str],
               progress: Callable[[str, int, int], None] | None = None) -> None:
        """Write every spec's page into ``destination`` (``reuse`` ones already are)."""
        self.app.config["FREEZER_DESTINATION"] = str(destination)
        self.app.config["FREEZER_SKIP_EXISTING"] = lambda url, path: url in reuse
        freezer = _Freezer(self.app, with_static_files=False,
                           with_no_argument_rules=False, log_url_for=False)

        def generator() -> Iterator[tuple[str, dict[str, Any]]]:
            for spec in specs:
                yield spec.endpoint, spec.values

        freezer.register_generator(generator)
        total = len(specs)
        with warnings.catch_warnings():
            warnings.simplefilter("error", FrozenFlaskWarning)
            for done, _page in enumerate(freezer.freeze_yield(), start=1):
                if progress is not None:
                    progress("write", done, total)
