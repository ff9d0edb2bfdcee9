"""Comments in a real browser, against ``make dev``'s server (site + sidecar, one origin).

Readers register and confirm by the link that development mail prints to the
log, sign in, comment, and a second browser context sees it without reloading.
"""

from __future__ import annotations

import re
import sqlite3
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import ARTIFACTS
from tests.e2e.site import (
    PASSWORD,
    TIMEOUT,
    DevServer,
    comment_article,
    comments,
    confirmed_user,
    create_admin,
    dev_server,
    live,
    make_blog,
    register_in_widget,
    seed_comments,
    sign_in_in_widget,
)
from tests.processes import running_http_process


@pytest.fixture(scope="module")
def dev(tmp_path_factory: pytest.TempPathFactory) -> Iterator[DevServer]:
    root = tmp_path_factory.mktemp("comments")
    blog = make_blog(root / "blog")
    with dev_server(blog.root, root / "dev.log", moderation="none") as server:
        yield server


def test_a_comment_appears_live_for_another_reader_then_is_edited_and_deleted(
    dev: DevServer, reader: Any
) -> None:
    alice = reader(dev)
    name = register_in_widget(alice, dev)
    bob = reader(dev)
    theirs = live(bob)
    expect(theirs.get_by_text("Sign in to comment")).to_be_visible()
    mine = live(alice)
    expect(mine).to_contain_text("2 readers here now", timeout=TIMEOUT)

    mine.get_by_label("Your comment").fill("Hello *live* world")
    mine.get_by_role("button", name="Preview").click()
    expect(mine.locator(".comment-preview em")).to_have_text("live")
    mine.get_by_role("button", name="Post comment").click()
    expect(comment_article(mine, "Hello live world")).to_be_focused()  # focus follows it
    comment_id = comment_article(mine, "Hello live world").get_attribute("id")
    posted, seen = mine.locator(f"#{comment_id}"), theirs.locator(f"#{comment_id}")
    expect(seen).to_be_visible(timeout=TIMEOUT)  # no reload
    expect(seen.locator(".comment-author")).to_have_text(name)
    expect(
        bob.locator(".comments-announcer[aria-live=polite]", has_text="New comment from")
    ).to_have_count(1)
    assert not seen.locator("button").count()  # nothing to edit in someone else's comment

    posted.get_by_role("button", name="Reply").click()
    mine.get_by_label(f"Reply to {name}").fill("And a reply, threaded.")
    mine.get_by_role("button", name="Post reply").click()
    reply = theirs.locator(".comment-replies article.comment", has_text="And a reply")
    expect(reply).to_be_visible(timeout=TIMEOUT)

    posted.get_by_role("button", name="Edit").click()
    editor = mine.get_by_label("Edit your comment")
    expect(editor).to_have_value("Hello *live* world")  # the Markdown, not the HTML
    editor.fill("Hello **edited** world")
    mine.get_by_role("button", name="Save").click()
    expect(seen.locator("strong", has_text="edited")).to_be_visible(timeout=TIMEOUT)
    expect(seen).to_contain_text("(edited)")

    ARTIFACTS.mkdir(exist_ok=True)
    bob.screenshot(path=str(ARTIFACTS / "post-with-live-thread.png"), full_page=True)
    bob.emulate_media(color_scheme="dark")
    bob.screenshot(path=str(ARTIFACTS / "post-with-live-thread-dark.png"), full_page=True)

    alice.once("dialog", lambda dialog: dialog.accept())
    comment_article(mine, "And a reply").get_by_role("button", name="Delete").click()
    expect(theirs.get_by_text("And a reply")).to_have_count(0, timeout=TIMEOUT)
    alice.once("dialog", lambda dialog: dialog.accept())
    posted.get_by_role("button", name="Delete").click()
    expect(theirs.locator("article.comment")).to_have_count(0, timeout=TIMEOUT)

    bob.reload()  # and the server agrees
    expect(comments(bob).locator("article.comment")).to_have_count(0)
    assert alice.js_errors == [] and bob.js_errors == []


