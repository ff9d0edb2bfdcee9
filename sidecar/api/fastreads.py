"""The anonymous reads' short path: kept answers replayed before Flask runs.

Every page view asks for its thread, the counts and the post; nearly all
readers are anonymous, so nearly all of these are the same answer. This WSGI
middleware (inside the trusted-proxy fix, so it sees the reader's address)
answers an anonymous ``GET`` of the thread, the counts or a post's metadata
from a copy of what Flask itself answered, while the read cache's versions of
the posts it shows are unchanged (``sidecar.services.readcache``):

- only answers Flask marked ``public`` and that set no cookie are kept, keyed by
  host, scheme, path, query string and ``Origin`` (CORS answers differ by it)
  with the versions and the catalog's signature; per-request headers
  (``X-Request-ID``, the rate-limit figures) are made again, never replayed;
- ``THREAD_RATE`` is still counted per address, in the same budget the view
  uses; an address over it, a request naming anyone (a session with an
  account, a remember-me cookie, ``Authorization``), anything unusual, or any
  failure here goes to Flask, which answers as it always does (429, 503...);
- ``If-None-Match`` with the kept ``ETag`` gets a 304;
- every replay is counted in ``/metrics`` under the route Flask answers it by
  (``ROUTES``), as a request and as a hit of the ``replay`` cache: during a
  spike these are most of the reads, so leaving them out hid the spike.
"""

from __future__ import annotations

import re
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Iterable
from typing import Any
from urllib.parse import parse_qs

from flask import Flask
from limits import parse_many
from werkzeug.http import parse_cookie

from sidecar.api.caching import requested_slugs
from sidecar.extensions import THREAD_RATE, limiter
from sidecar.logs import request_id_from
from sidecar.metrics import answered, cache_hit

__all__ = ["FastReads", "init_app"]

_THREAD = re.compile(r"^/api/posts/([^/]+)/comments$")
_POST = re.compile(r"^/api/posts/([^/]+)$")
_COUNTS = "/api/counts"
_PER_REQUEST = {"x-request-id", "retry-after"}
_NOT_IN_304 = {"content-length", "content-type"}

# The view each kind of read stands in for: its requests are counted under it.
ROUTES = {
    "thread": "api_comments.thread",
    "counts": "api_posts.counts",
    "post": "api_posts.get_post",
}

Kept = tuple[str, list[tuple[str, str]], bytes, str]  # status, headers, body, etag


