"""Editing and deleting comments on the no-JavaScript pages, and moderation there."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

import pytest

from sidecar.models import Role
from tests.sidecar.browser import Browser, comments_in, html_of
from tests.sidecar.conftest import MakeUser


# -- editing and deleting ----------------------------------------------------------------------
def test_an_author_edits_their_comment(signed_in: Browser) -> None:
    mine = signed_in.comment("Frist")
    page = signed_in.page("/comments/hello")
    edit_link = page.by_id(f"comment-{mine}").find("a", href=f"/comments/hello/{mine}/edit")
    assert edit_link.text.startswith("Edit")

    form_page = signed_in.page(f"/comments/hello/{mine}/edit")
    assert form_page.find("h1").text == "Edit your comment"
    textarea = form_page.find("textarea", name="body")
    assert textarea.raw_text.strip() == "Frist"
    assert form_page.find("label", for_=textarea.attrs["id"]).text == "Your comment"

    response = signed_in.submit(f"/comments/hello/{mine}/edit", body="First, *fixed*")
    assert response.status_code == 303
    assert response.headers["Location"] == f"/comments/hello#comment-{mine}"
    article = signed_in.page("/comments/hello").by_id(f"comment-{mine}")
    assert "First, fixed" in article.text and "Frist" not in article.text
    assert "(edited" in article.text


def test_an_edit_that_empties_the_comment_is_refused(signed_in: Browser) -> None:
    mine = signed_in.comment("Keep me")
    response = signed_in.submit(f"/comments/hello/{mine}/edit", body="")
    assert response.status_code == 422
    page = html_of(response)
    assert page.by_id("edit-body").attrs["aria-describedby"] == "edit-body-error"
    assert page.by_id("edit-body-error").text == "The comment is empty."
    assert "Keep me" in signed_in.page("/comments/hello").by_id(f"comment-{mine}").text


def test_an_author_deletes_their_comment_and_replies_stay(
    signed_in: Browser, new_browser: Any, make_user: MakeUser
) -> None:
    lonely = signed_in.comment("Nobody answers this")
    answered = signed_in.comment("Answer me")
    other = new_browser()
    other.login(make_user(username="bob"))
    reply = other.comment("Answered", parent=answered)

    confirm = signed_in.page(f"/comments/hello/{lonely}/delete")
    assert confirm.find("h1").text == "Delete this comment?"
    assert "Nobody answers this" in confirm.text
    response = signed_in.submit(f"/comments/hello/{lonely}/delete")
    assert response.status_code == 303
    assert response.headers["Location"] == "/comments/hello#comments"
    page = signed_in.page("/comments/hello")
    assert "The comment is deleted." in page.text
    assert not page.has_id(f"comment-{lonely}")

    signed_in.submit(f"/comments/hello/{answered}/delete")
    page = other.page("/comments/hello")
    tombstone = page.by_id(f"comment-{answered}")
    assert tombstone.text == "[deleted]" and "Answer me" not in page.text
    assert comments_in(page) == {answered: None, reply: answered}
    assert page.find("h2", id="comments").text == "Comments (1)"
    assert signed_in.get(f"/comments/hello/{answered}/edit").status_code == 404
    again = signed_in.submit("/comments/hello", f"/comments/hello/{answered}/delete")
    assert again.status_code == 404 and "No such comment." in html_of(again).text


def test_a_tombstone_with_nothing_left_under_it_is_not_shown(signed_in: Browser) -> None:
    parent = signed_in.comment("Parent")
    child = signed_in.comment("Child", parent=parent)
    kept = signed_in.comment("Kept")
    for gone in (child, parent):
        assert signed_in.submit(f"/comments/hello/{gone}/delete").status_code == 303
    page = signed_in.page("/comments/hello")
    assert comments_in(page) == {kept: None}
    assert "[deleted]" not in page.text


def test_nobody_edits_or_deletes_another_readers_comment(
    signed_in: Browser, new_browser: Any, make_user: MakeUser
) -> None:
    hers = signed_in.comment("Mine, not yours")
    other = new_browser()
    other.login(make_user(username="mallory"))
    page = other.page("/comments/hello")
    article = page.by_id(f"comment-{hers}")
    assert not [a for a in article.find_all("a") if a.text.startswith(("Edit", "Delete"))]

    assert other.get(f"/comments/hello/{hers}/edit").status_code == 403
    assert other.get(f"/comments/hello/{hers}/delete").status_code == 403
    edit = other.submit("/comments/hello", f"/comments/hello/{hers}/edit", body="Now mine")
    assert edit.status_code == 403
    assert "Only the author or a moderator" in html_of(edit).by_id("edit-body-error").text
    delete = other.submit("/comments/hello", f"/comments/hello/{hers}/delete")
    assert delete.status_code == 403
    assert "Only the author or a moderator" in html_of(delete).text
    assert "Mine, not yours" in other.page("/comments/hello").by_id(f"comment-{hers}").text


def test_a_moderator_edits_and_deletes_any_comment(
    signed_in: Browser, new_browser: Any, make_user: MakeUser
) -> None:
    hers = signed_in.comment("Spammy link")
    moderator = new_browser()
    moderator.login(make_user(username="mod", role=Role.MODERATOR))
    article = moderator.page("/comments/hello").by_id(f"comment-{hers}")
    assert {
        a.attrs["href"] for a in article.find_all("a") if a.text.startswith(("Edit", "Delete"))
    } == {
        f"/comments/hello/{hers}/edit",
        f"/comments/hello/{hers}/delete",
    }
    edited = moderator.submit(f"/comments/hello/{hers}/edit", body="[removed link]")
    assert edited.status_code == 303
    assert "[removed link]" in signed_in.page("/comments/hello").text
    assert moderator.submit(f"/comments/hello/{hers}/delete").status_code == 303
    assert not signed_in.page("/comments/hello").has_id(f"comment-{hers}")


def test_edit_and_delete_pages_need_a_signed_in_reader(signed_in: Browser) -> None:
    mine = signed_in.comment("Mine")
    signed_in.submit("/comments/hello", "/auth/logout")
    response = signed_in.get(f"/comments/hello/{mine}/edit")
    assert response.status_code == 302
    assert urlsplit(response.headers["Location"]).path == "/auth/login"


class TestTheEditWindow:
    @pytest.fixture
    def sidecar_config(self) -> dict[str, Any]:
        return {"EDIT_WINDOW_SECONDS": 0}

    def test_an_author_cannot_edit_after_the_window_but_may_delete(
        self, signed_in: Browser
    ) -> None:
        mine = signed_in.comment("Too late to fix")
        article = signed_in.page("/comments/hello").by_id(f"comment-{mine}")
        links = [a.text for a in article.find_all("a")]
        assert not [t for t in links if t.startswith("Edit")]
        assert [t for t in links if t.startswith("Delete")]
        assert signed_in.get(f"/comments/hello/{mine}/edit").status_code == 403
        late = signed_in.submit("/comments/hello", f"/comments/hello/{mine}/edit", body="Fixed")
        assert late.status_code == 403
        assert "can be edited for 0 minutes" in html_of(late).by_id("edit-body-error").text
        assert html_of(late).by_id("edit-body").raw_text.strip() == "Fixed"

    def test_a_moderator_still_can(
        self, signed_in: Browser, new_browser: Any, make_user: MakeUser
    ) -> None:
        hers = signed_in.comment("Old comment")
        moderator = new_browser()
        moderator.login(make_user(username="mod", role=Role.MODERATOR))
        assert moderator.get(f"/comments/hello/{hers}/edit").status_code == 200
        assert moderator.submit(f"/comments/hello/{hers}/edit", body="Tidied").status_code == 303


class TestModerationOfEveryComment:
    @pytest.fixture
    def sidecar_config(self) -> dict[str, Any]:
        return {"MODERATION": "all"}

    def test_pending_comments_are_shown_to_their_author_only(
        self, signed_in: Browser, new_browser: Any, make_user: MakeUser
    ) -> None:
        held = signed_in.comment("Please approve me")
        page = signed_in.page("/comments/hello")
        article = page.by_id(f"comment-{held}")
        assert "Please approve me" in article.text and "held for review" in article.text
        assert "only you can see it" in article.text
        # its author may reply to it (the reply waits with it)
        assert [s.text for s in article.find_all("summary")] == ["Reply to ada"]

        other = new_browser()
        other.login(make_user(username="bob"))
        for reader in (other, new_browser()):
            page = reader.page("/comments/hello")
            assert not page.has_id(f"comment-{held}")
            assert "Please approve me" not in page.text
            assert page.find("h2", id="comments").text == "Comments (0)"

    def test_a_moderators_comment_is_not_held(self, browser: Browser, make_user: MakeUser) -> None:
        browser.login(make_user(username="mod", role=Role.MODERATOR))
        mine = browser.comment("Official")
        assert (
            "held for review" not in browser.page("/comments/hello").by_id(f"comment-{mine}").text
        )