def test_after_a_dropped_connection_or_a_resync_the_widget_catches_up(
    dev: DevServer, reader: Any
) -> None:
    writer = reader(dev, "/posts/second/")
    sign_in_in_widget(writer, confirmed_user(writer, dev))
    mine = live(writer)
    page = reader(dev, "/posts/second/")
    theirs = live(page)
    # Drop the connection as a network blip would, and keep it down for a while.
    page.evaluate(
        """() => {
            const manager = window.frostpressComments.socket.io;
            manager.reconnectionDelay(3000);
            manager.reconnectionDelayMax(3000);
            manager.engine.close();
        }"""
    )
    expect(theirs).to_have_attribute("data-live", "off")
    mine.get_by_label("Your comment").fill("Said while you were away.")
    mine.get_by_role("button", name="Post comment").click()
    expect(comment_article(mine, "Said while you were away.")).to_be_visible()
    assert comment_article(theirs, "Said while you were away.").count() == 0  # missed, for now

    expect(theirs).to_have_attribute("data-live", "on", timeout=TIMEOUT)  # back by itself
    expect(comment_article(theirs, "Said while you were away.")).to_be_visible(timeout=TIMEOUT)
    mine.get_by_label("Your comment").fill("And live again.")
    mine.get_by_role("button", name="Post comment").click()  # the room was re-joined
    expect(comment_article(theirs, "And live again.")).to_be_visible(timeout=TIMEOUT)

    # An event lost before it reaches the reader (the sidecar holding its socket
    # could not hear the others for a while) ...
    page.evaluate("() => window.frostpressComments.socket.off('comment:new')")
    mine.get_by_label("Your comment").fill("Posted while your sidecar was cut off.")
    mine.get_by_role("button", name="Post comment").click()
    expect(comment_article(mine, "Posted while your sidecar was cut off.")).to_be_visible()
    assert comment_article(theirs, "Posted while your sidecar was cut off.").count() == 0
    # ... arrives once that sidecar says "resync", as it does when it hears them again.
    page.evaluate(
        """() => window.frostpressComments.socket.listeners('resync')
            .forEach((handle) => handle({ post: 'second' }))"""
    )
    expect(comment_article(theirs, "Posted while your sidecar was cut off.")).to_be_visible(
        timeout=TIMEOUT
    )


def test_keyboard_alone_signs_in_and_comments(dev: DevServer, reader: Any) -> None:
    page = reader(dev)
    name = confirmed_user(page, dev)
    section = live(page)
    section.get_by_role("button", name="Sign in").focus()
    page.keyboard.press("Enter")
    expect(section.get_by_label("Email or username")).to_be_focused()
    page.keyboard.type(name)
    page.keyboard.press("Tab")
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")
    composer = section.get_by_label("Your comment")
    expect(composer).to_be_focused()  # ready to write after signing in
    page.keyboard.type("Typed without a mouse.")
    page.keyboard.press("Tab")  # past the hint and the preview, to "Email me replies"
    expect(section.get_by_label("Email me replies")).to_be_focused()
    page.keyboard.press("Tab")  # then "Post comment"
    expect(section.get_by_role("button", name="Post comment")).to_be_focused()
    page.keyboard.press("Enter")
    expect(comment_article(section, "Typed without a mouse.")).to_be_focused()
    expect(section.locator(".comments-announcer[aria-live=polite]")).to_have_text(
        "Your comment is posted.", timeout=TIMEOUT
    )


def test_without_javascript_the_section_links_to_the_full_comments_page(
    dev: DevServer, reader: Any
) -> None:
    helper = reader(dev)
    name = confirmed_user(helper, dev)
    page = reader(dev, java_script_enabled=False)
    section = page.locator("#comments")
    link = section.get_by_role("link", name="Read the comments and join the conversation")
    link.click()
    expect(page).to_have_url(f"{dev.url}/comments/hello")
    page.locator("main").get_by_role("link", name="Sign in").click()
    page.get_by_label("Email or username").fill(name)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page).to_have_url(re.compile(r"/comments/hello"))
    page.get_by_label("Your comment").fill("Posted with plain forms.")
    page.get_by_role("button", name="Post comment").click()
    expect(page.locator("article", has_text="Posted with plain forms.")).to_be_visible()

    scripted = reader(dev)  # and a reader with JavaScript sees it in the widget
    expect(comment_article(comments(scripted), "Posted with plain forms.")).to_be_visible(
        timeout=TIMEOUT
    )


def test_signing_out_closes_the_reply_and_edit_forms_so_nothing_offers_a_preview(
    dev: DevServer, reader: Any
) -> None:
    page = reader(dev, "/posts/second/")
    assert dev.root is not None
    sign_in_in_widget(page, create_admin(dev.root, "closer"))  # sign-ups: 5 an hour, all used
    section = live(page)
    section.get_by_label("Your comment").fill("Open forms below me.")
    section.get_by_role("button", name="Post comment").click()
    mine = comment_article(section, "Open forms below me.")
    mine.get_by_role("button", name="Reply").click()
    mine.get_by_role("button", name="Edit").click()
    expect(section.get_by_role("button", name="Preview")).to_have_count(3)  # composer too

    section.get_by_role("button", name="Sign out").click()
    expect(section.get_by_text("Sign in to comment")).to_be_visible()
    expect(section.get_by_role("button", name="Preview")).to_have_count(0)
    expect(section.locator("textarea:visible")).to_have_count(0)
    expect(mine.get_by_text("Open forms below me.")).to_be_visible()  # the body is back
    assert page.js_errors == []


