"""Search on the static site: results as you type, and the same without JavaScript."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.e2e.site import TIMEOUT, DevServer, dev_server, make_blog


@pytest.fixture(scope="module")
def dev(tmp_path_factory: pytest.TempPathFactory) -> Iterator[DevServer]:
    root = tmp_path_factory.mktemp("search")
    blog = make_blog(root / "blog")
    with dev_server(blog.root, root / "dev.log", moderation="none") as server:
        yield server


def test_results_appear_as_you_type(dev: DevServer, reader: Any) -> None:
    page = reader(dev, "/")
    page.get_by_role("link", name="Search").click()
    box = page.get_by_label("Search the posts")
    box.press_sequentially("talk", delay=30)  # a prefix of "talking"
    hit = page.locator("#search-results li", has_text="Hello there")
    expect(hit).to_be_visible(timeout=TIMEOUT)
    expect(hit.locator("mark")).to_have_text("talking")
    expect(page.locator("#search-status")).to_have_text("1 post found for “talk”.")
    hit.get_by_role("link", name="Hello there").click()
    expect(page.locator("h1")).to_have_text("Hello there")
    assert page.js_errors == []


def test_without_javascript_the_form_asks_the_sidecars_results_page(
    dev: DevServer, reader: Any
) -> None:
    page = reader(dev, "/search/", java_script_enabled=False)
    page.get_by_label("Search the posts").fill("worth talking")
    page.get_by_role("button", name="Search").click()
    expect(page).to_have_url(f"{dev.url}/search/results?q=worth+talking")
    expect(page.get_by_role("link", name="Hello there")).to_be_visible()
    expect(page.get_by_role("status")).to_contain_text("1 post found")
