"""The sidecar knows which posts exist, and notices changes without a restart."""

from __future__ import annotations

import logging

import pytest

from sidecar.services.checkout import CheckoutCatalog as PostCatalog
from tests.conftest import Project


@pytest.fixture
def catalog(blog: Project) -> PostCatalog:
    return PostCatalog(blog.root, interval=0)


def test_only_published_posts_exist(catalog: PostCatalog) -> None:
    assert catalog.post("hello") is not None
    assert catalog.post("draft") is None
    assert catalog.post("later") is None
    assert catalog.post("../hello") is None


def test_a_new_post_is_picked_up_without_a_restart(catalog: PostCatalog, blog: Project) -> None:
    assert catalog.post("fresh") is None
    blog.post(title="Fresh", slug="fresh")
    assert catalog.post("fresh") is not None


def test_a_published_draft_appears_and_a_deleted_post_disappears(
    catalog: PostCatalog, blog: Project
) -> None:
    draft = next(p for p in blog.posts.glob("*.md") if "draft: true" in p.read_text())
    draft.write_text(draft.read_text().replace("draft: true\n", ""))
    assert catalog.post("draft") is not None
    hello = next(p for p in blog.posts.glob("*.md") if "slug: hello" in p.read_text())
    hello.unlink()
    assert catalog.post("hello") is None


def test_a_broken_post_is_left_out_and_logged(
    catalog: PostCatalog, blog: Project, caplog: pytest.LogCaptureFixture
) -> None:
    blog.raw_post("2026-03-01-broken.md", "---\ntitle: [unclosed\n---\nbody\n")
    with caplog.at_level(logging.WARNING, logger="sidecar.services.catalog"):
        assert catalog.post("hello") is not None
    assert "2026-03-01-broken.md:2" in caplog.text


def test_post_urls_follow_the_sites_base_url(catalog: PostCatalog) -> None:
    post = catalog.post("hello")
    assert post is not None
    assert catalog.url(post) == "https://blog.example.test/posts/hello/"
