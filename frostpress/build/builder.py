"""One build: load → check → freeze into a fresh directory → swap into ``build/``.

A :class:`Builder` can run many builds (the watcher keeps one alive), reusing
what the previous build produced: parsed documents in memory, rendered
Markdown on disk, URLs, unchanged output files by hard link, and the tree
swapped out last time (see :mod:`frostpress.build.staging`). A build in which
nothing changed writes nothing at all.
"""

from __future__ import annotations

import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from flask import Flask

from frostpress import __version__
from frostpress.build.checks import check_site
from frostpress.build.dependencies import FieldValues
from frostpress.build.freeze import SiteFreezer, freeze_all
from frostpress.build.output import build_lock, exchange, remove_stale
from frostpress.build.pages import PageSpec
from frostpress.build.parallel import WorkerPool
from frostpress.build.progress import OnProgress
from frostpress.build.record import BuildRecord
from frostpress.build.staging import Staging
from frostpress.config import SiteConfig
from frostpress.content.index import SiteIndex
from frostpress.content.loader import PARALLEL_THRESHOLD, ContentLoader
from frostpress.content.markdown import renderer_fingerprint
from frostpress.digests import fingerprint
from frostpress.errors import BuildFailed
from frostpress.web.app import bind_index, create_app
from frostpress.web.assets import AssetManifest

__all__ = ["BuildReport", "Builder"]


@dataclass(frozen=True)
class Prepared:
    """A site loaded and checked, ready to freeze."""

    index: SiteIndex
    freezer: SiteFreezer
    specs: list[PageSpec]
    rendered: int  # Markdown files rendered (not from the cache)


@dataclass
class BuildReport:
    output: Path
    pages: int = 0
    written: int = 0  # pages rendered by Flask this time
    reused: int = 0  # pages kept from the previous build
    markdown_rendered: int = 0
    seconds: float = 0.0
    timings: dict[str, float] = field(default_factory=dict)


class Builder:
    def __init__(
        self,
        config: SiteConfig,
        *,
        workers: int | None = None,
        now: Callable[[], datetime] | None = None,
    ) -> None:
        self.config = config
        self.loader = ContentLoader(config)
        self.workers = workers
        self.now = now
        self._urls: dict[Any, str] = {}
        self._app: Flask | None = None
        self._templates = ""
        self._related: tuple[str, dict[str, tuple[str, ...]]] = ("", {})

    # -- the stages ------------------------------------------------------------------
    def _global_digest(self, manifest: AssetManifest, index: SiteIndex, templates: str) -> str:
        """What every page depends on: engine, settings, templates, assets, navigation."""
        return fingerprint(
            __version__,
            renderer_fingerprint(),
            manifest.digest,
            templates,
            repr(sorted((k, str(v)) for k, v in vars(self.config).items() if k != "root")),
            *(page.slug for page in index.pages),  # navigation; what it shows is recorded
        )

    # -- the entry points -------------------------------------------------------------
    def prepare(
        self, progress: OnProgress | None = None, pool: WorkerPool | None = None
    ) -> Prepared:
        """Load and check everything; raise BuildFailed listing every problem."""
        result = self.loader.load(progress, pool)
        now = self.now() if self.now else None
        index = SiteIndex.build(result.posts, result.pages, self.config, now=now)
        key = index.related_key()
        if key == self._related[0]:
            index.use_related(self._related[1])  # tags and dates unchanged since last time
        else:
            self._related = (key, index.related_slugs())
        manifest = AssetManifest.scan(self.config)
        templates = _tree_digest(self.config.templates_dir)
        if self._app is None:
            self._app = create_app(index, manifest=manifest)
        else:
            bind_index(self._app, index, manifest, templates_changed=templates != self._templates)
        self._templates = templates
        freezer = SiteFreezer(
            self._app, index, manifest, self._global_digest(manifest, index, templates), self._urls
        )
        specs = freezer.specs()
        errors = result.errors + check_site(index, specs, result.failed)
        if errors:
            raise BuildFailed(errors)
        return Prepared(index, freezer, specs, result.rendered)

    def build(self, progress: OnProgress | None = None) -> BuildReport:
        started = time.perf_counter()
        output = self.config.output_dir
        report = BuildReport(output)
        with build_lock(output), WorkerPool(self.workers) as pool:
            remove_stale(output)
            record = BuildRecord(self.config.cache_dir, output)
            if not record.pages and self.loader.source_count() >= PARALLEL_THRESHOLD:
                pool.warm()  # a cold build of a big site: start workers while loading
            prepared = self.prepare(progress, pool)
            freezer, specs = prepared.freezer, prepared.specs
            report.markdown_rendered = prepared.rendered
            report.timings["prepare"] = time.perf_counter() - started
            values = FieldValues(prepared.index)
            reuse = record.unchanged(specs, values)
            report.pages, report.reused = len(specs), len(reuse)
            report.written = report.pages - report.reused
            if report.written == 0 and record.covers_exactly(specs):
                report.seconds = time.perf_counter() - started
                return report  # build/ is already exactly this build
            staging = Staging(output, self.config.cache_dir)
            tree = staging.prepare(specs, reuse, record)
            report.timings["stage"] = time.perf_counter() - started
            try:
                reads = freeze_all(freezer, tree, specs, reuse, progress, pool)
                report.timings["freeze"] = time.perf_counter() - started
                previous_tree = exchange(tree, output)
            except BaseException:
                staging.discard(tree)
                raise
            staging.keep(previous_tree, record)
            record.save(specs, reuse, reads, values)
        report.seconds = time.perf_counter() - started
        return report

    def check(self, progress: OnProgress | None = None) -> int:
        """Validate everything and render every page, writing nothing to ``build/``."""
        with WorkerPool(self.workers) as pool:
            prepared = self.prepare(progress, pool)
            with tempfile.TemporaryDirectory(prefix="frostpress-check-") as scratch:
                freeze_all(prepared.freezer, Path(scratch), prepared.specs, set(), progress, pool)
        return len(prepared.specs)


def _tree_digest(folder: Path) -> str:
    parts: list[str | bytes] = []
    for path in sorted(folder.rglob("*")):
        if path.is_file():
            parts += [path.relative_to(folder).as_posix(), path.read_bytes()]
    return fingerprint(*parts)
