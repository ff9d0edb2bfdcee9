"""Prometheus metrics at ``/metrics`` (text format, prometheus-client).

What is measured:

- ``sidecar_http_requests_total{endpoint,method,status}`` and
  ``sidecar_http_request_duration_seconds{endpoint}`` (a histogram): every
  HTTP request answered, by route (``unmatched`` for paths no route has), also
  the anonymous reads the short path (``sidecar.api.fastreads``) replays before
  Flask runs, under the route Flask would have answered them by;
- ``sidecar_comments_created_total{status}``: comments committed (approved or
  pending), whichever way they came (API, no-JS form);
- ``sidecar_rate_limited_total{endpoint}``: requests refused with 429;
- ``sidecar_readcache_hits_total{cache}`` / ``sidecar_readcache_misses_total{cache}``:
  read caches report through :func:`cache_hit` and :func:`cache_miss`, so the hit
  ratio is ``rate(hits) / (rate(hits) + rate(misses))``;
- measured when scraped: ``sidecar_live_sockets`` (this process's open live
  channel connections), ``sidecar_outbox_depth`` (mails waiting) and
  ``sidecar_schema_current`` (1 while the database schema serves this code).

**Who may read it.** ``/metrics`` is outside every path the CDN proxies to the
sidecar (``/api``, ``/auth``, ``/comments``, ``/admin``, ``/search``). It is
answered only to a scraper on the same host talking to the process directly
(a loopback peer, and no ``X-Forwarded-For``/``Forwarded``/``X-Real-IP``
header, which every request through nginx or the CDN carries), or to any
address that sends ``Authorization: Bearer <METRICS_TOKEN>``. Anyone else gets
404 (a wrong token: 403). This layer sits outside the app, so HTTPS redirects,
``TRUSTED_HOSTS`` and the rate limits never apply to a scrape.

**Several processes.** With ``PROMETHEUS_MULTIPROC_DIR`` set (an empty directory,
the same for every worker of one gunicorn, emptied before it starts), the
counters of all its workers are added up on every scrape; gunicorn's
``child_exit`` hook must be :func:`child_exit` (``from sidecar.metrics import
child_exit`` in its config). The scrape-time gauges are those of the process
that answers the scrape.
"""

from __future__ import annotations

import hmac
import ipaddress
import logging
import os
import time
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from flask import Flask, Response, request
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
    multiprocess,
)
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.registry import Collector
from sqlalchemy import event
from sqlalchemy.orm import Session

__all__ = ["answered", "cache_hit", "cache_miss", "child_exit", "init_app"]

log = logging.getLogger(__name__)

PATH = "/metrics"
_START = "sidecar.metrics.start"
_NEW_COMMENTS = "sidecar.metrics.new_comments"
_REASONS = {200: "OK", 403: "Forbidden", 404: "Not Found", 405: "Method Not Allowed"}
_FORWARDING = ("HTTP_X_FORWARDED_FOR", "HTTP_FORWARDED", "HTTP_X_REAL_IP")

REQUESTS = Counter(
    "sidecar_http_requests",
    "HTTP requests answered, by route, method and status",
    ["endpoint", "method", "status"],
)
LATENCY = Histogram(
    "sidecar_http_request_duration_seconds",
    "Time to answer an HTTP request, by route",
    ["endpoint"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0),
)
COMMENTS = Counter("sidecar_comments_created", "Comments committed, by status", ["status"])
RATE_LIMITED = Counter(
    "sidecar_rate_limited", "Requests refused by a rate limit (429), by route", ["endpoint"]
)
CACHE_HITS = Counter("sidecar_readcache_hits", "Read-cache lookups answered", ["cache"])
CACHE_MISSES = Counter("sidecar_readcache_misses", "Read-cache lookups not answered", ["cache"])


def cache_hit(name: str) -> None:
    """A read cache answered a lookup. ``name`` is the cache's fixed name (e.g.
    ``"thread"``), never anything taken from the request."""
    CACHE_HITS.labels(cache=name).inc()


def cache_miss(name: str) -> None:
    """A read cache had to go to the database."""
    CACHE_MISSES.labels(cache=name).inc()


def child_exit(server: Any, worker: Any) -> None:
    """gunicorn's ``child_exit`` hook: a dead worker's live gauges stop counting."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        multiprocess.mark_process_dead(worker.pid)


# -- counting ---------------------------------------------------------------------------
def answered(environ: dict[str, Any], endpoint: str, method: str, status: int) -> None:
    """Count one answered request and its time since this layer first saw it.
    ``endpoint`` is a route's fixed name, never anything taken from the request."""
    REQUESTS.labels(endpoint, method, str(status)).inc()
    started = environ.get(_START)
    if started is not None:
        LATENCY.labels(endpoint).observe(time.perf_counter() - started)
    if status == 429:
        RATE_LIMITED.labels(endpoint).inc()