def test_the_widget_finds_its_own_parts_whatever_a_stored_comment_contains(
    dev: DevServer, reader: Any
) -> None:
    page = reader(dev, "/posts/second/")
    assert dev.root is not None
    sign_in_in_widget(page, create_admin(dev.root, "keeper"))
    section = live(page)
    section.get_by_label("Your comment").fill("Rendered before classes were filtered.")
    section.get_by_role("button", name="Post comment").click()
    comment_id = comment_article(section, "Rendered before").get_attribute("id")
    # HTML stored by an older sidecar, whose sanitiser let any short class through.
    with sqlite3.connect(dev.database) as db:
        db.execute(
            "UPDATE comments SET body_html = ? WHERE id = ?",
            (
                '<p class="comment-actions">Rendered before classes were filtered.</p>'
                '<div class="comment-body"><p class="comment-reply">fake</p></div>',
                int(comment_id.split("-")[1]),
            ),
        )
    page.reload()
    article = comments(page).locator(f"#{comment_id}")
    expect(article.locator(":scope > .comment-actions button")).to_have_count(3)
    expect(article.locator(":scope > .comment-body button")).to_have_count(0)

    article.get_by_role("button", name="Reply").click()
    page.get_by_role("button", name="Cancel").click()
    expect(article.locator(":scope > .comment-actions > .comment-reply")).to_be_focused()
    article.get_by_role("button", name="Edit").click()
    expect(article.locator(":scope > .comment-body")).to_be_hidden()
    expect(page.get_by_label("Edit your comment")).to_be_visible()
    assert page.js_errors == []


def test_list_pages_show_comment_counts(dev: DevServer, reader: Any) -> None:
    page = reader(dev)
    name = confirmed_user(page, dev)
    page.goto(dev.url + "/posts/second/")
    sign_in_in_widget(page, name)
    section = comments(page)
    section.get_by_label("Your comment").fill("One for the count.")
    section.get_by_role("button", name="Post comment").click()
    expect(comment_article(section, "One for the count.")).to_be_visible()
    page.goto(dev.url + "/")
    recent = page.locator("[data-recent-comments]")
    expect(recent.get_by_role("link", name=f"{name} on Second post")).to_have_attribute(
        "href", re.compile(r"/posts/second/#comment-\d+$")
    )
    expect(recent).to_contain_text("One for the count.")
    counts = page.request.get(dev.url + "/api/counts?slugs=hello,second").json()
    assert counts["second"] >= 1
    for slug, count in counts.items():
        label = "1 comment" if count == 1 else f"{count} comments"
        expect(page.locator(f"a[data-comments-for={slug}]")).to_have_text(label)


def test_a_held_comment_is_shown_to_its_author_only(
    tmp_path: Path, browser: Any, reader: Any
) -> None:
    blog = make_blog(tmp_path / "blog")
    with dev_server(blog.root, tmp_path / "dev.log", moderation="all") as held:
        author = reader(held)
        name = confirmed_user(author, held)
        sign_in_in_widget(author, name)
        other = reader(held)
        live(other)
        mine = live(author)
        mine.get_by_label("Your comment").fill("Waiting for a moderator.")
        mine.get_by_role("button", name="Post comment").click()
        pending = comment_article(mine, "Waiting for a moderator.")
        expect(pending.get_by_text("Held for review")).to_be_visible()
        author.reload()  # still there for its author, from the server
        expect(comment_article(comments(author), "Waiting for a moderator.")).to_be_visible()
        # A moderator's comment (never held) goes out after it on the same channel:
        # once the other reader has that, anything sent before it has arrived too.
        moderator = reader(held)
        sign_in_in_widget(moderator, create_admin(blog.root))
        theirs = live(moderator)
        theirs.get_by_label("Your comment").fill("From the moderator.")
        theirs.get_by_role("button", name="Post comment").click()
        seen = comments(other).locator("article.comment")
        expect(comment_article(comments(other), "From the moderator.")).to_be_visible(
            timeout=TIMEOUT
        )
        expect(seen).to_have_count(1)  # the held comment never reached them


