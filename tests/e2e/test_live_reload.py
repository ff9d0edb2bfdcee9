"""An author's loop in a real browser: save, and the open tab shows it."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import Project
from tests.e2e.conftest import ARTIFACTS, running_dev_server


def _edit(path: Path, old: str, new: str) -> None:
    path.write_text(path.read_text().replace(old, new))


@pytest.fixture
def blog(project: Project) -> Project:
    project.post(
        title="Hello there", slug="hello", tags=["python"], body="The first version of this post.\n"
    )
    project.page("about")
    return project


@pytest.fixture
def dev_url(blog: Project, tmp_path: Path) -> Iterator[str]:
    with running_dev_server(blog.root, tmp_path / "dev.log") as url:
        yield url


def test_open_tab_reloads_after_a_save_and_shows_build_errors(
    blog: Project, dev_url: str, browser: object
) -> None:
    post = next(blog.posts.glob("*.md"))
    context = browser.new_context()  # type: ignore[attr-defined]
    page = context.new_page()
    try:
        page.goto(f"{dev_url}/posts/hello/")
        assert page.locator("h1").inner_text() == "Hello there"

        _edit(post, "The first version", "A second version")
        page.wait_for_selector("text=A second version of this post.", timeout=10_000)

        _edit(post, "title: Hello there", "title: [unclosed")
        overlay = page.wait_for_selector("#frostpress-errors", timeout=10_000)
        assert f"{post.name}:2:" in overlay.inner_text()
        assert "A second version" in page.content()  # the last good page stays

        _edit(post, "title: [unclosed", "title: Hello again")
        page.wait_for_function(
            "document.querySelector('h1').innerText === 'Hello again'", timeout=10_000
        )
        assert page.locator("#frostpress-errors").count() == 0
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "live-reload-post.png"), full_page=True)
    finally:
        context.close()


def test_pages_read_fine_with_javascript_off(blog: Project, dev_url: str, browser: object) -> None:
    context = browser.new_context(java_script_enabled=False)  # type: ignore[attr-defined]
    page = context.new_page()
    try:
        page.goto(f"{dev_url}/")
        page.click("text=Hello there")
        assert page.locator("h1").inner_text() == "Hello there"
        page.click("text=#python")
        assert "Posts tagged #python" in page.locator("h1").inner_text()
    finally:
        context.close()
