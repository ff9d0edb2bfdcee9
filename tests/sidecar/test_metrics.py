"""/metrics: what an operator graphs and alerts on, readable only from the host.

The counters belong to the process (several apps in one test process share
them), so each test compares a scrape before with one after.
"""

from __future__ import annotations

import os
import sys
import tomllib
from pathlib import Path
from typing import Any

import pytest
import requests
from flask import Flask
from prometheus_client.parser import text_string_to_metric_families

from sidecar import metrics
from sidecar.extensions import socketio
from tests.conftest import REPO, Project
from tests.processes import running_http_server
from tests.sidecar.conftest import ApiClient, Mailbox, MakeUser

ROOT = Path(__file__).resolve().parents[2]
ORIGIN = "https://blog.example"
TOKEN = "scrape-" + "t" * 40
REGISTER = "api_auth.register"
FOREIGN = {"REMOTE_ADDR": "203.0.113.9"}


@pytest.fixture
def sidecar_config() -> dict[str, Any]:
    return {"SITE_ORIGINS": [ORIGIN], "METRICS_TOKEN": TOKEN}


def scrape(app: Flask) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    response = app.test_client().get("/metrics")
    assert response.status_code == 200
    assert response.mimetype == "text/plain" and "version=" in response.content_type
    return {
        (sample.name, tuple(sorted(sample.labels.items()))): sample.value
        for family in text_string_to_metric_families(response.get_data(as_text=True))
        for sample in family.samples
    }


def value(samples: dict[Any, float], name: str, **labels: str) -> float:
    return samples.get((name, tuple(sorted(labels.items()))), 0.0)


def test_requests_comments_and_rate_limits_are_counted(
    app: Flask, api: ApiClient, make_user: MakeUser
) -> None:
    api.login(make_user())
    before = scrape(app)
    for _ in range(3):
        assert api.get("/api/posts").status_code == 200
    assert api.get("/no/such/page").status_code == 404
    posted = api.post("/api/posts/hello/comments", json={"body": "counted"})
    assert posted.status_code == 201, posted.get_json()
    statuses = [api.post("/api/auth/register", json={}).status_code for _ in range(8)]
    assert 429 in statuses
    after = scrape(app)

    def grew(name: str, **labels: str) -> float:
        return value(after, name, **labels) - value(before, name, **labels)

    assert (
        grew(
            "sidecar_http_requests_total",
            endpoint="api_posts.list_posts",
            method="GET",
            status="200",
        )
        == 3
    )
    assert (
        grew("sidecar_http_requests_total", endpoint="unmatched", method="GET", status="404") == 1
    )
    assert grew("sidecar_http_request_duration_seconds_count", endpoint="api_posts.list_posts") == 3
    assert (
        grew(
            "sidecar_http_request_duration_seconds_bucket",
            endpoint="api_posts.list_posts",
            le="+Inf",
        )
        == 3
    )
    assert grew("sidecar_comments_created_total", status=posted.get_json()["status"]) == 1
    assert grew("sidecar_rate_limited_total", endpoint=REGISTER) == statuses.count(429)


def test_anonymous_reads_answered_from_kept_copies_are_counted_too(app: Flask) -> None:
    """The short path answers most reads of a busy post before Flask runs; they are
    requests of the thread's route all the same, 304s included."""
    reader = app.test_client()
    before = scrape(app)
    first = reader.get("/api/posts/hello/comments")
    assert first.status_code == 200 and first.headers["ETag"]
    assert reader.get("/api/posts/hello/comments").status_code == 200
    again = reader.get(
        "/api/posts/hello/comments", headers={"If-None-Match": first.headers["ETag"]}
    )
    assert again.status_code == 304
    after = scrape(app)

    def grew(name: str, **labels: str) -> float:
        return value(after, name, **labels) - value(before, name, **labels)

    thread = {"endpoint": "api_comments.thread", "method": "GET"}
    assert grew("sidecar_http_requests_total", status="200", **thread) == 2
    assert grew("sidecar_http_requests_total", status="304", **thread) == 1
    assert grew("sidecar_http_request_duration_seconds_count", endpoint=thread["endpoint"]) == 3
    assert grew("sidecar_readcache_hits_total", cache="replay") == 2


def test_read_caches_report_hits_and_misses(app: Flask) -> None:
    before = scrape(app)
    metrics.cache_hit("thread")
    metrics.cache_hit("thread")
    metrics.cache_miss("thread")
    after = scrape(app)
    hits = value(after, "sidecar_readcache_hits_total", cache="thread")
    misses = value(after, "sidecar_readcache_misses_total", cache="thread")
    assert hits - value(before, "sidecar_readcache_hits_total", cache="thread") == 2
    assert misses - value(before, "sidecar_readcache_misses_total", cache="thread") == 1


