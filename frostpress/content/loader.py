"""Walk ``content/``, parse and validate every file, render Markdown, build the index.

Rendering is the expensive stage: it is cached by content hash on disk, and a
cold build renders the misses in parallel across cores. The loader also keeps
the documents of the previous load in memory (keyed by path, mtime and size),
so the watcher re-reads only the file that changed.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from frostpress.build.parallel import WorkerPool
from frostpress.build.progress import OnProgress
from frostpress.config import SiteConfig
from frostpress.content.cache import RenderCache, content_key
from frostpress.content.frontmatter import (
    FrontMatter,
    line_of_key,
    split_front_matter,
    validate_page_fields,
    validate_post_fields,
)
from frostpress.content.markdown import (
    Rendered,
    rebase_links,
    render_inline,
    render_markdown,
)
from frostpress.content.models import Document, Page, Post, Term
from frostpress.content.slugs import slug_from_filename, slugify
from frostpress.digests import content_hash
from frostpress.errors import ContentError, DuplicateSlugError, FrontMatterError
from frostpress.public_paths import RESERVED_PAGE_SLUGS

__all__ = ["RESERVED_PAGE_SLUGS", "ContentLoader", "LoadResult"]

PARALLEL_THRESHOLD = 48


@dataclass
class LoadResult:
    posts: list[Post]
    pages: list[Page]
    errors: list[ContentError]
    rendered: int = 0  # documents whose Markdown was rendered (not cached)
    failed: list[Path] = field(default_factory=list)  # files left out for their errors


@dataclass
class _Parsed:
    kind: str  # "post" or "page"
    path: Path
    stamp: tuple[int, int]
    digest: str
    key: str
    fm: FrontMatter
    fields: dict[str, Any]
    errors: list[ContentError] = field(default_factory=list)


def _render_job(body: str, summary: str | None, cache: RenderCache, key: str) -> dict[str, Any]:
    """Render one document and store it; runs in a worker process.

    The worker writes the cache entry itself, so only the small metadata
    travels back (the body HTML comes back only if the entry could not be
    written).
    """
    rendered = render_markdown(body).as_dict()
    output = {"body": rendered, "summary": render_inline(summary) if summary else None}
    if cache.put(key, output):
        rendered["html"] = None
    return output


class ContentLoader:
    def __init__(self, config: SiteConfig, *, cache: RenderCache | None = None) -> None:
        self.config = config
        self.cache = cache if cache is not None else RenderCache(config.cache_dir)
        self._documents: dict[Path, tuple[tuple[int, int], Document]] = {}

    def source_count(self) -> int:
        return sum(1 for _ in self._sources())

    # -- stage 1: files → parsed front matter -------------------------------------
    def _sources(self) -> Iterable[tuple[str, Path]]:
        posts = self.config.posts_dir
        if posts.is_dir():
            for path in sorted(posts.rglob("*.md")):
                yield "post", path
        pages = self.config.pages_dir
        if pages.is_dir():
            for path in sorted(pages.glob("*.md")):
                yield "page", path

    def _parse(
        self, kind: str, path: Path, raw: bytes, stamp: tuple[int, int]
    ) -> _Parsed | ContentError:
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            line = raw[: exc.start].count(b"\n") + 1
            return FrontMatterError(path, line, "not valid UTF-8: save the file as UTF-8")
        text = text.removeprefix("\ufeff").replace("\r\n", "\n")
        try:
            fm = split_front_matter(path, text)
        except ContentError as exc:
            return exc
        default_slug = slug_from_filename(path.stem)
        validate = validate_post_fields if kind == "post" else validate_page_fields
        fields, errors = validate(path, fm, default_slug, self.config.tz)
        digest = content_hash(raw)[:20]
        return _Parsed(kind, path, stamp, digest, content_key(raw), fm, fields, errors)

    # -- stage 2: Markdown → HTML (cached, parallel) ----------------------------------
    def _render_all(
        self, parsed: list[_Parsed], progress: OnProgress | None, pool: WorkerPool | None
    ) -> tuple[dict[str, dict[str, Any]], int]:
        """Cached or freshly rendered output per content key.

        Outputs safely on disk lose their body HTML here (``"html": None``):
        documents read it back from the cache when a page needs it.
        """
        results: dict[str, dict[str, Any]] = {}
        todo: dict[str, _Parsed] = {}
        for item in parsed:
            if item.key not in results and item.key not in todo:
                hit = self.cache.get(item.key)
                if hit is not None and isinstance(hit.get("body"), dict):
                    hit["body"]["html"] = None
                    results[item.key] = hit
                else:
                    todo[item.key] = item
                    if len(todo) == PARALLEL_THRESHOLD and pool is not None:
                        pool.warm()  # workers start while the rest is looked up
        jobs = [
            (item.fm.body, item.fields.get("summary"), self.cache, key)
            for key, item in todo.items()
        ]
        total = len(jobs)
        outputs: Iterable[dict[str, Any]]
        if pool is not None and pool.parallel and total >= PARALLEL_THRESHOLD:
            chunk = max(1, min(16, total // (pool.workers * 8)))
            outputs = pool.map(_render_job, *zip(*jobs, strict=True), chunksize=chunk)
        else:
            outputs = (_render_job(*job) for job in jobs)
        for key, output in zip(todo, self._count(outputs, total, progress), strict=True):
            results[key] = output
        return results, total

    @staticmethod
    def _count(
        outputs: Iterable[dict[str, Any]], total: int, progress: OnProgress | None
    ) -> Iterable[dict[str, Any]]:
        for done, output in enumerate(outputs, start=1):
            if progress is not None:
                progress("render", done, total)
            yield output

    # -- stage 3: documents, cross-file checks -----------------------------------------
    def _document(self, item: _Parsed, output: dict[str, Any]) -> Document:
        rendered = Rendered.from_dict(output["body"])
        summary = output.get("summary") or rendered.first_paragraph
        base = self.config.base_path
        f = item.fields
        common: dict[str, Any] = {
            "source": item.path,
            "digest": item.digest,
            "slug": f["slug"],
            "title": f["title"],
            "body": (
                rebase_links(rendered.html, base)
                if rendered.html is not None
                else self.cache.stored(item.key, base)
            ),
            "toc_html": rendered.toc_html,
            "text": rendered.text,
            "summary_html": rebase_links(summary, base),
            "word_count": rendered.word_count,
            "date": f["date"],
            "updated": f["updated"],
            "draft": f["draft"],
            "meta": f["meta"],
            "links": tuple((url, item.fm.body_line - 1 + line) for url, line in rendered.links),
        }
        if item.kind == "page":
            return Page(**common)
        category = f["category"]
        return Post(
            **common,
            tags=tuple(sorted({Term(slugify(t), t) for t in f["tags"]})),
            category=Term(slugify(category), category) if category else None,
            aliases=tuple(f["aliases"]),
            cover=_media_path(f["cover"]),
            cover_alt=f["cover_alt"],
            words_per_minute=self.config.words_per_minute,
        )

    def load(
        self, progress: OnProgress | None = None, pool: WorkerPool | None = None
    ) -> LoadResult:
        errors: list[ContentError] = []
        documents: dict[Path, tuple[tuple[int, int], Document]] = {}
        parsed: list[_Parsed] = []
        failed: list[Path] = []
        for kind, path in self._sources():
            try:
                stat = path.stat()
                stamp = (stat.st_mtime_ns, stat.st_size)
                known = self._documents.get(path)
                if known is not None and known[0] == stamp and _body_available(known[1]):
                    documents[path] = known
                    continue
                raw = path.read_bytes()
            except OSError as exc:
                errors.append(ContentError(path, None, f"cannot read file: {exc.strerror}"))
                continue
            result = self._parse(kind, path, raw, stamp)
            if isinstance(result, ContentError):
                errors.append(result)
                failed.append(path)
            elif result.errors:
                errors.extend(result.errors)
                failed.append(path)
            else:
                parsed.append(result)
        outputs, rendered = self._render_all(parsed, progress, pool)
        for item in parsed:
            output = outputs[item.key]
            documents[item.path] = (item.stamp, self._document(item, output))
        self._documents = {p: d for p, d in documents.items()}
        posts = [d for _, d in documents.values() if isinstance(d, Post)]
        pages = [d for _, d in documents.values() if isinstance(d, Page)]
        errors += _duplicate_slugs(posts, "post", self.config.posts_dir)
        errors += _duplicate_slugs(pages, "page", self.config.pages_dir)
        for page in pages:
            if page.slug in RESERVED_PAGE_SLUGS:
                errors.append(
                    FrontMatterError(
                        page.source,
                        line_of_key(page.source, "slug"),
                        f"page slug {page.slug!r} is reserved for the site's own URLs: "
                        "set another 'slug:'",
                    )
                )
        return LoadResult(posts, pages, errors, rendered, failed)


def _body_available(doc: Document) -> bool:
    """False when the cache entry holding a remembered body was deleted."""
    return isinstance(doc.body, str) or doc.body.available()


def _media_path(cover: str | None) -> str | None:
    if cover is None:
        return None
    cover = cover.lstrip("/")
    return "/" + (cover if cover.startswith("media/") else f"media/{cover}")


def _duplicate_slugs(documents: list[Any], kind: str, folder: Path) -> list[ContentError]:
    seen: dict[str, Document] = {}
    errors: list[ContentError] = []
    for doc in sorted(documents, key=lambda d: str(d.source)):
        first = seen.setdefault(doc.slug, doc)
        if first is not doc:
            other = (
                first.source.relative_to(folder)
                if first.source.is_relative_to(folder)
                else first.source
            )
            errors.append(
                DuplicateSlugError(
                    doc.source,
                    line_of_key(doc.source, "slug"),
                    f"{kind} slug {doc.slug!r} is already used by {other}: rename the "
                    "file or set a different 'slug:'",
                )
            )
    return errors