def test_with_the_sidecar_down_the_post_reads_and_says_comments_are_unavailable(
    tmp_path: Path, reader: Any
) -> None:
    blog = make_blog(tmp_path / "blog")
    argv = [sys.executable, "-m", "frostpress", "dev", "--root", str(blog.root), "--port", "{port}"]
    with running_http_process(argv, tmp_path / "site.log") as url:  # the site alone
        page = reader(DevServer(url, tmp_path / "site.log"))
        expect(page.locator("h1")).to_have_text("Hello there")
        expect(page.get_by_text("A post worth talking about.")).to_be_visible()
        expect(comments(page)).to_contain_text("Comments are unavailable right now")
        assert page.js_errors == []


def test_a_long_thread_shows_the_newest_comments_and_loads_more(
    tmp_path: Path, reader: Any
) -> None:
    blog = make_blog(tmp_path / "blog")
    with dev_server(blog.root, tmp_path / "dev.log", moderation="none") as busy:
        seed_comments(blog.root, "hello", 52)  # two pages: 50 top-level comments a page
        alice = reader(busy)
        mine = live(alice)
        top_level = mine.locator("ol.comment-list > li > article.comment")
        expect(top_level).to_have_count(50)
        expect(top_level.first).to_contain_text("Old comment 51")  # newest first
        old_one = mine.locator(
            "article.comment", has=alice.get_by_text("Old comment 1", exact=True)
        )
        assert old_one.count() == 0
        more = mine.get_by_role("button", name="Load more comments")
        expect(more).to_be_visible()

        # Someone who loaded everything answers the oldest comment, which Alice's
        # page has not loaded: the live event must not put it anywhere or break.
        bob = reader(busy)
        sign_in_in_widget(bob, confirmed_user(bob, busy))
        theirs = live(bob)
        theirs.get_by_role("button", name="Load more comments").click()
        oldest = comment_article(theirs, "Old comment 0")
        oldest.get_by_role("button", name="Reply").click()
        theirs.get_by_label("Reply to elder").fill("An answer, years later.")
        theirs.get_by_role("button", name="Post reply").click()
        expect(comment_article(theirs, "An answer, years later.")).to_be_visible()
        theirs.get_by_label("Your comment").fill("Something new.")
        theirs.get_by_role("button", name="Post comment").click()
        expect(top_level.first).to_contain_text("Something new.", timeout=TIMEOUT)  # on top
        assert comment_article(mine, "An answer, years later.").count() == 0

        more.click()
        expect(old_one).to_be_focused()  # the first of those loaded
        expect(more).to_be_hidden()
        expect(top_level).to_have_count(53)
        expect(top_level.last).to_contain_text("Old comment 0")
        nested = mine.locator(".comment-replies article.comment", has_text="years later")
        expect(nested).to_have_count(1)

        # A link to a comment on a later page loads pages until it is there.
        linked = reader(busy, f"/posts/hello/#{oldest.get_attribute('id')}")
        expect(comment_article(comments(linked), "Old comment 0")).to_be_focused()
        for page in (alice, bob, linked):
            assert page.js_errors == []


def test_a_reader_hears_of_replies_to_them_in_the_widget(dev: DevServer, reader: Any) -> None:
    assert dev.root is not None
    alice = reader(dev)
    her = create_admin(dev.root, "answered")  # sign-ups: 5 an hour, all used
    alice.goto(dev.url + "/posts/second/")
    sign_in_in_widget(alice, her)
    mine = comments(alice)
    mine.get_by_label("Your comment").fill("Anyone else?")
    mine.get_by_role("button", name="Post comment").click()
    expect(comment_article(mine, "Anyone else?")).to_be_visible()

    bob = reader(dev)
    him = create_admin(dev.root, "answerer")
    bob.goto(dev.url + "/posts/second/")
    sign_in_in_widget(bob, him)
    theirs = comments(bob)
    comment_article(theirs, "Anyone else?").get_by_role("button", name="Reply").click()
    theirs.get_by_label(f"Reply to {her}").fill("Me, for one.")
    theirs.get_by_role("button", name="Post reply").click()
    expect(comment_article(theirs, "Me, for one.")).to_be_visible()

    alice.reload()
    news = comments(alice).get_by_role("button", name="1 new reply to you")
    expect(news).to_be_visible()
    news.click()
    link = comments(alice).get_by_role("link", name=f"{him} on Second post")
    expect(link).to_have_attribute("href", re.compile(r"/posts/second/#comment-\d+$"))
    alice.reload()
    expect(comments(alice).get_by_role("button", name="Replies to you")).to_be_visible()
    assert alice.js_errors == []
