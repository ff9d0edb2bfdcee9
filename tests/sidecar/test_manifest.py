"""A sidecar without a checkout learns the posts from the site's published manifest:
on start, on a schedule (ETag), and when CI says the content changed."""

from __future__ import annotations

import gzip
import logging
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask

from sidecar.config import ConfigurationError, settings_from_env
from sidecar.services.catalog import CatalogUnavailable
from sidecar.services.manifest import ManifestCatalog
from tests.conftest import Project
from tests.sidecar.conftest import error_of, make_app
from tests.sidecar.manifest_server import ManifestSite, serving_manifest

SECRET = "s3cret-for-the-content-hook-0123456789"
HOOK = "/api/site/content-changed"


def manifest_of(project: Project) -> bytes:
    project.build()
    return (project.config().output_dir / "_frostpress" / "posts.json").read_bytes()


def wait_for(condition: Callable[[], bool], seconds: float = 20.0) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.05)
    return condition()


@pytest.fixture
def site(blog: Project) -> Iterator[ManifestSite]:
    """The CDN: the blog built by CI, its manifest served on loopback."""
    with serving_manifest(manifest_of(blog)) as served:
        yield served


@pytest.fixture
def host(tmp_path: Path) -> Project:
    """The sidecar's host: the site's look, and no posts at all in its content/."""
    return Project(tmp_path / "host")


@pytest.fixture
def make_sidecar(
    host: Project, site: ManifestSite, sqlite_database_url: str
) -> Iterator[Callable[..., Flask]]:
    made: list[Flask] = []

    def make(**config: Any) -> Flask:
        settings = {
            "SITE_MANIFEST_URL": site.url,
            "CONTENT_HOOK_SECRET": SECRET,
            "MANIFEST_REFRESH_SECONDS": 0,  # no schedule unless a test asks for one
            **config,
        }
        app = make_app(host, sqlite_database_url, **settings)
        made.append(app)
        return app

    yield make
    for app in made:
        catalog = app.extensions["sidecar.catalog"]
        if isinstance(catalog, ManifestCatalog):
            catalog.close()


def hook(client: Any, secret: str | None = SECRET) -> Any:
    headers = {"Authorization": f"Bearer {secret}"} if secret is not None else {}
    return client.post(HOOK, headers=headers)


def slugs(client: Any) -> list[str]:
    return [p["slug"] for p in client.get("/api/posts").get_json()["items"]]


def test_the_sidecar_knows_the_published_posts_without_a_checkout(
    make_sidecar: Callable[..., Flask],
) -> None:
    client = make_sidecar().test_client()
    assert slugs(client) == ["second", "hello"]
    hello = client.get("/api/posts/hello").get_json()
    assert hello["title"] == "Hello there"
    assert hello["tags"] == ["python"]
    assert hello["url"].endswith("/posts/hello/")
    assert client.get("/api/posts/hello/comments").status_code == 200
    for unpublished in ("draft", "later", "nope"):
        assert client.get(f"/api/posts/{unpublished}").status_code == 404
        assert client.get(f"/api/posts/{unpublished}/comments").status_code == 404


def test_search_finds_posts_by_their_text_from_the_manifest(
    make_sidecar: Callable[..., Flask],
) -> None:
    client = make_sidecar().test_client()
    found = client.get("/api/search?q=paragraph").get_json()
    assert {hit["slug"] for hit in found["items"]} == {"hello", "second"}


def test_a_page_view_counts_only_for_a_page_the_manifest_lists(
    make_sidecar: Callable[..., Flask],
) -> None:
    app = make_sidecar()
    catalog = app.extensions["sidecar.catalog"]
    with app.app_context():
        paths = catalog.page_paths()
    assert "/posts/hello/" in paths
    assert "/tags/python/" in paths
    assert "/posts/draft/" not in paths