def test_scrape_time_gauges_show_the_outbox_and_live_sockets(
    app: Flask, api: ApiClient, mail: Mailbox
) -> None:
    registered = api.post(
        "/api/auth/register",
        json={"email": "bo@example.test", "username": "bobby", "password": "a long password"},
    )
    assert registered.status_code == 201, registered.get_json()
    live = socketio.test_client(app, headers={"Origin": ORIGIN})
    assert live.is_connected()
    try:
        samples = scrape(app)
        assert value(samples, "sidecar_outbox_depth") == mail.queued() >= 1
        assert value(samples, "sidecar_live_sockets") == 1
        assert value(samples, "sidecar_schema_current") == 1
    finally:
        live.disconnect()
    assert value(scrape(app), "sidecar_live_sockets") == 0


@pytest.mark.parametrize(
    ("environ", "headers", "status"),
    [
        (FOREIGN, {}, 404),  # another machine, no token
        ({}, {"X-Forwarded-For": "203.0.113.9"}, 404),  # through nginx or the CDN
        ({}, {"Forwarded": "for=203.0.113.9"}, 404),
        (FOREIGN, {"Authorization": "Bearer wrong"}, 403),
        (FOREIGN, {"Authorization": f"Basic {TOKEN}"}, 403),
        (FOREIGN, {"Authorization": f"Bearer {TOKEN}"}, 200),
        ({}, {}, 200),  # a scraper on the host, straight to the process
    ],
)
def test_only_the_host_or_the_token_may_read_metrics(
    app: Flask, environ: dict[str, str], headers: dict[str, str], status: int
) -> None:
    response = app.test_client().get("/metrics", environ_base=environ, headers=headers)
    assert response.status_code == status
    if status != 200:
        assert b"sidecar_" not in response.get_data()


def test_metrics_are_read_not_written(app: Flask) -> None:
    client = app.test_client()
    refused = client.post("/metrics")
    assert refused.status_code == 405 and refused.headers["Allow"] == "GET, HEAD"
    assert client.post("/metrics", environ_base=FOREIGN).status_code == 404  # still hidden
    head = client.head("/metrics")
    assert head.status_code == 200 and head.get_data() == b""


def test_metrics_without_a_token_configured_refuse_every_bearer(
    app: Flask,
) -> None:
    app.config["METRICS_TOKEN"] = None
    for given in ("Bearer ", "Bearer None"):
        response = app.test_client().get("/metrics", headers={"Authorization": given})
        assert response.status_code == 403


def test_the_cdn_proxies_no_path_to_metrics() -> None:
    rules = tomllib.loads((ROOT / "netlify.toml").read_text())["redirects"]
    proxied = [rule["from"] for rule in rules if str(rule.get("to", "")).startswith("http")]
    assert proxied, "netlify.toml proxies the sidecar's paths"
    for pattern in proxied:
        prefix = pattern.removesuffix("*")
        assert not "/metrics".startswith(prefix.rstrip("/") + "/"), pattern
        assert pattern != "/metrics"


def test_the_workers_of_one_gunicorn_add_up_in_the_multiprocess_directory(
    blog: Project, sqlite_database_url: str, tmp_path: Path
) -> None:
    """Each worker counts into PROMETHEUS_MULTIPROC_DIR; whichever answers the
    scrape adds them all up. Through the proxy (a forwarded request) it is hidden."""
    shared = tmp_path / "prometheus"
    shared.mkdir()
    env = {
        **os.environ,
        "SIDECAR_ENV": "testing",
        "SECRET_KEY": "k" * 40,
        "DATABASE_URL": sqlite_database_url,
        "FROSTPRESS_ROOT": str(blog.root),
        "PROMETHEUS_MULTIPROC_DIR": str(shared),
    }
    argv = [
        *(sys.executable, "-m", "gunicorn", "-c", "python:sidecar.gunicorn_config"),
        *("--workers", "2", "--threads", "4", "--bind", "127.0.0.1:{port}"),
        *("--graceful-timeout", "2", "sidecar.wsgi:app"),
    ]
    log = tmp_path / "gunicorn.log"
    with running_http_server(argv, log, ready="/api/health", env=env, cwd=REPO) as served:
        for _ in range(10):
            # A new connection each time, so both workers get some.
            assert requests.get(served.url + "/api/posts", timeout=10).status_code == 200
        counts = set()
        for _ in range(6):
            scraped = requests.get(served.url + "/metrics", timeout=10)
            assert scraped.status_code == 200
            counts.add(
                sum(
                    sample.value
                    for family in text_string_to_metric_families(scraped.text)
                    for sample in family.samples
                    if sample.name == "sidecar_http_requests_total"
                    and sample.labels["endpoint"] == "api_posts.list_posts"
                )
            )
        assert counts == {10.0}
        forwarded = requests.get(
            served.url + "/metrics", headers={"X-Forwarded-For": "203.0.113.9"}, timeout=10
        )
        assert forwarded.status_code == 404
    assert list(shared.iterdir()), "the workers wrote their counts to the shared directory"
