"""Every route of the site app, through the Flask test client."""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser

import pytest
from flask.testing import FlaskClient

from tests.conftest import BASE_URL, REPO, Project

HELLO_BODY = """Intro paragraph of the hello post.

## First part

Some text.

## Second part

More text, and a [link to the about page](/about/).
"""
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


class Head(HTMLParser):
    """Collects what a reader's browser (and a link preview) looks at."""

    def __init__(self, text: str) -> None:
        super().__init__()
        self.meta: dict[str, str] = {}
        self.links: dict[str, str] = {}
        self.anchors: list[tuple[dict[str, str], str]] = []
        self.images: list[dict[str, str]] = []
        self.ids: set[str] = set()
        self.json_ld: list[str] = []
        self._in_ld = False
        self._anchor: dict[str, str] | None = None
        self._text = ""
        self.feed(text)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if "id" in a:
            self.ids.add(a["id"])
        if tag == "meta" and "content" in a:
            self.meta[a.get("property") or a.get("name") or a.get("http-equiv", "")] = a["content"]
        elif tag == "link" and "rel" in a:
            self.links.setdefault(a["rel"], a.get("href", ""))
        elif tag == "img":
            self.images.append(a)
        elif tag == "a":
            self._anchor, self._text = a, ""
        elif tag == "script" and a.get("type") == "application/ld+json":
            self._in_ld = True
            self.json_ld.append("")

    def handle_endtag(self, tag: str) -> None:
        if tag == "a" and self._anchor is not None:
            self.anchors.append((self._anchor, self._text.strip()))
            self._anchor = None
        elif tag == "script":
            self._in_ld = False

    def handle_data(self, data: str) -> None:
        if self._in_ld:
            self.json_ld[-1] += data
        if self._anchor is not None:
            self._text += data

    def hrefs(self) -> list[str]:
        return [a.get("href", "") for a, _ in self.anchors]


@pytest.fixture
def blog(project: Project) -> Project:
    project.add_media("cover.png", PNG)
    project.page("about", body="About this blog.\n")
    project.post(
        "2026-03-01-hello.md",
        HELLO_BODY,
        title="Hello, world",
        date="2026-03-01 10:00:00",
        tags=["python", "web"],
        category="Engineering",
        aliases=["/2019/05/old-hello/", "/hello-old/"],
        cover="/media/cover.png",
        cover_alt="A frosty window",
    )
    project.post(
        "2026-04-01-newest.md",
        title="Newest post",
        date="2026-04-01 10:00:00",
        tags=["web"],
        category="Notes",
    )
    for n in range(1, 7):
        project.post(
            f"2026-02-0{n}-older-{n}.md",
            title=f"Older {n}",
            date=f"2026-02-0{n} 09:00:00",
            tags=["python"],
            category="Engineering",
        )
    project.post(
        "2026-03-05-secret.md",
        title="Secret plans",
        date="2026-03-05 10:00:00",
        tags=["python"],
        draft=True,
    )
    project.post(
        "2027-01-01-future.md", title="From the future", date="2027-01-01 09:00:00", tags=["python"]
    )
    return project


@pytest.fixture
def web(blog: Project) -> FlaskClient:
    """Requests as the freezer makes them: against the site's base URL."""
    client = blog.app().test_client()
    plain_open = client.open

    def open_at_base_url(*args, **kwargs):
        kwargs.setdefault("base_url", BASE_URL)
        return plain_open(*args, **kwargs)

    client.open = open_at_base_url  # type: ignore[method-assign]
    return client


def fetch(client: FlaskClient, url: str) -> tuple[int, str | None, bytes]:
    """Status, mimetype and body; the response is closed (media are streamed files)."""
    with client.get(url) as response:
        return response.status_code, response.mimetype, response.get_data()


