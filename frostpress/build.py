"""One build: load → check → freeze into a fresh directory → swap into ``build/``.

A :class:`Builder` can run many builds (the watcher keeps one alive), reusing
what the previous build produced: parsed documents in memory, rendered
Markdown on disk, and unchanged output files by hard link.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from jinja2 import TemplateError, TemplateSyntaxError

from frostpress import __version__
from frostpress.config import SiteConfig
from frostpress.content.index import SiteIndex
from frostpress.content.loader import ContentLoader
from frostpress.content.markdown import renderer_fingerprint
from frostpress.errors import BrokenLinkError, BuildFailed, ContentError
from frostpress.freeze import PageSpec, SiteFreezer
from frostpress.output import build_lock, exchange, fresh_directory, link_or_copy, remove_stale
from frostpress.web.app import create_app
from frostpress.web.assets import AssetManifest

__all__ = ["BuildReport", "Builder"]

Progress = Callable[[str, int, int], None]
_MANIFEST_FORMAT = 1


@dataclass
class BuildReport:
    output: Path
    pages: int = 0
    written: int = 0          # pages rendered by Flask this time
    reused: int = 0           # pages hard-linked from the previous build
    markdown_rendered: int = 0
    seconds: float = 0.0
    timings: dict[str, float] = field(default_factory=dict)


class Builder:
    def __init__(self, config: SiteConfig, *, workers: int | None = None,
                 now: Callable[[], datetime] | None = None) -> None:
        self.config = config
        self.loader = ContentLoader(config, workers=workers)
        self.now = now

    # -- the stages ------------------------------------------------------------------
    def _global_digest(self, manifest: AssetManifest, index: SiteIndex) -> str:
        digest = hashlib.sha256()
        for part in (__version__, renderer_fingerprint(), manifest.digest,
                     repr(sorted((k, str(v)) for k, v in vars(self.config).items()
                                 if k != "root"))):
            digest.update(part.encode() + b"\x00")
        templates = self.config.templates_dir
        for path in sorted(templates.rglob("*")):
            if path.is_file():
                digest.update(path.relative_to(templates).as_posix().encode() + b"\x00")
                digest.update(path.read_bytes() + b"\x00")
        for page in index.pages:
            digest.update(f"{page.slug}={page.title}\x00".encode())
        return digest.hexdigest()

    def _check_links(self, index: SiteIndex, specs: list[PageSpec]) -> list[ContentError]:
        prefix = self.config.base_path.rstrip("/")
        known = {prefix + spec.url for spec in specs}
        errors: list[ContentError] = []
        for doc in [*index.posts, *index.pages]:
            for url, line in doc.links:
                if url not in known:
                    hint = (f"; did you mean {url}/?" if url + "/" in known else
                            ": link to an existing post (/posts/<slug>/), page or "
                            "/media/ file")
                    errors.append(BrokenLinkError(doc.source, line,
                                                  f"link to {url} points nowhere{hint}"))
            cover = getattr(doc, "cover", None)
            if cover and prefix + cover not in known:
                errors.append(BrokenLinkError(
                    doc.source, _line_of(doc.source, "cover"),
                    f"cover {cover} not found: put the file in content/media/"))
        return errors

    def _manifest_path(self) -> Path:
        key = hashlib.sha256(str(self.config.output_dir).encode()).hexdigest()[:16]
        return self.config.cache_dir / "builds" / f"{key}.json"

    def _previous(self) -> dict[str, Any]:
        try:
            data = json.loads(self._manifest_path().read_bytes())
        except (OSError, ValueError):
            return {}
        return data.get("pages", {}) if data.get("format") == _MANIFEST_FORMAT else {}

    def _reuse(self, specs: list[PageSpec], fresh: Path) -> set[str]:
        """Hard-link pages whose inputs did not change; return their URLs."""
        previous = self._previous()
        output = self.config.output_dir
        reuse: set[str] = set()
        made: set[Path] = set()
        for spec in specs:
            entry = previous.get(spec.url)
            if not entry or entry[0] != spec.digest:
                continue
            source = output / spec.relpath
            try:
                stat = source.stat()
            except OSError:
                continue
            if [stat.st_ino, stat.st_size, stat.st_mtime_ns] != entry[1:]:
                continue  # touched since we wrote it: render it again
            target = fresh / spec.relpath
            if target.parent not in made:
                target.parent.mkdir(parents=True, exist_ok=True)
                made.add(target.parent)
            link_or_copy(source, target)
            reuse.add(spec.url)
        return reuse

    def _save_manifest(self, specs: list[PageSpec], root: Path) -> None:
        pages: dict[str, list[Any]] = {}
        for spec in specs:
            stat = (root / spec.relpath).stat()
            pages[spec.url] = [spec.digest, stat.st_ino, stat.st_size, stat.st_mtime_ns]
        path = self._manifest_path()
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(".tmp")
        tmp.write_text(json.dumps({"format": _MANIFEST_FORMAT, "pages": pages}))
        os.replace(tmp, path)

    # -- the entry points -------------------------------------------------------------
    def prepare(self, progress: Progress | None = None
                ) -> tuple[SiteIndex, SiteFreezer, list[PageSpec], int]:
        """Load and check everything; raise BuildFailed listing every problem."""
        result = self.loader.load(progress)
        now = self.now() if self.now else None
        index = SiteIndex.build(result.posts, result.pages, self.config, now=now)
        manifest = AssetManifest.scan(self.config)
        app = create_app(index, manifest=manifest)
        freezer = SiteFreezer(app, index, manifest, self._global_digest(manifest, index))
        specs = freezer.specs() if not result.errors else []
        errors = result.errors + (self._check_links(index, specs) if specs else [])
        errors += _alias_clashes(index, specs)
        if errors:
            raise BuildFailed(errors)
        return index, freezer, specs, result.rendered

    def build(self, progress: Progress | None = None) -> BuildReport:
        started = time.perf_counter()
        output = self.config.output_dir
        report = BuildReport(output)
        with build_lock(output):
            remove_stale(output)
            index, freezer, specs, report.markdown_rendered = self.prepare(progress)
            report.timings["load"] = time.perf_counter() - started
            fresh = fresh_directory(output)
            try:
                reuse = self._reuse(specs, fresh)
                report.timings["reuse"] = time.perf_counter() - started
                _freeze(freezer, fresh, specs, reuse, progress)
                report.timings["freeze"] = time.perf_counter() - started
                exchange(fresh, output)
            except BaseException:
                shutil.rmtree(fresh, ignore_errors=True)
                raise
            self._save_manifest(specs, output)
        report.pages, report.reused = len(specs), len(reuse)
        report.written = report.pages - report.reused
        report.seconds = time.perf_counter() - started
        return report

    def check(self, progress: Progress | None = None) -> int:
        """Validate everything and render every page, writing nothing to ``build/``."""
        _index, freezer, specs, _ = self.prepare(progress)
        with tempfile.TemporaryDirectory(prefix="frostpress-check-") as scratch:
            _freeze(freezer, Path(scratch), specs, set(), progress)
        return len(specs)


def _freeze(freezer: SiteFreezer, destination: Path, specs: list[PageSpec],
            reuse: set[str], progress: Progress | None) -> None:
    try:
        freezer.freeze(destination, specs, reuse, progress)
    except TemplateSyntaxError as exc:
        path = Path(exc.filename) if exc.filename else freezer.index.config.templates_dir
        raise BuildFailed([ContentError(path, exc.lineno, f"template error: {exc.message}")]
                          ) from exc
    except TemplateError as exc:
        raise BuildFailed([ContentError(freezer.index.config.templates_dir, None,
                                        f"template error: {exc}")]) from exc


def _line_of(path: Path, key: str) -> int:
    try:
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if line.startswith(f"{key}:"):
                return number
    except (OSError, UnicodeDecodeError):
        pass
    return 1


def _alias_clashes(index: SiteIndex, specs: list[PageSpec]) -> list[ContentError]:
    pages = {spec.url for spec in specs if spec.endpoint != "blog.alias"}
    errors: list[ContentError] = []
    for post in index.posts:
        for alias in post.aliases:
            if alias in pages:
                errors.append(ContentError(post.source, _line_of(post.source, "aliases"),
                                           f"alias {alias} is already a page of the site: "
                                           "remove it from 'aliases'"))
    return errors
