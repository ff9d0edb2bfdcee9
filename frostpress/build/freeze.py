"""Frozen-Flask wiring: endpoint-driven URL generators, page digests, reads.

Every URL comes from a module's ``generate_urls`` as ``(endpoint, values)``
(static files add their file's digest); Frozen-Flask gets the same pairs, so
``url_for`` keeps routes and files in step. The digest of a page hashes the
site-wide inputs (templates, assets, settings, navigation) with the shape of
its view's context (which documents, terms and numbers it shows); while a
page renders, the fields its template reads are recorded. A page whose digest
and read fields match the previous build is not rendered again: its file is
kept and Frozen-Flask is not asked for it at all.
"""

from __future__ import annotations

import traceback
import warnings
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from flask import Flask, url_for
from flask_frozen import Freezer, FrozenFlaskWarning
from jinja2 import TemplateError, TemplateSyntaxError

from frostpress.build.pages import PageSpec
from frostpress.build.parallel import WorkerPool
from frostpress.build.progress import OnProgress
from frostpress.config import SiteConfig
from frostpress.content.index import SiteIndex
from frostpress.content.models import Page, Post
from frostpress.digests import fingerprint
from frostpress.errors import BuildFailed, ContentError
from frostpress.web import assets, feeds, published, views
from frostpress.web.assets import AssetManifest
from frostpress.web.reads import Reads, context_of, recording, shape

__all__ = ["SiteFreezer", "freeze_all"]


class _Freezer(Freezer):  # type: ignore[misc]  # (Frozen-Flask ships no types)
    """Frozen-Flask, told that our own blueprints' generators are complete.

    ``generate_urls`` of each blueprint lists every page of it; an endpoint
    with nothing to freeze (no aliases, no media) is not a missing generator.
    A blueprint without a generator still gets Frozen-Flask's warning.
    """

    covered_blueprints = ("assets", "blog", "feeds", "published")

    def _check_endpoints(self, seen_endpoints: set[str]) -> None:
        covered = {
            rule.endpoint
            for rule in self.app.url_map.iter_rules()
            if rule.endpoint.partition(".")[0] in self.covered_blueprints
        }
        super()._check_endpoints(set(seen_endpoints) | covered)


def _hash(*parts: str) -> str:
    return fingerprint(*parts, length=24)


class SiteFreezer:
    def __init__(
        self,
        app: Flask,
        index: SiteIndex,
        manifest: AssetManifest,
        global_digest: str,
        url_cache: dict[Any, str] | None = None,
    ) -> None:
        self.app = app
        self.index = index
        self.manifest = manifest
        self.global_digest = global_digest
        # (endpoint, values) → URL; a Builder keeps it across builds of one config.
        self.url_cache = url_cache if url_cache is not None else {}

    def specs(self) -> list[PageSpec]:
        """Every URL of the site, in a stable order, with its digest."""
        script_name = urlsplit(self.index.config.base_url).path.rstrip("/")
        specs: dict[str, PageSpec] = {}
        with self.app.test_request_context(base_url=script_name or None):
            for endpoint, values, shown in self._sources():
                key = (endpoint, *sorted(values.items()))
                url = self.url_cache.get(key)
                if url is None:
                    url = unquote(url_for(endpoint, **values))[len(script_name) :]
                    self.url_cache[key] = url
                digest = _hash(self.global_digest, endpoint, repr(sorted(values.items())), *shown)
                specs.setdefault(url, PageSpec(url, endpoint, values, digest))
        return list(specs.values())

    def _sources(self) -> Iterator[tuple[str, dict[str, Any], tuple[str, ...]]]:
        """(endpoint, values, what the page shows): a static file's digest, or
        the shape of a view's context (asked inside the request context)."""
        yield from assets.generate_urls(self.index.config, self.manifest)
        view_functions = self.app.view_functions
        for module in (views, feeds, published):
            for endpoint, values in module.generate_urls(self.index):
                yield endpoint, values, (shape(context_of(view_functions[endpoint])(**values)),)

    def freeze(
        self,
        destination: Path,
        specs: list[PageSpec],
        progress: Callable[[str, int, int], None] | None = None,
    ) -> dict[str, Reads]:
        """Write the page of every spec into ``destination``; what each one read.

        Only pages to write are given: Frozen-Flask never even visits the
        ones kept from the previous build.
        """
        # A 404 or redirect while freezing is a bug in a generator: fail loudly.
        self.app.config["TRAP_HTTP_EXCEPTIONS"] = True
        # A template error must surface as itself (file, line), not as a 500.
        self.app.config["PROPAGATE_EXCEPTIONS"] = True
        self.app.config["FREEZER_DESTINATION"] = str(destination)
        self.app.config["FREEZER_SKIP_EXISTING"] = False
        # One Frozen-Flask Freezer per app: each one inserts a url_for hook
        # into the app for good, and the watcher reuses the app for hours.
        freezer = self.app.extensions.get("frostpress.freezer")
        if freezer is None:
            freezer = self.app.extensions["frostpress.freezer"] = _Freezer(
                self.app, with_static_files=False, with_no_argument_rules=False, log_url_for=False
            )

        def generator() -> Iterator[tuple[str, dict[str, Any]]]:
            for spec in specs:
                yield spec.endpoint, spec.values

        freezer.url_generators = [generator]
        total = len(specs)
        reads: dict[str, Reads] = {}
        with warnings.catch_warnings():
            warnings.simplefilter("error", FrozenFlaskWarning)
            pages = freezer.freeze_yield()
            # Frozen-Flask renders one page per step, in the generator's order.
            for done, spec in enumerate(specs, start=1):
                with recording() as read:
                    next(pages)
                reads[spec.url] = read
                if progress is not None:
                    progress("write", done, total)
            for extra in pages:
                raise RuntimeError(f"Frozen-Flask froze a page no spec asked for: {extra.url}")
        return reads


