"""The example site, built: every link resolves, feeds and the sitemap are well formed."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import datetime
from email.utils import parsedate_to_datetime
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

import pytest

from frostpress.build.builder import Builder
from frostpress.config import SiteConfig
from tests.conftest import NOW

ATOM = "{http://www.w3.org/2005/Atom}"
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
LINK_ATTRS = {"href", "src"}
# Answered by the sidecar (proxied by the CDN), not by files in build/.
SIDECAR_PATHS = ("/api/", "/auth/", "/comments/")


class Links(HTMLParser):
    """Every link-like attribute of a page, and every id on it."""

    def __init__(self) -> None:
        super().__init__()
        self.urls: list[tuple[str, str]] = []  # (tag, url)
        self.ids: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {k: v for k, v in attrs if v is not None}
        if "id" in values:
            self.ids.add(values["id"])
        if tag == "a" and "name" in values:
            self.ids.add(values["name"])
        for name in LINK_ATTRS & values.keys():
            self.urls.append((tag, values[name]))
        if tag == "meta" and values.get("http-equiv", "").lower() == "refresh":
            _delay, _, target = values.get("content", "").partition("url=")
            if target:
                self.urls.append((tag, target.strip()))


@pytest.fixture
def site(example_config: SiteConfig) -> SiteConfig:
    Builder(example_config, workers=1, now=lambda: NOW).build()
    return example_config


def page_url(out: Path, path: Path) -> str:
    """The URL a frozen file is served at (``a/index.html`` → ``/a/``)."""
    rel = path.relative_to(out).as_posix()
    return "/" + (rel[: -len("index.html")] if rel.endswith("index.html") else rel)


def file_for(out: Path, path: str) -> Path | None:
    """The file in build/ a static host serves for a URL path, if any."""
    path = unquote(path)
    candidate = out / (path.lstrip("/") + ("index.html" if path.endswith("/") else ""))
    resolved = candidate.resolve()
    if not resolved.is_relative_to(out.resolve()) or not resolved.is_file():
        return None
    return resolved


def parse(path: Path) -> Links:
    links = Links()
    links.feed(path.read_text(encoding="utf-8"))
    links.close()
    return links


def test_every_internal_link_resolves(site: SiteConfig) -> None:
    out, base = site.output_dir, site.base_url
    pages = sorted(out.rglob("*.html"))
    assert len(pages) > 30
    parsed = {path.resolve(): parse(path) for path in pages}
    broken: list[str] = []
    checked = 0
    for path, links in parsed.items():
        here = page_url(out.resolve(), path)
        for tag, url in links.urls:
            if url.startswith(base):
                url = "/" + url[len(base) :]
            parts = urlsplit(url)
            if parts.scheme or parts.netloc:
                continue  # another site, mailto:, data:
            if parts.path.startswith(SIDECAR_PATHS):
                continue
            if not parts.path:
                if parts.fragment and parts.fragment not in links.ids:
                    broken.append(f"{here}: <{tag}> #{parts.fragment} has no element")
                checked += 1
                continue
            target = file_for(out, urljoin(here, parts.path))
            checked += 1
            if target is None:
                broken.append(f"{here}: <{tag}> {url} points nowhere")
            elif parts.fragment and target.suffix == ".html":
                ids = parsed[target].ids if target in parsed else parse(target).ids
                if parts.fragment not in ids:
                    broken.append(f"{here}: <{tag}> {url}: no id {parts.fragment!r} there")
    assert checked > 500
    assert broken == []


def test_fragment_links_in_posts_match_heading_ids(site: SiteConfig) -> None:
    """Tables of contents and footnotes point at elements of their own page."""
    out = site.output_dir
    fragments = 0
    for path in sorted((out / "posts").rglob("index.html")):
        links = parse(path)
        for _tag, url in links.urls:
            if url.startswith("#") and len(url) > 1:
                fragments += 1
                assert url[1:] in links.ids, f"{path}: {url}"
    assert fragments > 10


def text_of(element: ET.Element, path: str) -> str:
    found = element.find(path)
    assert found is not None, f"no {path} in <{element.tag}>"
    assert found.text and found.text.strip(), f"empty {path}"
    return found.text.strip()


def assert_maps_to_file(site: SiteConfig, url: str) -> None:
    assert url.startswith(site.base_url), url
    path = "/" + url[len(site.base_url) :]
    assert file_for(site.output_dir, path) is not None, url


def check_atom(site: SiteConfig, path: Path) -> int:
    root = ET.parse(path).getroot()
    assert root.tag == f"{ATOM}feed"
    text_of(root, f"{ATOM}title")
    assert text_of(root, f"{ATOM}id").startswith(site.base_url)
    datetime.fromisoformat(text_of(root, f"{ATOM}updated"))
    entries = root.findall(f"{ATOM}entry")
    assert entries, path
    for entry in entries:
        text_of(entry, f"{ATOM}title")
        link = entry.find(f"{ATOM}link")
        assert link is not None
        assert_maps_to_file(site, link.attrib["href"])
        assert text_of(entry, f"{ATOM}id") == link.attrib["href"]
        datetime.fromisoformat(text_of(entry, f"{ATOM}updated"))
        content = entry.find(f"{ATOM}content")
        assert content is not None and content.attrib.get("type") == "html"
        assert content.text and "<p>" in content.text
    return len(entries)


def test_atom_feeds(site: SiteConfig) -> None:
    out = site.output_dir
    assert check_atom(site, out / "feed.xml") >= 5
    tag_feeds = sorted((out / "tags").glob("*/feed.xml"))
    assert tag_feeds
    for path in tag_feeds:
        check_atom(site, path)


def test_rss_feed(site: SiteConfig) -> None:
    root = ET.parse(site.output_dir / "rss.xml").getroot()
    assert root.tag == "rss" and root.attrib["version"] == "2.0"
    channel = root.find("channel")
    assert channel is not None
    text_of(channel, "title")
    assert text_of(channel, "link") == site.base_url
    items = channel.findall("item")
    assert len(items) >= 5
    dates = []
    for item in items:
        text_of(item, "title")
        link = text_of(item, "link")
        assert_maps_to_file(site, link)
        assert text_of(item, "guid") == link
        dates.append(parsedate_to_datetime(text_of(item, "pubDate")))
    assert dates == sorted(dates, reverse=True)
    assert all(date <= NOW for date in dates)


def test_sitemap(site: SiteConfig) -> None:
    root = ET.parse(site.output_dir / "sitemap.xml").getroot()
    assert root.tag == f"{SITEMAP}urlset"
    locs = [text_of(url, f"{SITEMAP}loc") for url in root.findall(f"{SITEMAP}url")]
    assert len(locs) == len(set(locs)) > 10
    for loc in locs:
        assert_maps_to_file(site, loc)
    assert site.base_url + "posts/building-a-static-blog/" in locs
    assert site.base_url + "about/" in locs
    assert not any("deploying-with-a-git-hook" in loc or "2031" in loc for loc in locs)


def test_redirects_map_every_alias_to_a_post(site: SiteConfig) -> None:
    out = site.output_dir
    lines = (out / "_redirects").read_text(encoding="utf-8").splitlines()
    assert lines
    for line in lines:
        old, new, status = line.split()
        assert status == "301!"
        assert old.startswith("/") and new.startswith("/posts/") and new.endswith("/")
        assert file_for(out, new) is not None, line
        redirect_page = file_for(out, old)
        assert redirect_page is not None, line
        assert f'url={site.base_url}{new[1:]}"' in redirect_page.read_text(encoding="utf-8")
    assert any(line.startswith("/2019/03/old-permalink/ ") for line in lines)
