"""The dashboard in a real browser: a held comment arrives in the queue live, an
admin approves it, and a reader of the post sees it appear without reloading."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import ARTIFACTS
from tests.e2e.site import (
    PASSWORD,
    TIMEOUT,
    DevServer,
    comment_article,
    confirmed_user,
    create_admin,
    dev_server,
    live,
    make_blog,
    sign_in_in_widget,
)

PERSON = (
    "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/126.0 Safari/537.36"
)


@pytest.fixture(scope="module")
def dev(tmp_path_factory: pytest.TempPathFactory) -> Iterator[DevServer]:
    root = tmp_path_factory.mktemp("admin")
    blog = make_blog(root / "blog")
    with dev_server(blog.root, root / "dev.log", moderation="first", guests="moderated") as server:
        create_admin(blog.root)  # as make dev's banner says
        yield server


def sign_in_as_admin(page: Any, dev: DevServer) -> None:
    page.goto(dev.url + "/admin/queue")  # signed out: sent to the login page
    expect(page).to_have_url(f"{dev.url}/auth/login?next=/admin/queue")
    page.get_by_label("Email or username").fill("admin")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="Moderation queue")).to_be_visible()
    expect(page.locator("body")).to_have_attribute("data-live", "on", timeout=TIMEOUT)


def test_an_admin_approves_a_held_comment_and_readers_see_it_appear(
    dev: DevServer, reader: Any
) -> None:
    admin = reader(dev, "/")
    sign_in_as_admin(admin, dev)
    colleague = reader(dev, "/")  # another moderator with the queue open
    sign_in_as_admin(colleague, dev)

    author = reader(dev)
    name = confirmed_user(author, dev)
    sign_in_in_widget(author, name)
    watcher = reader(dev)
    theirs = live(watcher)
    mine = live(author)
    mine.get_by_label("Your comment").fill("My very first comment, please let it through.")
    mine.get_by_role("button", name="Post comment").click()
    expect(mine.get_by_text("Held for review")).to_be_visible()

    row = admin.locator("#queue-rows tr", has_text="My very first comment")
    expect(row).to_be_visible(timeout=TIMEOUT)  # the queue filled without a reload
    expect(admin.locator("#queue-live")).to_contain_text(f"New comment from {name}")
    expect(comment_article(theirs, "My very first comment")).to_have_count(0)

    theirs_row = colleague.locator("#queue-rows tr", has_text="My very first comment")
    expect(theirs_row).to_be_visible(timeout=TIMEOUT)
    row.get_by_role("button", name="Approve").click()
    expect(admin.locator(".flash")).to_contain_text("Approve: 1 comment.")
    expect(theirs_row).to_have_count(0, timeout=TIMEOUT)  # gone from their queue too
    expect(colleague.locator("#queue-live")).to_contain_text("dealt with by a moderator")
    seen = comment_article(theirs, "My very first comment")
    expect(seen).to_be_visible(timeout=TIMEOUT)  # live, for a reader who never reloaded
    expect(comment_article(mine, "My very first comment").get_by_text("Awaiting")).to_have_count(
        0, timeout=TIMEOUT
    )  # and its author sees it is public now
    admin.goto(dev.url + "/admin/audit")
    expect(admin.locator("table.audit")).to_contain_text("pending → approved on hello")
    assert admin.js_errors == [] and watcher.js_errors == []


def test_a_guest_comment_is_held_approved_and_shown_as_a_guest_s(
    dev: DevServer, reader: Any
) -> None:
    admin = reader(dev, "/")
    sign_in_as_admin(admin, dev)
    guest = reader(dev)
    mine = live(guest)
    watcher = reader(dev)
    theirs = live(watcher)
    expect(mine.get_by_text("Comment as a guest below")).to_be_visible()
    mine.get_by_label("Name").fill("Gwen Guest")
    mine.get_by_label("Website (optional)").fill("https://gwen.example/")
    mine.get_by_label("Your comment").fill("A guest says hello.")
    mine.get_by_role("button", name="Post comment").click()
    posted = comment_article(mine, "A guest says hello.")
    expect(posted.get_by_text("Held for review")).to_be_visible()
    # The browser that wrote it holds its edit token: it may change it for a while.
    posted.get_by_role("button", name="Edit").click()
    mine.get_by_label("Edit your comment").fill("A guest says hello, edited.")
    mine.get_by_role("button", name="Save").click()
    expect(comment_article(mine, "A guest says hello, edited.")).to_be_visible()

    row = admin.locator("#queue-rows tr", has_text="A guest says hello")
    expect(row).to_be_visible(timeout=TIMEOUT)
    expect(row).to_contain_text("Gwen Guest (guest)")
    admin.reload()  # the server's row says why a comment is held, if the spam checks did
    row = admin.locator("#queue-rows tr", has_text="A guest says hello")
    expect(row).to_be_visible()
    expect(row).not_to_contain_text("spam checks")  # the widget sent its form's time
    row.get_by_role("button", name="Approve").click()
    seen = comment_article(theirs, "A guest says hello, edited.")
    expect(seen).to_be_visible(timeout=TIMEOUT)
    expect(seen.locator(".comment-guest-badge")).to_have_text("guest")
    link = seen.get_by_role("link", name="Gwen Guest")
    expect(link).to_have_attribute("href", "https://gwen.example/")
    expect(link).to_have_attribute("rel", "nofollow ugc noopener noreferrer")
    assert not seen.locator("button", has_text="Edit").count()  # not the watcher's to change
    # The name is remembered for the guest's next comment.
    guest.reload()
    expect(live(guest).get_by_label("Name")).to_have_value("Gwen Guest")
    assert guest.js_errors == [] and watcher.js_errors == []


def test_page_views_reach_the_dashboard_charts(dev: DevServer, reader: Any) -> None:
    # Headless Chromium says "HeadlessChrome", which the counter rightly takes for a bot.
    visitor = reader(dev, "/", user_agent=PERSON)
    for path in ("/posts/hello/", "/posts/second/", "/posts/hello/"):
        visitor.goto(dev.url + path)
    visitor.goto(dev.url + "/archive/")  # leaving the last page sends its beacon too
    admin = reader(dev, "/")
    sign_in_as_admin(admin, dev)
    admin.goto(dev.url + "/admin/")
    expect(admin.locator("#c-top-desc")).to_contain_text("Hello there: ")
    expect(admin.locator("#c-top-desc")).to_contain_text("Second post: 1")
    assert admin.locator("svg.chart").count() == 5


def test_a_screenshot_of_the_dashboard(dev: DevServer, reader: Any) -> None:
    admin = reader(dev, "/")
    sign_in_as_admin(admin, dev)
    for page in ("/admin/", "/admin/queue?status=all", "/admin/users", "/admin/audit"):
        admin.goto(dev.url + page)
        expect(admin.locator("h1")).to_be_visible()
    admin.goto(dev.url + "/admin/")
    ARTIFACTS.mkdir(exist_ok=True)
    admin.screenshot(path=str(ARTIFACTS / "admin-dashboard.png"), full_page=True)
    admin.emulate_media(color_scheme="dark")
    admin.screenshot(path=str(ARTIFACTS / "admin-dashboard-dark.png"), full_page=True)