def _record_request(response: Response) -> Response:
    answered(request.environ, request.endpoint or "unmatched", request.method, response.status_code)
    return response


def _collect_comments(session: Session, _context: Any) -> None:
    from sidecar.models import Comment

    new = [obj.status for obj in session.new if isinstance(obj, Comment)]
    if new:
        session.info.setdefault(_NEW_COMMENTS, []).extend(new)


def _count_comments(session: Session) -> None:
    for status in session.info.pop(_NEW_COMMENTS, ()):
        COMMENTS.labels(status=status).inc()


def _forget_comments(session: Session) -> None:
    session.info.pop(_NEW_COMMENTS, None)


def _listen_to_sessions() -> None:
    for name, listener in (
        ("after_flush", _collect_comments),
        ("after_commit", _count_comments),
        ("after_rollback", _forget_comments),
    ):
        if not event.contains(Session, name, listener):
            event.listen(Session, name, listener)


# -- scraping ---------------------------------------------------------------------------
class ScrapeTime(Collector):
    """The gauges read when scraped, from this process and its database."""

    def __init__(self, app: Flask) -> None:
        self.app = app

    def collect(self) -> Iterator[Metric]:
        yield GaugeMetricFamily(
            "sidecar_live_sockets", "Open live-channel connections of this process", _sockets()
        )
        with self.app.app_context():
            from sidecar import deps
            from sidecar.schema_check import schema_check

            try:
                report = schema_check().report()
                yield GaugeMetricFamily(
                    "sidecar_schema_current",
                    "1 while the database schema serves this code",
                    1 if report.serving else 0,
                )
                if report.serving:
                    yield GaugeMetricFamily(
                        "sidecar_outbox_depth", "Mails waiting to be sent", deps.outbox().depth()
                    )
            except Exception as error:  # a scrape reports what it can
                log.warning("metrics: the database could not be read (%s)", type(error).__name__)
                from sidecar.failsafe import drop_session

                drop_session()


def _sockets() -> int:
    from sidecar.extensions import socketio

    server = getattr(socketio, "server", None)
    rooms = getattr(getattr(server, "manager", None), "rooms", {}) or {}
    return len(rooms.get("/", {}).get(None, {}))


def exposition(app: Flask) -> bytes:
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
        counted = generate_latest(registry)
    else:
        counted = generate_latest(REGISTRY)
    scraped = CollectorRegistry()
    scraped.register(ScrapeTime(app))
    return counted + generate_latest(scraped)


def _loopback(address: str) -> bool:
    try:
        return ipaddress.ip_address(address.split("%")[0]).is_loopback
    except ValueError:
        return False


def allowed(environ: dict[str, Any], token: str | None) -> int:
    """200 to answer, 403 for a wrong token, 404 for anyone else."""
    header = environ.get("HTTP_AUTHORIZATION", "")
    if header:
        scheme, _, given = header.partition(" ")
        good = bool(token) and scheme.lower() == "bearer"
        return 200 if good and hmac.compare_digest(given.strip(), str(token)) else 403
    direct = not any(environ.get(name) for name in _FORWARDING)
    return 200 if direct and _loopback(environ.get("REMOTE_ADDR", "")) else 404


class MetricsEndpoint:
    """WSGI middleware, outermost: answers ``/metrics``, times everything else."""

    def __init__(self, wsgi_app: Callable[..., Iterable[bytes]], app: Flask) -> None:
        self.wsgi_app, self.app = wsgi_app, app

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Any:
        if environ.get("PATH_INFO") != PATH:
            environ[_START] = time.perf_counter()
            return self.wsgi_app(environ, start_response)
        status = allowed(environ, self.app.config.get("METRICS_TOKEN"))
        method = environ.get("REQUEST_METHOD", "GET")
        if status == 200 and method not in ("GET", "HEAD"):
            status = 405
        headers = [("Cache-Control", "no-store")]
        if status == 200:
            body, kind = exposition(self.app), CONTENT_TYPE_LATEST
        else:
            body, kind = f"{_REASONS[status]}\n".encode(), "text/plain; charset=utf-8"
        if status == 405:
            headers.append(("Allow", "GET, HEAD"))
        headers += [("Content-Type", kind), ("Content-Length", str(len(body)))]
        start_response(f"{status} {_REASONS[status]}", headers)
        return [b""] if method == "HEAD" else [body]


def init_app(app: Flask) -> None:
    """Call last in the factory: the middleware must see the peer's own address."""
    app.config.setdefault("METRICS_TOKEN", None)
    _listen_to_sessions()
    app.after_request(_record_request)
    app.wsgi_app = MetricsEndpoint(app.wsgi_app, app)  # type: ignore[method-assign]
