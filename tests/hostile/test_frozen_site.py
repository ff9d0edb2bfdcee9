"""Hostile front matter through a frozen site: every page and feed stays inert.

Trust model (README "Security"): ``content/`` is the author's, like the
templates. A post's body and its ``summary`` are Markdown in which the author
may write raw HTML, as in Pelican or Jekyll. Every other field is plain text,
and plain text must come out as text wherever a theme shows it: in element
text, in attributes, in the JSON-LD script, in feeds, and in the sidecar's
pages that name the post.

Each payload becomes one post's title, tag, category, cover text and a custom
field that the theme shows in text and in an attribute. The same site is built
again with harmless text in the same places; every output file of the hostile
build must have no more active elements than its harmless twin, and nothing
unsafe in any attribute.
"""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask

from frostpress.content.slugs import slugify
from frostpress.web.feeds import _NOT_XML  # what a feed cannot hold, dropped
from sidecar.extensions import limiter
from tests.conftest import Project
from tests.hostile.inert import ACTIVE_TAGS, URL_ATTRIBUTES, Parsed, attribute_problems
from tests.hostile.payloads import PAYLOADS
from tests.hostile.report import Report

SHOWS_CUSTOM_FIELDS = (
    '<p class="mood" data-mood="{{ post.meta.get("mood", "") }}">'
    '{{ post.meta.get("mood", "") }}</p>\n'
)


def fields(number: int, hostile: bool) -> dict[str, object]:
    """Post ``number``'s front matter: the payload everywhere, or a harmless twin
    whose tag and category pages land at paths that map one to one."""
    payload = PAYLOADS[number]
    slug = slugify(payload)
    text = payload if hostile else f"Harmless text {number}"
    return {
        "title": text,
        "slug": f"p-{number}",
        "date": f"2020-01-01 {number // 60:02d}:{number % 60:02d}:00",
        "tags": [payload if hostile else f"tag {slug}"],
        "category": payload if hostile else f"cat {slug}",
        "cover": "/media/cover.png",
        "cover_alt": text,
        "mood": text,
    }


def make_site(root: Path, hostile: bool) -> Project:
    project = Project(root)
    templates = project.root / "site" / "templates"
    for name in ("partials/post_card.html", "post.html"):
        path = templates / name
        text = path.read_text()
        anchor = "</article>" if name.startswith("partials") else "</header>"
        path.write_text(text.replace(anchor, SHOWS_CUSTOM_FIELDS + anchor, 1))
    project.add_media("cover.png")
    for number in range(len(PAYLOADS)):
        project.post(f"post-{number}.md", body="A harmless body.\n", **fields(number, hostile))
    project.build()  # raises on any content error
    return project


@pytest.fixture(scope="module")
def builds(tmp_path_factory: pytest.TempPathFactory) -> tuple[Project, Project]:
    root = tmp_path_factory.mktemp("frozen")
    return make_site(root / "hostile", True), make_site(root / "harmless", False)


def twin_path(relpath: str) -> str:
    """The harmless build's file that corresponds to ``relpath`` of the hostile one."""
    return re.sub(r"^(tags|categories)/([^/]+)/", _twin_folder, relpath)


def _twin_folder(match: re.Match[str]) -> str:
    prefix = "tag" if match.group(1) == "tags" else "cat"
    return f"{match.group(1)}/{prefix}-{match.group(2)}/"


def actives(html: str) -> Counter[str]:
    """Active elements by tag and attribute names, counted (a script more is a script more)."""
    return Counter(
        f"<{tag} {sorted(attributes)}>"
        for tag, attributes in Parsed(html).elements
        if tag in ACTIVE_TAGS or set(attributes) & URL_ATTRIBUTES
    )


def html_problems(html: str, twin: str) -> list[str]:
    problems = [
        problem
        for tag, attributes in Parsed(html).elements
        for problem in attribute_problems(tag, attributes, titles=False)
    ]
    added = actives(html) - actives(twin)
    return problems + [
        f"{element} ×{n} more than without the payloads" for element, n in added.items()
    ]


