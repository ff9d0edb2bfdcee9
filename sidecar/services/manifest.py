"""The catalog's source for a host without a checkout: the build's published-posts
manifest (``/_frostpress/posts.json``), read from the site's public URL.

It is read when the sidecar first needs it, then every ``interval`` seconds by a
background thread (with ``If-None-Match``, so an unchanged site costs a 304), and
at once when CI says the content changed (``POST /api/site/content-changed``).
Every read is bounded in size and time. A failed read keeps the last good list
and says so in the log; the next read that works brings the sidecar up to date
by itself. Before any read has worked, no post exists (nothing is commentable).
"""

from __future__ import annotations

import html
import json
import logging
import os
import threading
import time
import urllib.error
import urllib.request
import zlib
from collections.abc import Callable, Mapping
from contextlib import suppress
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from frostpress.config import SiteConfig, load_config
from frostpress.content.index import SiteIndex
from frostpress.content.models import Page, Post, Term
from frostpress.content.slugs import is_safe_slug
from frostpress.web.published import FORMAT
from sidecar.services.catalog import CatalogUnavailable, PostCatalog, signature_of

__all__ = ["Fetched", "ManifestCatalog", "ManifestError", "fetch_manifest", "parse_manifest"]

log = logging.getLogger(__name__)

_CHUNK = 64 * 1024


class ManifestError(Exception):
    """The manifest could not be read or is not one: the message says why."""


@dataclass(frozen=True)
class Fetched:
    body: bytes | None  # None: not modified since ``etag``
    etag: str | None


def fetch_manifest(url: str, *, etag: str | None, timeout: float, max_bytes: int) -> Fetched:
    """GET ``url``: at most ``max_bytes``, within ``timeout`` seconds in all."""
    deadline = time.monotonic() + timeout
    # http(s) only: settings_from_env refuses any other SITE_MANIFEST_URL.
    request = urllib.request.Request(  # noqa: S310
        url, headers={"Accept": "application/json", "Accept-Encoding": "gzip"}
    )
    if etag:
        request.add_header("If-None-Match", etag)
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310
            length = response.headers.get("Content-Length")
            if length and length.isdigit() and int(length) > max_bytes:
                raise ManifestError(f"it is {int(length)} bytes: more than {max_bytes} bytes")
            chunks: list[bytes] = []
            size = 0
            while chunk := response.read1(_CHUNK):  # what has arrived: the clock is checked
                size += len(chunk)
                if size > max_bytes:
                    raise ManifestError(f"it is more than {max_bytes} bytes")
                if time.monotonic() > deadline:
                    raise ManifestError(f"reading it took more than {timeout:g} s")
                chunks.append(chunk)
            body = b"".join(chunks)
            if response.headers.get("Content-Encoding", "").lower() == "gzip":
                body = _gunzip(body, max_bytes)
            return Fetched(body, response.headers.get("ETag"))
    except urllib.error.HTTPError as error:
        if error.code == 304:
            return Fetched(None, etag)
        raise ManifestError(f"the site answered {error.code}") from None
    except (urllib.error.URLError, OSError) as error:
        reason = getattr(error, "reason", error)
        raise ManifestError(f"the site is unreachable: {reason}") from None


def _gunzip(data: bytes, max_bytes: int) -> bytes:
    """The CDN's compressed answer, unpacked to at most ``max_bytes``."""
    unpack = zlib.decompressobj(16 + zlib.MAX_WBITS)
    try:
        body = unpack.decompress(data, max_bytes + 1)
    except zlib.error as error:
        raise ManifestError(f"its gzip encoding is broken: {error}") from None
    if len(body) > max_bytes or unpack.unconsumed_tail:
        raise ManifestError(f"it unpacks to more than {max_bytes} bytes")
    return body


def _when(value: Any, where: str) -> datetime:
    if not isinstance(value, str):
        raise ManifestError(f"{where} is not a date")
    try:
        when = datetime.fromisoformat(value)
    except ValueError:
        raise ManifestError(f"{where} is not a date: {value[:40]!r}") from None
    return when if when.tzinfo else when.replace(tzinfo=UTC)