def html_of(client: FlaskClient, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, url
    assert response.mimetype == "text/html", url
    assert response.mimetype_params.get("charset") == "utf-8"
    return response.get_data(as_text=True)


@pytest.mark.parametrize(
    "url, mimetype",
    [
        ("/", "text/html"),
        ("/page/2/", "text/html"),
        ("/posts/hello/", "text/html"),
        ("/tags/", "text/html"),
        ("/tags/python/", "text/html"),
        ("/tags/python/page/2/", "text/html"),
        ("/categories/", "text/html"),
        ("/categories/engineering/", "text/html"),
        ("/archive/", "text/html"),
        ("/about/", "text/html"),
        ("/404.html", "text/html"),
        ("/2019/05/old-hello/", "text/html"),
        ("/hello-old/", "text/html"),
        ("/feed.xml", "application/xml"),
        ("/rss.xml", "application/xml"),
        ("/tags/python/feed.xml", "application/xml"),
        ("/sitemap.xml", "application/xml"),
        ("/robots.txt", "text/plain"),
        ("/_redirects", "text/plain"),
        ("/media/cover.png", "image/png"),
    ],
)
def test_every_route_answers_with_its_content_type(
    web: FlaskClient, url: str, mimetype: str
) -> None:
    assert fetch(web, url)[:2] == (200, mimetype)


@pytest.mark.parametrize(
    "url",
    [
        "/posts/nope/",
        "/posts/secret/",
        "/posts/future/",
        "/tags/nope/",
        "/tags/nope/feed.xml",
        "/tags/python/page/3/",
        "/tags/future/",
        "/categories/nope/",
        "/page/3/",
        "/page/0/",
        "/nope/",
        "/2019/05/nope/",
        "/static/css/site.css",
        "/media/missing.png",
        "/media/../site/site.toml",
    ],
)
def test_unknown_urls_are_404(web: FlaskClient, url: str) -> None:
    assert fetch(web, url)[0] == 404


def test_front_page_and_pagination(web: FlaskClient) -> None:
    first, second = Head(html_of(web, "/")), Head(html_of(web, "/page/2/"))
    cards = [(a["href"], t) for a, t in first.anchors if a.get("href", "").startswith("/posts/")]
    titles = [text for href, text in cards if "#" not in href]
    assert titles[:2] == ["Newest post", "Hello, world"]
    assert len(set(titles)) == 5
    # Each card links to its post's comments (the widget fills in the count).
    assert [href for href, text in cards if text == "Comments"] == [
        href + "#comments" for href, text in cards if "#" not in href
    ]
    assert ("/page/2/", "Older →") in [(a.get("href"), t) for a, t in first.anchors]
    older = {
        t
        for a, t in second.anchors
        if a.get("href", "").startswith("/posts/") and "#" not in a["href"]
    }
    assert older == {"Older 1", "Older 2", "Older 3"}
    assert "/" in [a.get("href") for a, t in second.anchors if a.get("rel") == "prev"]
    assert "Secret plans" not in html_of(web, "/") + html_of(web, "/page/2/")
    assert "From the future" not in html_of(web, "/") + html_of(web, "/page/2/")


def test_post_page_shows_what_a_reader_notices(web: FlaskClient) -> None:
    text = html_of(web, "/posts/hello/")
    page = Head(text)
    assert "<h1>Hello, world</h1>" in text
    assert "1 March 2026" in text and "1 min read" in text
    hrefs = page.hrefs()
    assert {"/tags/python/", "/tags/web/", "/categories/engineering/"} <= set(hrefs)
    nav = {a.get("rel"): (a.get("href"), t) for a, t in page.anchors if a.get("rel")}
    assert nav["next"] == ("/posts/newest/", "Newest post")
    assert nav["prev"] == ("/posts/older-6/", "Older 6")
    related = re.search(r'<aside class="related".*?</aside>', text, re.S)
    assert related is not None
    assert re.findall(r'href="(/posts/[^"]+)"', related.group()) == [
        "/posts/newest/",
        "/posts/older-6/",
        "/posts/older-5/",
    ]
    assert {"#first-part", "#second-part"} <= set(hrefs)
    assert {"first-part", "second-part"} <= page.ids
    assert {"src": "/media/cover.png", "alt": "A frosty window"} in page.images


def test_post_page_link_previews_and_structured_data(web: FlaskClient) -> None:
    page = Head(html_of(web, "/posts/hello/"))
    url = BASE_URL + "posts/hello/"
    assert page.links["canonical"] == url
    assert page.meta["og:url"] == url
    assert page.meta["og:type"] == "article"
    assert page.meta["og:title"] == page.meta["twitter:title"] == "Hello, world"
    assert page.meta["og:description"] == "Intro paragraph of the hello post."
    assert page.meta["og:image"] == page.meta["twitter:image"] == BASE_URL + "media/cover.png"
    assert page.meta["og:image:alt"] == "A frosty window"
    assert page.meta["twitter:card"] == "summary_large_image"
    assert page.meta["article:published_time"] == "2026-03-01T10:00:00+00:00"
    [raw] = page.json_ld
    data = json.loads(raw)
    assert data["@type"] == "BlogPosting"
    assert data["headline"] == "Hello, world"
    assert data["datePublished"] == "2026-03-01T10:00:00+00:00"
    assert data["url"] == url and data["image"] == BASE_URL + "media/cover.png"


def test_absolute_urls_come_from_base_url_not_the_request_host(blog: Project) -> None:
    """A page must not depend on who asks: canonical URLs always use base_url."""
    client = blog.app().test_client()
    page = Head(html_of(client, "/posts/hello/"))
    assert page.links["canonical"] == BASE_URL + "posts/hello/"
    assert json.loads(page.json_ld[0])["url"] == BASE_URL + "posts/hello/"
    assert page.meta["og:image"] == BASE_URL + "media/cover.png"


def test_tag_category_archive_and_page(web: FlaskClient) -> None:
    tags = Head(html_of(web, "/tags/"))
    assert {"/tags/python/", "/tags/web/"} <= set(tags.hrefs())
    assert "/tags/future/" not in tags.hrefs()
    python = html_of(web, "/tags/python/")
    assert "Posts tagged #python" in python and "7 posts" in python
    assert "/tags/python/page/2/" in Head(python).hrefs()
    assert "/tags/python/feed.xml" in Head(python).hrefs()
    assert "Older 1" in html_of(web, "/tags/python/page/2/")
    assert "/categories/notes/" in Head(html_of(web, "/categories/")).hrefs()
    engineering = html_of(web, "/categories/engineering/")
    assert "Hello, world" in engineering and "Newest post" not in engineering
    archive = html_of(web, "/archive/")
    assert archive.index("Newest post") < archive.index("Hello, world") < archive.index("Older 1")
    assert "Secret plans" not in archive and "From the future" not in archive
    about = Head(html_of(web, "/about/"))
    assert about.links["canonical"] == BASE_URL + "about/"
    assert "Page not found" in html_of(web, "/404.html")


def test_feeds_robots_and_redirects(web: FlaskClient) -> None:
    atom = web.get("/feed.xml").get_data(as_text=True)
    assert f"<id>{BASE_URL}posts/hello/</id>" in atom
    assert "Secret plans" not in atom and "From the future" not in atom
    assert atom.count("<entry>") == 8
    assert web.get("/rss.xml").get_data(as_text=True).count("<item>") == 8
    tag_feed = web.get("/tags/web/feed.xml").get_data(as_text=True)
    assert tag_feed.count("<entry>") == 2 and "#web" in tag_feed
    sitemap = web.get("/sitemap.xml").get_data(as_text=True)
    assert f"<loc>{BASE_URL}posts/hello/</loc>" in sitemap
    assert f"<loc>{BASE_URL}about/</loc>" in sitemap
    assert "posts/secret/" not in sitemap
    robots = web.get("/robots.txt").get_data(as_text=True)
    assert f"Sitemap: {BASE_URL}sitemap.xml" in robots
    assert web.get("/_redirects").get_data(as_text=True) == (
        "/2019/05/old-hello/ /posts/hello/ 301!\n/hello-old/ /posts/hello/ 301!\n"
    )


@pytest.mark.parametrize("alias", ["/2019/05/old-hello/", "/hello-old/"])
def test_alias_is_a_redirect_page_to_the_absolute_post_url(web: FlaskClient, alias: str) -> None:
    page = Head(html_of(web, alias))
    target = BASE_URL + "posts/hello/"
    assert page.links["canonical"] == target
    assert page.meta["refresh"] == f"0; url={target}"
    assert page.meta["robots"] == "noindex"
    assert target in page.hrefs()


def test_alias_ending_in_html_is_a_redirect_page(project: Project) -> None:
    project.post(title="Hello", slug="hello", aliases=["/old.html"])
    response = project.app().test_client().get("/old.html", base_url=BASE_URL)
    assert response.status_code == 200
    assert Head(response.get_data(as_text=True)).links["canonical"] == BASE_URL + "posts/hello/"


def test_fingerprinted_static_assets_and_media(web: FlaskClient) -> None:
    page = Head(html_of(web, "/"))
    sheets = [a for a in re.findall(r'href="(/static/[^"]+)"', html_of(web, "/"))]
    site_css = next(s for s in sheets if re.fullmatch(r"/static/css/site\.[0-9a-f]{10}\.css", s))
    css = (REPO / "site/static/css/site.css").read_bytes()
    assert fetch(web, site_css) == (200, "text/css", css)
    pygments = next(s for s in sheets if "/pygments." in s)
    status, mimetype, body = fetch(web, pygments)
    assert (status, mimetype) == (200, "text/css") and b".highlight" in body
    assert fetch(web, "/media/cover.png") == (200, "image/png", PNG)
    assert page.links["stylesheet"] == site_css


def test_drafts_are_shown_marked_only_when_asked(blog: Project) -> None:
    client = blog.app(drafts=True).test_client()
    text = html_of(client, "/posts/secret/")
    assert "Secret plans" in text and "Draft" in text and "is-draft" in text
    front = html_of(client, "/")
    card = re.search(r'<article class="card is-draft">.*?</article>', front, re.S)
    assert card is not None and "Secret plans" in card.group() and "Draft" in card.group()
    published = html_of(client, "/posts/hello/")
    assert "draft-note" not in published and "is-draft" not in published
    plain = blog.app().test_client()
    assert "Draft" not in html_of(plain, "/") and "is-draft" not in html_of(plain, "/")


def test_every_get_endpoint_is_frozen(blog: Project) -> None:
    specs = blog.builder().prepare().specs
    endpoints = {
        rule.endpoint for rule in blog.app().url_map.iter_rules() if "GET" in (rule.methods or ())
    }
    frozen = {spec.endpoint for spec in specs}
    assert endpoints - frozen == set()
    blog.build()
    for spec in specs:
        relpath = spec.url + "index.html" if spec.url.endswith("/") else spec.url
        assert (blog.output / relpath.lstrip("/")).is_file(), spec.url
    assert (blog.output / "tags/python/page/2/index.html").is_file()
    assert (blog.output / "2019/05/old-hello/index.html").is_file()


def test_post_path_matches_the_post_route(project: Project) -> None:
    from flask import url_for

    from frostpress.web.views import post_path

    project.post(title="Hello", slug="hello")
    app = project.app()
    with app.test_request_context():
        assert url_for("blog.post", slug="hello") == post_path("hello") == "/posts/hello/"
