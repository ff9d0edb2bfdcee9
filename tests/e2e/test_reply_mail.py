"""Reply mail in a real browser and a real SMTP server: a guest's reply is held,
approved in the admin, and mailed to the subscribed author of the comment it
answers, who follows the mail's unsubscribe link and hears no more of that post."""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.e2e.site import (
    TIMEOUT,
    DevServer,
    comment_article,
    create_admin,
    dev_server,
    live,
    make_blog,
    sign_in_in_widget,
)
from tests.sidecar.smtp import SmtpInbox


@pytest.fixture(scope="module")
def inbox() -> Iterator[SmtpInbox]:
    server = SmtpInbox()
    server.start()
    yield server
    server.close()


@pytest.fixture(scope="module")
def dev(tmp_path_factory: pytest.TempPathFactory, inbox: SmtpInbox) -> Iterator[DevServer]:
    root = tmp_path_factory.mktemp("reply-mail")
    blog = make_blog(root / "blog")
    smtp = {
        "MAIL_SERVER": "127.0.0.1",
        "MAIL_PORT": str(inbox.port),
        "MAIL_USE_TLS": "false",
        "MAIL_SENDER": "Blog <noreply@blog.example>",
        "REPLY_MAIL_MINUTES": "0",  # no batching: a second mail would come at once
        "OUTBOX_POLL_SECONDS": "0.5",
    }
    with dev_server(blog.root, root / "dev.log", "first", "moderated", **smtp) as server:
        create_admin(blog.root)
        yield server


def text_of(message: Any) -> str:
    return str(message.get_body(preferencelist=("plain",)).get_content())


def reply_as_guest(page: Any, parent: Any, text: str) -> None:
    parent.get_by_role("button", name="Reply").click()
    form = page.locator("form.comment-form", has=page.get_by_label("Reply to admin"))
    form.get_by_label("Name").fill("Gwen Guest")
    form.get_by_label("Reply to admin").fill(text)
    form.get_by_role("button", name="Post reply").click()
    expect(comment_article(page, text).get_by_text("Held for review")).to_be_visible()


def approve(admin: Any, dev: DevServer, text: str) -> None:
    admin.goto(dev.url + "/admin/queue")
    row = admin.locator("#queue-rows tr", has_text=text)
    row.get_by_role("button", name="Approve").click()
    expect(admin.locator(".flash")).to_contain_text("Approve: 1 comment.")


def test_a_guest_reply_is_mailed_and_the_unsubscribe_link_stops_more(
    dev: DevServer, reader: Any, inbox: SmtpInbox
) -> None:
    author = reader(dev)
    sign_in_in_widget(author, "admin")
    mine = live(author)
    mine.get_by_label("Your comment").fill("Tell me what you think.")
    mine.get_by_label("Email me replies").check()
    mine.get_by_role("button", name="Post comment").click()
    expect(comment_article(mine, "Tell me what you think.")).to_be_visible()

    guest = reader(dev)
    theirs = live(guest)
    parent = comment_article(theirs, "Tell me what you think.")
    reply_as_guest(guest, parent, "A guest thinks it is fine.")
    time.sleep(1)  # the outbox worker, woken by any commit that queues mail, has sent it
    assert inbox.received == []  # held: nobody is told yet

    admin = author.context.new_page()  # the author is the admin: signed in there
    approve(admin, dev, "A guest thinks it is fine.")
    (message,) = inbox.wait_for(1, timeout=TIMEOUT / 1000)
    assert message["To"] == "admin@example.org"
    assert "Gwen Guest replied to your comment" in text_of(message)
    assert "A guest thinks it is fine." in text_of(message)
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"

    link = re.search(r"No more reply mail from “Hello there”: (\S+)", text_of(message))
    assert link, text_of(message)
    page = reader(dev, "/")
    page.goto(link.group(1))
    expect(page.get_by_role("heading", name="Unsubscribe")).to_be_visible()
    page.get_by_role("button", name="Unsubscribe").click()
    expect(page.get_by_role("heading", name="Unsubscribed")).to_be_visible()

    # Another approved reply on this post: no mail. One on another post the author
    # asked to hear of still comes, so the silence is the unsubscribe's doing.
    author.goto(dev.url + "/posts/second/")
    elsewhere = live(author)
    elsewhere.get_by_label("Your comment").fill("And on this post?")
    elsewhere.get_by_label("Email me replies").check()
    elsewhere.get_by_role("button", name="Post comment").click()
    expect(comment_article(elsewhere, "And on this post?")).to_be_visible()
    reply_as_guest(guest, parent, "A second guest reply.")
    guest.goto(dev.url + "/posts/second/")
    reply_as_guest(guest, comment_article(live(guest), "And on this post?"), "Over here too.")
    approve(admin, dev, "A second guest reply.")
    approve(admin, dev, "Over here too.")
    later = inbox.wait_for(2, timeout=TIMEOUT / 1000)[1]
    assert "Over here too." in text_of(later)
    assert "A second guest reply." not in text_of(later)
    assert len(inbox.received) == 2