def _text(entry: Mapping[str, Any], key: str, where: str, *, optional: bool = False) -> str:
    value = entry.get(key)
    if value is None and optional:
        return ""
    if not isinstance(value, str):
        raise ManifestError(f"{where}.{key} is not text")
    return value


def _term(value: Any, where: str) -> Term:
    if not isinstance(value, dict):
        raise ManifestError(f"{where} is not a tag")
    slug, name = _text(value, "slug", where), _text(value, "name", where)
    if not is_safe_slug(slug):
        raise ManifestError(f"{where}.slug {slug[:40]!r} is not a slug")
    return Term(slug, name)


def _slug(entry: Mapping[str, Any], where: str) -> str:
    slug = _text(entry, "slug", where)
    if not is_safe_slug(slug):
        raise ManifestError(f"{where}.slug {slug[:40]!r} is not a slug")
    return slug


def _post(entry: Any, where: str) -> tuple[Post, str]:
    if not isinstance(entry, dict):
        raise ManifestError(f"{where} is not a post")
    slug = _slug(entry, where)
    text = _text(entry, "text", where, optional=True)
    tags = entry.get("tags") or []
    if not isinstance(tags, list):
        raise ManifestError(f"{where}.tags is not a list")
    category = entry.get("category")
    post = Post(
        source=Path("posts.json", slug),
        digest=_text(entry, "digest", where),
        slug=slug,
        title=_text(entry, "title", where),
        body=html.escape(text, quote=False),
        toc_html="",
        text=text,
        summary_html=_text(entry, "summary_html", where, optional=True),
        word_count=len(text.split()),
        date=_when(entry.get("date"), f"{where}.date"),
        updated=_when(entry["updated"], f"{where}.updated") if entry.get("updated") else None,
        draft=False,
        meta={},
        links=(),
        tags=tuple(_term(t, f"{where}.tags[{n}]") for n, t in enumerate(tags)),
        category=_term(category, f"{where}.category") if category else None,
    )
    return post, _text(entry, "url", where)


def _page(entry: Any, where: str) -> Page:
    if not isinstance(entry, dict):
        raise ManifestError(f"{where} is not a page")
    return Page(
        source=Path("posts.json", "pages", _slug(entry, where)),
        digest=_text(entry, "digest", where),
        slug=_slug(entry, where),
        title=_text(entry, "title", where),
        body="",
        toc_html="",
        text="",
        summary_html="",
        word_count=0,
        date=None,
        updated=None,
        draft=False,
        meta={},
        links=(),
    )


@dataclass(frozen=True)
class Published:
    index: SiteIndex
    urls: dict[str, str]  # slug → the post's public URL, as the build wrote it
    paths: frozenset[str]


def parse_manifest(body: bytes, config: SiteConfig) -> Published:
    """The manifest's posts as the engine's own values, or ManifestError naming the flaw."""
    try:
        document = json.loads(body)
    except (UnicodeDecodeError, ValueError) as error:
        raise ManifestError(f"it is not JSON: {error}") from None
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        raise ManifestError(f"it is not a {FORMAT} document")
    entries, pages, paths = document.get("posts"), document.get("pages"), document.get("paths")
    if not isinstance(entries, list) or not isinstance(pages, list) or not isinstance(paths, list):
        raise ManifestError("posts, pages and paths must be lists")
    posts, urls = [], {}
    for n, entry in enumerate(entries):
        post, url = _post(entry, f"posts[{n}]")
        posts.append(post)
        urls[post.slug] = url
    if not all(isinstance(p, str) and p.startswith("/") for p in paths):
        raise ManifestError("paths must be site paths")
    due = document.get("next_due")
    index = SiteIndex.build(
        posts,
        [_page(p, f"pages[{n}]") for n, p in enumerate(pages)],
        config,
        now=datetime.max.replace(tzinfo=UTC),  # the build judged the dates already
    )
    index.next_due = _when(due, "next_due") if due else None
    return Published(index, urls, frozenset(paths))