PARALLEL_PAGES = 300  # fewer pages to write are frozen in-process


def freeze_all(
    freezer: SiteFreezer,
    destination: Path,
    specs: list[PageSpec],
    reuse: set[str],
    progress: OnProgress | None,
    pool: WorkerPool,
) -> dict[str, Reads]:
    """Freeze ``specs`` into ``destination``; large jobs are split across processes.

    Workers write disjoint sets of files into the same fresh directory while
    the parent freezes its own share, so no core idles. Template errors come
    back as a BuildFailed naming the template file and line. Returns what
    each page written read.
    """
    todo = [spec for spec in specs if spec.url not in reuse]
    if not pool.parallel or len(todo) < PARALLEL_PAGES:
        return _freeze_part(freezer, destination, todo, progress)
    parts = [todo[i :: pool.workers] for i in range(pool.workers)]
    site = _SiteData.of(freezer)
    futures = [pool.submit(_freeze_in_worker, site, destination, part) for part in parts[1:]]
    scale = len(todo) / max(1, len(parts[0]))

    def mine(stage: str, done: int, total: int) -> None:
        if progress is not None:
            progress(stage, min(len(todo), round(done * scale)), len(todo))

    try:
        reads = _freeze_part(freezer, destination, parts[0], mine)
    finally:
        errors = [future.exception() for future in futures]
    for error in errors:
        if error is not None:
            raise error
    for future in futures:
        reads.update(future.result())
    return reads


_END_OF_TIME = datetime.max.replace(tzinfo=UTC)


@dataclass(frozen=True)
class _SiteData:
    """What a worker process needs to rebuild the site's index and app: plain,
    picklable data. ``posts`` are the parent's published ones already, so the
    worker's clock must not judge them again, and related posts come computed."""

    config: SiteConfig
    posts: list[Post]
    pages: list[Page]
    related: dict[str, tuple[str, ...]]
    next_due: datetime | None
    manifest: AssetManifest
    global_digest: str

    @classmethod
    def of(cls, freezer: SiteFreezer) -> _SiteData:
        index = freezer.index
        return cls(
            index.config,
            index.posts,
            index.pages,
            index.related_slugs(),
            index.next_due,
            freezer.manifest,
            freezer.global_digest,
        )

    def freezer(self) -> SiteFreezer:
        from frostpress.web.app import create_app

        index = SiteIndex.build(self.posts, self.pages, self.config, now=_END_OF_TIME)
        index.use_related(self.related)
        index.next_due = self.next_due
        app = create_app(index, manifest=self.manifest)
        return SiteFreezer(app, index, self.manifest, self.global_digest)


def _freeze_in_worker(
    site: _SiteData, destination: Path, specs: list[PageSpec]
) -> dict[str, Reads]:
    """Runs in a worker: rebuild the index and app from plain data, freeze a share."""
    return _freeze_part(site.freezer(), destination, specs, None)


def _freeze_part(
    freezer: SiteFreezer, destination: Path, specs: list[PageSpec], progress: OnProgress | None
) -> dict[str, Reads]:
    try:
        return freezer.freeze(destination, specs, progress)
    except TemplateSyntaxError as exc:
        path = Path(exc.filename) if exc.filename else freezer.index.config.templates_dir
        raise BuildFailed(
            [ContentError(path, exc.lineno, f"template error: {exc.message}")]
        ) from exc
    except TemplateError as exc:
        raise BuildFailed([_runtime_template_error(freezer, exc)]) from exc


def _runtime_template_error(freezer: SiteFreezer, exc: TemplateError) -> ContentError:
    """Locate an error raised while a template ran, from the traceback's frames."""
    templates = freezer.index.config.templates_dir
    where: tuple[Path, int | None] = (templates, None)
    for frame, line in traceback.walk_tb(exc.__traceback__):
        filename = Path(frame.f_code.co_filename)
        if filename.is_relative_to(templates):
            where = (filename, line)
    return ContentError(where[0], where[1], f"template error: {exc}")