def xml_problems(text: str, twin: str) -> list[str]:
    """A feed or sitemap: well-formed, its titles plain text, its HTML parts inert."""
    try:
        tree, twin_tree = ET.fromstring(text), ET.fromstring(twin)
    except ET.ParseError as error:
        return [f"not well-formed XML: {error}"]
    if len(list(tree.iter())) != len(list(twin_tree.iter())):
        return ["the payloads added or removed XML elements"]
    problems = []
    for element, other in zip(tree.iter(), twin_tree.iter(), strict=True):
        if element.tag != other.tag:
            problems.append(f"element {element.tag} where the twin has {other.tag}")
        is_html = element.get("type") == "html" or element.tag.endswith("description")
        if is_html and element.text and other.text:
            problems += html_problems(element.text, other.text)
    return problems


def test_front_matter_payloads_stay_text_in_every_page_and_feed(
    builds: tuple[Project, Project], hostile: Report
) -> None:
    site, twin = builds
    outputs = [
        path
        for path in sorted(site.output.rglob("*"))
        if path.is_file() and path.suffix in {".html", ".xml", ".json"}
    ]
    assert len(outputs) > 2 * len(PAYLOADS)  # a page per post, tag and category, and more
    found: dict[str, list[str]] = {}
    for path in outputs:
        relpath = path.relative_to(site.output).as_posix()
        text = path.read_text(encoding="utf-8")
        twin_text = twin.read(twin_path(relpath))
        if path.suffix == ".html":
            problems = html_problems(text, twin_text)
        elif path.suffix == ".xml":
            problems = xml_problems(text, twin_text)
        else:
            problems = [] if json.loads(text) is not None else ["empty JSON"]
        if problems:
            found[relpath] = problems
    hostile.add("input", len(outputs), len(found), f"frozen site: {list(found.items())[:3]}")
    assert not found, list(found.items())[:5]


def test_titles_survive_exactly_as_the_author_wrote_them(
    builds: tuple[Project, Project], hostile: Report
) -> None:
    """Inert is not enough: the text is shown, not lost, in the page, its
    JSON-LD and the feed (a title with ``<`` must read ``<``)."""
    site, _twin = builds
    feed = ET.fromstring(site.read("feed.xml"))
    atom = "{http://www.w3.org/2005/Atom}"
    wrong = []
    for number, payload in enumerate(PAYLOADS):
        page = site.read(f"posts/p-{number}/index.html")
        parsed = Parsed(page)
        ld = re.search(r'<script type="application/ld\+json">(.*?)</script>', page, re.S)
        assert ld is not None
        if json.loads(ld.group(1)).get("headline") != payload.strip():
            wrong.append(f"{payload!r}: JSON-LD headline")
        if payload.strip() not in parsed.text:
            wrong.append(f"{payload!r}: not shown as text on its page")
    entries = list(feed.iter(f"{atom}entry"))
    assert entries
    for entry in entries:  # the feed's newest posts, each titled as its post is
        found = re.search(r"/posts/p-(\d+)/", entry.findtext(f"{atom}id") or "")
        assert found is not None
        payload = PAYLOADS[int(found.group(1))]
        if entry.findtext(f"{atom}title") != _NOT_XML.sub("", payload.strip()):
            wrong.append(f"{payload!r}: feed title")
    hostile.add("input", len(PAYLOADS) + len(entries), len(wrong))
    assert not wrong, wrong[:5]


SQLITE = pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)


@pytest.fixture
def sidecar_config() -> Iterator[dict[str, Any]]:
    yield {"RATELIMIT_ENABLED": False}
    limiter.enabled = True  # init_app keeps the last app's setting for the next one


@pytest.fixture
def blog(project: Project) -> Project:
    """The sidecar's view of the hostile site: the same posts, and a harmless one."""
    for number in range(len(PAYLOADS)):
        project.post(f"post-{number}.md", body="A harmless body.\n", **fields(number, True))
    twin = {**fields(0, False), "slug": "harmless"}
    project.post("harmless.md", body="A harmless body.\n", **twin)
    return project


@SQLITE
def test_the_sidecar_names_a_hostile_post_as_text(app: Flask, hostile: Report) -> None:
    client = app.test_client()
    twin = client.get("/comments/harmless").get_data(as_text=True)
    found = {}
    for number, payload in enumerate(PAYLOADS):
        answer = client.get(f"/comments/p-{number}")
        assert answer.status_code == 200, (payload, answer.status_code)
        page = answer.get_data(as_text=True)
        problems = html_problems(page, twin)
        if payload.strip() not in Parsed(page).text:
            problems.append("the title is not shown as text")
        if problems:
            found[payload] = problems
    hostile.add("input", len(PAYLOADS), len(found), f"sidecar thread page: {list(found)[:3]}")
    assert not found, list(found.items())[:5]