def test_after_a_deploy_the_content_hook_makes_a_new_post_commentable(
    make_sidecar: Callable[..., Flask], site: ManifestSite, blog: Project
) -> None:
    client = make_sidecar().test_client()
    assert client.get("/api/posts/fresh").status_code == 404
    blog.post(title="Fresh", slug="fresh", date="2026-03-01 10:00:00")
    site.body = manifest_of(blog)
    answer = hook(client)
    assert answer.status_code == 200
    assert answer.get_json() == {"changed": True, "posts": 3}
    assert client.get("/api/posts/fresh/comments").status_code == 200
    assert hook(client).get_json() == {"changed": False, "posts": 3}


@pytest.mark.parametrize(
    ("secret", "code"),
    [
        (None, "invalid_hook_secret"),
        ("wrong", "invalid_hook_secret"),
        (SECRET[:-1], "invalid_hook_secret"),
    ],
)
def test_the_content_hook_wants_its_secret(
    make_sidecar: Callable[..., Flask], secret: str | None, code: str
) -> None:
    client = make_sidecar().test_client()
    answer = hook(client, secret)
    assert answer.status_code == 401
    assert error_of(answer)["code"] == code


def test_without_a_secret_there_is_no_content_hook(make_sidecar: Callable[..., Flask]) -> None:
    client = make_sidecar(CONTENT_HOOK_SECRET=None).test_client()
    answer = hook(client, "anything")
    assert answer.status_code == 404
    assert error_of(answer)["code"] == "content_hook_off"


def test_the_content_hook_is_rate_limited(make_sidecar: Callable[..., Flask]) -> None:
    client = make_sidecar().test_client()
    answers = [hook(client, "wrong").status_code for _ in range(12)]
    assert answers[:10] == [401] * 10
    assert answers[-1] == 429


def test_a_failed_read_keeps_the_last_good_list_and_the_next_one_recovers(
    make_sidecar: Callable[..., Flask],
    site: ManifestSite,
    blog: Project,
    caplog: pytest.LogCaptureFixture,
) -> None:
    client = make_sidecar().test_client()
    assert slugs(client) == ["second", "hello"]
    site.status = 500
    with caplog.at_level(logging.WARNING, logger="sidecar.services.manifest"):
        answer = hook(client)
    assert answer.status_code == 503
    assert error_of(answer)["code"] == "catalog_unavailable"
    assert answer.headers["Retry-After"]
    assert "keeping the last good list (2 posts)" in caplog.text
    assert slugs(client) == ["second", "hello"]
    health = client.get("/api/health").get_json()
    assert (health["status"], health["checks"]["content"]) == ("degraded", "stale")
    assert client.get("/api/posts/hello/comments").status_code == 200
    blog.post(title="Fresh", slug="fresh", date="2026-03-01 10:00:00")
    site.body, site.status = manifest_of(blog), 200
    assert hook(client).status_code == 200
    assert slugs(client) == ["fresh", "second", "hello"]
    health = client.get("/api/health").get_json()
    assert (health["status"], health["checks"]["content"]) == ("ok", "ok")


def test_the_schedule_picks_up_a_new_post_and_asks_with_its_etag(
    make_sidecar: Callable[..., Flask], site: ManifestSite, blog: Project
) -> None:
    client = make_sidecar(MANIFEST_REFRESH_SECONDS=0.1).test_client()
    assert slugs(client) == ["second", "hello"]
    assert wait_for(lambda: site.not_modified >= 2), "unchanged reads should be 304s"
    assert all(site.requests[1:]), "every read after the first sends If-None-Match"
    blog.post(title="Fresh", slug="fresh", date="2026-03-01 10:00:00")
    site.body = manifest_of(blog)
    assert wait_for(lambda: client.get("/api/posts/fresh").status_code == 200)


def test_a_site_down_at_start_means_no_posts_until_it_answers(
    make_sidecar: Callable[..., Flask], site: ManifestSite
) -> None:
    site.status = 503
    client = make_sidecar(MANIFEST_REFRESH_SECONDS=0.1).test_client()
    assert slugs(client) == []
    assert client.get("/api/posts/hello/comments").status_code == 404
    site.status = 200
    assert wait_for(lambda: client.get("/api/posts/hello").status_code == 200)


# -- what is read, and how much ----------------------------------------------------------
def catalog_for(host: Project, site: ManifestSite, **options: Any) -> ManifestCatalog:
    return ManifestCatalog(host.config(), site.url, interval=0, **options)


