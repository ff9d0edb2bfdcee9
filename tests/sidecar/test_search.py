"""Full-text search on SQLite (FTS5) and PostgreSQL (tsvector + GIN), one behaviour."""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask

from tests.conftest import Project
from tests.sidecar.browser import Browser


@pytest.fixture
def blog(project: Project) -> Project:
    project.post(
        title="Hello there",
        slug="hello",
        tags=["python"],
        body="A first post about gardening in winter, and frost on the glass.\n",
    )
    project.post(
        title="Frost and the garden",
        slug="frost",
        date="2026-02-01 09:00:00",
        tags=["garden"],
        body="Cold mornings. <script>alert(1)</script> Tomatoes wait for spring.\n",
    )
    project.post(
        title="Compilers",
        slug="compilers",
        date="2026-03-01 09:00:00",
        body="Parsing `a < b && c`, lexing and the joy of small languages.\n",
    )
    project.post(title="A draft about frost", slug="draft", draft=True)
    project.post(title="Frost in the future", slug="later", date="2099-01-01 00:00:00")
    return project


def search(app: Flask, q: str, **params: Any) -> list[dict[str, Any]]:
    response = app.test_client().get("/api/search", query_string={"q": q, **params})
    assert response.status_code == 200, response.get_data(as_text=True)
    body = response.get_json()
    assert body["total"] == len(body["items"])
    items: list[dict[str, Any]] = body["items"]
    return items


def test_title_matches_come_first_with_highlighted_snippets(app: Flask) -> None:
    hits = search(app, "frost")
    assert [h["slug"] for h in hits] == ["frost", "hello"]  # title match first
    assert hits[0]["title_match"] is True and hits[1]["title_match"] is False
    assert "<mark>frost</mark>" in hits[1]["snippet_html"].lower()
    assert hits[1]["url"] == "https://blog.example.test/posts/hello/"
    assert hits[1]["tags"] == ["python"]


def test_stemming_prefixes_and_every_word_must_match(app: Flask) -> None:
    assert [h["slug"] for h in search(app, "gardens")] == ["frost", "hello"]  # stemmed
    assert [h["slug"] for h in search(app, "compil")] == ["compilers"]  # as you type
    assert [h["slug"] for h in search(app, "winter garden")] == ["hello"]
    assert search(app, "winter compilers") == []
    assert [h["slug"] for h in search(app, "python")] == ["hello"]  # tags count


def test_drafts_and_future_posts_are_never_found(app: Flask) -> None:
    assert {h["slug"] for h in search(app, "frost")} == {"frost", "hello"}
    assert search(app, "future") == [] and search(app, "draft") == []


@pytest.mark.parametrize(
    "query",
    [
        '"',
        "frost OR",
        "NEAR(frost",
        "title:frost",
        "*",
        "-frost",
        "frost'",
        "a & b | !c",
        "((((",
        "\\",
        "%_",
        "frost\u0301",
        "🙂",
        "SELECT * FROM users;--",
        "x" * 200,
    ],
)
def test_syntax_and_nonsense_never_raise(app: Flask, query: str) -> None:
    search(app, query)  # 200, whatever it finds


def test_snippets_are_escaped_text_with_marks_only(app: Flask) -> None:
    (hit,) = search(app, "tomatoes")
    assert "<script>" not in hit["snippet_html"]
    assert "<mark>" in hit["snippet_html"]
    (code,) = search(app, "lexing")
    # The post's inline code `a < b && c` arrives as escaped text beside the mark.
    assert "<mark>lexing</mark>" in code["snippet_html"]
    assert "a &lt; b &amp;&amp; c" in code["snippet_html"]
    unmarked = code["snippet_html"].replace("<mark>", "").replace("</mark>", "")
    assert "<" not in unmarked


def test_the_index_follows_the_content_without_a_restart(
    app: Flask, blog: Project, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert [h["slug"] for h in search(app, "compilers")] == ["compilers"]
    catalog = app.extensions["sidecar.catalog"]
    monkeypatch.setattr(catalog, "interval", 0.0)  # notice changes at once
    compilers = next(p for p in blog.posts.glob("*.md") if "Compilers" in p.read_text())
    compilers.write_text(
        compilers.read_text().replace("title: Compilers", "title: Compilers\ndraft: true")
    )
    assert search(app, "compilers") == []  # turned into a draft: gone
    glass = blog.post(title="Glasshouse notes", slug="glass", body="Seedlings under glass.\n")
    assert [h["slug"] for h in search(app, "seedlings")] == ["glass"]  # new: found
    glass.unlink()
    assert search(app, "seedlings") == []  # removed: gone


def test_bad_parameters_are_422(app: Flask) -> None:
    client = app.test_client()
    assert client.get("/api/search?q=frost&limit=0").status_code == 422
    assert client.get("/api/search?q=" + "x" * 201).status_code == 422
    assert search(app, "") == []


def test_the_results_page_works_without_javascript(app: Flask, browser: Browser) -> None:
    page = browser.page("/search/results?q=frost")
    links = [a.text for a in page.find("ol", class_="search-results").find_all("a")]
    assert links == ["Frost and the garden", "Hello there"]
    assert "2 posts found" in page.text
    assert page.find("input", name="q").attrs["value"] == "frost"
    assert "posts found" not in browser.page("/search/results").text  # just the form
