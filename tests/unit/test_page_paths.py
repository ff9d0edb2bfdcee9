"""The site's page paths, as the sidecar's view counter asks for them."""

from __future__ import annotations

from frostpress.web.paths import page_paths
from tests.conftest import Project


def test_every_page_a_reader_lands_on_and_nothing_else(project: Project) -> None:
    project.post(title="Hello", slug="hello", tags=["python"], category="notes")
    project.post(title="Draft", slug="draft", draft=True)
    project.post(title="Old", slug="old", aliases=["/2019/05/old.html"])
    project.page("about")
    paths = page_paths(project.index())
    assert {"/", "/posts/hello/", "/posts/old/", "/about/", "/archive/", "/tags/"} <= paths
    assert {"/tags/python/", "/categories/", "/categories/notes/"} <= paths
    assert "/posts/draft/" not in paths  # unpublished
    assert "/2019/05/old.html" not in paths and "/404.html" not in paths
    assert not any(p.startswith("/static/") or p.endswith(".xml") for p in paths)


def test_paths_carry_the_base_urls_path(project: Project) -> None:
    project.post(title="Hello", slug="hello")
    index = project.index(base_url="https://example.org/blog/")
    assert "/blog/posts/hello/" in page_paths(index) and "/blog/" in page_paths(index)