def test_a_manifest_larger_than_the_bound_is_refused(
    host: Project, site: ManifestSite, caplog: pytest.LogCaptureFixture
) -> None:
    catalog = catalog_for(host, site, max_bytes=len(site.body) - 1)
    with caplog.at_level(logging.WARNING):
        assert catalog.index().posts == []
    assert f"more than {len(site.body) - 1} bytes" in caplog.text
    site.drip = 0.001  # no Content-Length: counted as it arrives
    with pytest.raises(CatalogUnavailable):
        catalog.refresh()
    assert catalog.last_error == f"it is more than {len(site.body) - 1} bytes"
    assert catalog.index().posts == []


def test_a_site_that_sends_too_slowly_is_given_up_on(host: Project, site: ManifestSite) -> None:
    site.body += b" " * 100_000  # still the same JSON, 100 pieces of 1 KB
    site.drip = 0.2  # 1 KB every 0.2 s: every piece comes in time, the whole never
    catalog = catalog_for(host, site, timeout=0.5)
    assert catalog.index().posts == []
    assert catalog.last_error == "reading it took more than 0.5 s"


@pytest.mark.parametrize(
    ("body", "problem"),
    [
        (b"<html>not json</html>", "not JSON"),
        (b'{"format": "something-else/1"}', "is not a frostpress-posts/1 document"),
        (b"[]", "is not a frostpress-posts/1 document"),
    ],
)
def test_something_that_is_not_a_manifest_keeps_the_last_good_list(
    host: Project, site: ManifestSite, body: bytes, problem: str
) -> None:
    catalog = catalog_for(host, site)
    assert [p.slug for p in catalog.index().posts] == ["second", "hello"]
    site.body = body
    with pytest.raises(CatalogUnavailable, match="could not be read"):
        catalog.refresh()
    assert problem in (catalog.last_error or "")
    assert [p.slug for p in catalog.index().posts] == ["second", "hello"]


def test_a_post_whose_slug_is_not_a_slug_is_refused(host: Project, site: ManifestSite) -> None:
    site.body = site.body.replace(b'"slug": "hello"', b'"slug": "../hello"')
    catalog = catalog_for(host, site)
    assert catalog.index().posts == []
    assert "is not a slug" in (catalog.last_error or "")


@pytest.mark.parametrize(
    ("environ", "message"),
    [
        ({"SITE_MANIFEST_URL": "file:///etc/passwd"}, "SITE_MANIFEST_URL must be the http"),
        ({"SITE_MANIFEST_URL": "https://"}, "SITE_MANIFEST_URL must be the http"),
        ({"CONTENT_HOOK_SECRET": "short"}, "at least 32 random characters"),
    ],
)
def test_settings_that_cannot_work_are_refused_at_start(
    environ: dict[str, str], message: str, tmp_path: Path
) -> None:
    with pytest.raises(ConfigurationError, match=message):
        settings_from_env(environ, tmp_path)


def test_a_compressed_manifest_is_read_and_a_compression_bomb_is_not(
    host: Project, site: ManifestSite
) -> None:
    site.gzip = gzip.compress(site.body)
    catalog = catalog_for(host, site)
    assert [p.slug for p in catalog.index().posts] == ["second", "hello"]
    bomb = site.body.replace(b'"site"', b'"padding": "' + b" " * 5_000_000 + b'", "site"')
    site.body, site.gzip = bomb, gzip.compress(bomb)
    assert len(site.gzip) < 100_000
    small = catalog_for(host, site, max_bytes=1_000_000)
    assert small.index().posts == []
    assert small.last_error == "it unpacks to more than 1000000 bytes"


def test_with_a_checkout_the_content_hook_reads_content_again(
    blog: Project, sqlite_database_url: str
) -> None:
    client = make_app(blog, sqlite_database_url, CONTENT_HOOK_SECRET=SECRET).test_client()
    assert hook(client).get_json() == {"changed": False, "posts": 2}
    blog.post(title="Fresh", slug="fresh")
    assert hook(client).get_json() == {"changed": True, "posts": 3}