class FastReads:
    def __init__(
        self,
        app: Flask,
        inner: Callable[..., Iterable[bytes]],
        entries: int = 4096,
        max_bytes: int = 32 * 1024 * 1024,
    ):
        self.app = app
        self.inner = inner
        self.entries = entries
        self.max_bytes = max_bytes  # however many query strings readers invent
        self._bytes = 0
        self._lock = threading.Lock()
        self._kept: OrderedDict[tuple[str, ...], tuple[float, Kept]] = OrderedDict()
        self._thread_limits = parse_many(THREAD_RATE)

    # -- which requests -------------------------------------------------------------------
    def _route(self, environ: dict[str, Any]) -> tuple[str, list[str]] | None:
        """The kind of read and the posts it shows, or None for Flask to answer."""
        path = environ.get("PATH_INFO", "")
        if (found := _THREAD.match(path)) is not None:
            return "thread", [found.group(1)]
        if path == _COUNTS:
            query = parse_qs(environ.get("QUERY_STRING", ""), keep_blank_values=True)
            if list(query) != ["slugs"] or len(query["slugs"]) != 1:
                return None  # let the view say what is wrong, or what it means
            slugs = requested_slugs(query["slugs"][0])
            return ("counts", slugs) if slugs else None
        if (found := _POST.match(path)) is not None:
            return "post", [found.group(1)]
        return None

    def _anonymous(self, environ: dict[str, Any]) -> bool:
        if environ.get("HTTP_AUTHORIZATION"):
            return False
        raw = environ.get("HTTP_COOKIE")
        if not raw:
            return True
        config = self.app.config
        cookies = parse_cookie(raw)  # as Flask reads them
        if config.get("REMEMBER_COOKIE_NAME", "remember_token") in cookies:
            return False
        name = config.get("SESSION_COOKIE_NAME", "session")
        if name not in cookies:
            return True
        serializer = self.app.session_interface.get_signing_serializer(self.app)  # type: ignore[attr-defined]
        try:
            data = serializer.loads(cookies[name])
        except Exception:  # a bad cookie: Flask decides what it means
            return False
        return not data.get("_user_id")

    # -- the rate limit ---------------------------------------------------------------------
    def _within_thread_rate(self, environ: dict[str, Any]) -> bool:
        if not self.app.config.get("RATELIMIT_ENABLED", True):
            return True
        if getattr(limiter, "_storage_dead", False):
            return False  # the fallback limits apply: Flask-Limiter's own business
        # The key the view's shared limit counts under: [prefix,] address, scope.
        prefix = getattr(limiter, "_key_prefix", "")
        who = [*([prefix] if prefix else []), environ.get("REMOTE_ADDR") or "unknown"]
        return all(limiter.limiter.hit(item, *who, "thread-read") for item in self._thread_limits)

    # -- answering ----------------------------------------------------------------------------
    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Any:
        if environ.get("REQUEST_METHOD") != "GET":
            return self.inner(environ, start_response)
        route = self._route(environ)
        if route is None:
            return self.inner(environ, start_response)
        try:
            key = self._key(environ, *route)
        except Exception:
            key = None
        if key is None:
            return self.inner(environ, start_response)
        now = time.monotonic()
        with self._lock:
            found = self._kept.get(key)
        ttl = self.app.extensions["sidecar.readcache"].ttl
        if found is not None and now - found[0] < ttl:
            try:
                if route[0] == "thread" and not self._within_thread_rate(environ):
                    return self.inner(environ, start_response)  # Flask answers the 429
            except Exception:
                return self.inner(environ, start_response)
            return self._replay(environ, start_response, found[1], route[0])
        return self._keep(environ, start_response, key)

    def _key(self, environ: dict[str, Any], kind: str, slugs: list[str]) -> tuple[str, ...] | None:
        if not self._anonymous(environ):
            return None
        cache = self.app.extensions["sidecar.readcache"]
        stamp = cache.stamp(slugs)
        if stamp is None:
            return None
        signature = "" if kind == "counts" else self.app.extensions["sidecar.catalog"].signature()
        return (
            stamp,
            signature,
            environ.get("wsgi.url_scheme", ""),
            environ.get("HTTP_HOST", ""),
            environ.get("PATH_INFO", ""),
            environ.get("QUERY_STRING", ""),
            environ.get("HTTP_ORIGIN", ""),
        )

    def _replay(
        self, environ: dict[str, Any], start_response: Callable[..., Any], kept: Kept, kind: str
    ) -> Any:
        status, headers, body, etag = kept
        request_id = request_id_from(environ.get("HTTP_X_REQUEST_ID", ""))
        sent = [*headers, ("X-Request-ID", request_id)]
        cache_hit("replay")
        if _matches(environ.get("HTTP_IF_NONE_MATCH", ""), etag):
            start_response("304 NOT MODIFIED", [h for h in sent if h[0].lower() not in _NOT_IN_304])
            answered(environ, ROUTES[kind], "GET", 304)
            return [b""]
        start_response(status, sent)
        answered(environ, ROUTES[kind], "GET", int(status.split(" ", 1)[0]))
        return [body]

    def _keep(
        self, environ: dict[str, Any], start_response: Callable[..., Any], key: tuple[str, ...]
    ) -> Any:
        """Let Flask answer; keep a copy of a public 200 that sets no cookie."""
        seen: dict[str, Any] = {}

        def capture(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Any:
            seen["status"], seen["headers"] = status, headers
            return (
                start_response(status, headers, exc_info)
                if exc_info
                else start_response(status, headers)
            )

        chunks = self.inner(environ, capture)
        try:
            body = b"".join(chunks)
        finally:
            if hasattr(chunks, "close"):
                chunks.close()
        headers = seen.get("headers", [])
        names = {name.lower(): value for name, value in headers}
        if (
            seen.get("status", "").startswith("200")
            and "public" in names.get("cache-control", "")
            and "set-cookie" not in names
            and "etag" in names
        ):
            kept_headers = [
                (n, v)
                for n, v in headers
                if n.lower() not in _PER_REQUEST
                and not n.lower().startswith(("x-ratelimit", "ratelimit"))
            ]
            etag = names["etag"].strip().removeprefix("W/").strip('"')
            with self._lock:
                old = self._kept.pop(key, None)
                if old is not None:
                    self._bytes -= len(old[1][2])
                self._kept[key] = (time.monotonic(), (seen["status"], kept_headers, body, etag))
                self._bytes += len(body)
                while self._kept and (
                    len(self._kept) > self.entries or self._bytes > self.max_bytes
                ):
                    self._bytes -= len(self._kept.popitem(last=False)[1][1][2])
        return [body]


def _matches(header: str, etag: str) -> bool:
    if not header:
        return False
    wanted = {part.strip().removeprefix("W/").strip('"') for part in header.split(",")}
    return etag in wanted or "*" in wanted


def init_app(app: Flask) -> None:
    """Put the short path in front of Flask (call before the proxy fix wraps it)."""
    app.wsgi_app = FastReads(app, app.wsgi_app)  # type: ignore[method-assign]
