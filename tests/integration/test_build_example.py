"""The repository's example site builds, and every link in it resolves."""

from __future__ import annotations

from pathlib import Path

from frostpress.build.builder import Builder
from frostpress.config import SiteConfig
from tests.conftest import NOW


def test_example_site_builds_every_kind_of_page(example_config: SiteConfig) -> None:
    report = Builder(example_config, workers=1, now=lambda: NOW).build()
    out = example_config.output_dir
    assert report.pages == report.written > 40
    for relpath in (
        "index.html",
        "posts/building-a-static-blog/index.html",
        "about/index.html",
        "tags/index.html",
        "tags/python/index.html",
        "tags/python/feed.xml",
        "categories/engineering/index.html",
        "archive/index.html",
        "feed.xml",
        "rss.xml",
        "sitemap.xml",
        "robots.txt",
        "404.html",
        "_redirects",
        "media/frost-cover.png",
        "2019/03/old-permalink/index.html",
    ):
        assert (out / relpath).is_file(), relpath
    # Drafts and future posts stay out.
    assert not (out / "posts/deploying-with-a-git-hook").exists()
    assert not (out / "posts/a-letter-to-whoever-reads-this-in-2031").exists()


def test_example_site_rebuild_with_no_change_writes_nothing(example_config: SiteConfig) -> None:
    builder = Builder(example_config, workers=1, now=lambda: NOW)
    builder.build()
    before = {p: p.stat().st_ino for p in Path(example_config.output_dir).rglob("*") if p.is_file()}
    report = Builder(example_config, workers=1, now=lambda: NOW).build()
    assert report.written == 0 and report.markdown_rendered == 0
    after = {p: p.stat().st_ino for p in Path(example_config.output_dir).rglob("*") if p.is_file()}
    assert before == after