class ManifestCatalog(PostCatalog):
    def __init__(
        self,
        config: SiteConfig,
        url: str,
        *,
        interval: float = 60.0,
        timeout: float = 5.0,
        max_bytes: int = 16 * 1024 * 1024,
        fetch: Callable[..., Fetched] = fetch_manifest,
    ) -> None:
        super().__init__(config)
        self.manifest_url = url
        self.interval = interval
        self.timeout = timeout
        self.max_bytes = max_bytes
        self._fetch = fetch
        self._published = Published(SiteIndex.build([], [], config), {}, frozenset())
        self._etag: str | None = None
        self._read_once = threading.Event()
        self._reading = threading.Lock()
        self._first = threading.Lock()
        self._poller_pid: int | None = None
        self._stop = threading.Event()
        self.last_error: str | None = None
        self.last_read: float | None = None  # time.time() of the last good read

    @classmethod
    def from_settings(cls, settings: Mapping[str, Any]) -> ManifestCatalog:
        return cls(
            load_config(settings["FROSTPRESS_ROOT"]),
            settings["SITE_MANIFEST_URL"],
            interval=settings.get("MANIFEST_REFRESH_SECONDS", 60.0),
            timeout=settings.get("MANIFEST_TIMEOUT", 5.0),
            max_bytes=settings.get("MANIFEST_MAX_BYTES", 16 * 1024 * 1024),
        )

    # -- the catalog interface ----------------------------------------------------------
    def index(self) -> SiteIndex:
        self._start()
        if not self._read_once.is_set():
            self._first_read()
        return self._published.index

    def _first_read(self) -> None:
        """The first callers wait for one read (which may fail), not one each."""
        with self._first:
            if self._read_once.is_set():
                return
            with suppress(CatalogUnavailable):
                self.refresh()

    def _page_paths_of(self, index: SiteIndex) -> frozenset[str]:
        published = self._published
        return published.paths if published.index is index else frozenset()

    def url(self, post: Post) -> str:
        return self._published.urls.get(post.slug) or super().url(post)

    def refresh(self) -> bool:
        """Read the manifest now. A failure keeps the last good list, is logged and
        raised as CatalogUnavailable (the caller may answer 503)."""
        with self._reading:
            before = self._published
            try:
                fetched = self._fetch(
                    self.manifest_url,
                    etag=self._etag,
                    timeout=self.timeout,
                    max_bytes=self.max_bytes,
                )
                published = (
                    before if fetched.body is None else parse_manifest(fetched.body, self.config)
                )
            except ManifestError as error:
                self.last_error = str(error)
                log.warning(
                    "site manifest %s unreadable, keeping the last good list (%d posts): %s",
                    self.manifest_url,
                    len(before.index.posts),
                    error,
                )
                raise CatalogUnavailable(
                    f"The site's list of posts could not be read: {error}"
                ) from None
            finally:
                self._read_once.set()
            if self.last_error is not None:
                log.info("site manifest %s readable again", self.manifest_url)
            self.last_error = None
            self.last_read = time.time()
            self._etag = fetched.etag
            self._published = published
        changed = signature_of(published.index) != signature_of(before.index)
        if changed:
            log.info("site manifest: %d published posts", len(published.index.posts))
        return changed

    # -- the schedule ----------------------------------------------------------------
    def _start(self) -> None:
        """One polling thread per process (a fork starts its own on first use)."""
        if self.interval <= 0 or self._poller_pid == os.getpid():
            return
        with self._lock:
            if self._poller_pid == os.getpid():
                return
            self._poller_pid = os.getpid()
            threading.Thread(target=self._poll, name="site-manifest", daemon=True).start()

    def _poll(self) -> None:
        while not self._stop.wait(self.interval):
            try:
                self.refresh()
            except CatalogUnavailable:
                pass  # logged; the next round tries again
            except Exception:  # never let the schedule die
                log.exception("site manifest refresh failed")

    def close(self) -> None:
        self._stop.set()
