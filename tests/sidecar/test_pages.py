"""The no-JavaScript comment pages, used like a browser with JavaScript off would.

Every write fetches a page first, takes the CSRF token from its form and posts
plain form data; assertions are about what a reader would notice: status,
Location, the page's text and structure, and the thread afterwards.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from html.parser import HTMLParser
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from flask import Flask
from flask.testing import FlaskClient

from sidecar.models import Role, User

PASSWORD = "correct horse battery"
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "wbr"}


# -- a tiny DOM, enough to ask what a reader (or a screen reader) would find ------------------
class Element:
    def __init__(self, tag: str, attrs: dict[str, str], parent: Element | None) -> None:
        self.tag, self.attrs, self.parent = tag, attrs, parent
        self.children: list[Element | str] = []

    def iter(self) -> Iterator[Element]:
        for child in self.children:
            if isinstance(child, Element):
                yield child
                yield from child.iter()

    def find_all(self, tag: str | None = None, **attrs: str) -> list[Element]:
        return [
            e
            for e in self.iter()
            if (tag is None or e.tag == tag)
            and all(e.attrs.get(k.rstrip("_").replace("_", "-")) == v for k, v in attrs.items())
        ]

    def find(self, tag: str | None = None, **attrs: str) -> Element:
        found = self.find_all(tag, **attrs)
        assert found, f"no <{tag or '*'} {attrs}>"
        return found[0]

    def by_id(self, id_: str) -> Element:
        return self.find(id=id_)

    def has_id(self, id_: str) -> bool:
        return bool(self.find_all(id=id_))

    @property
    def raw_text(self) -> str:
        return "".join(c if isinstance(c, str) else c.raw_text for c in self.children)

    @property
    def text(self) -> str:
        return " ".join(self.raw_text.split())

    def closest(self, tag: str) -> Element:
        node = self.parent
        while node is not None and node.tag != tag:
            node = node.parent
        assert node is not None, f"no <{tag}> around <{self.tag}>"
        return node


class Html(Element, HTMLParser):
    def __init__(self, text: str) -> None:
        Element.__init__(self, "#document", {}, None)
        HTMLParser.__init__(self, convert_charrefs=True)
        self._open: Element = self
        self.feed(text)
        self.close()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        element = Element(tag, {k: v or "" for k, v in attrs}, self._open)
        self._open.children.append(element)
        if tag not in VOID:
            self._open = element

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._open.children.append(Element(tag, {k: v or "" for k, v in attrs}, self._open))

    def handle_endtag(self, tag: str) -> None:
        node: Element | None = self._open
        while node is not None and node.tag != tag:
            node = node.parent
        if node is not None and node.parent is not None:
            self._open = node.parent

    def handle_data(self, data: str) -> None:
        self._open.children.append(data)


def html_of(response: Any) -> Html:
    assert response.mimetype == "text/html", response.mimetype
    return Html(response.get_data(as_text=True))


def comments_in(page: Element) -> dict[int, int | None]:
    """Comment id → the id of the comment it is shown under (None at the top)."""
    shown: dict[int, int | None] = {}
    for article in page.find_all("article"):
        match = re.fullmatch(r"comment-(\d+)", article.attrs.get("id", ""))
        if not match:
            continue
        node, parent = article.closest("li").parent, None
        while node is not None and parent is None:
            if node.tag == "li":
                own = [a for a in node.children if isinstance(a, Element) and a.tag == "article"]
                parent = int(own[0].attrs["id"].split("-")[1])
            node = node.parent
        shown[int(match.group(1))] = parent
    return shown


def comment_id(location: str) -> int:
    match = re.search(r"#comment-(\d+)$", location)
    assert match, location
    return int(match.group(1))


# -- a browser with JavaScript off ------------------------------------------------------------
class Browser:
    def __init__(self, client: FlaskClient) -> None:
        self.client = client

    def get(self, path: str) -> Any:
        return self.client.get(path)

    def page(self, path: str, status: int = 200) -> Html:
        response = self.client.get(path)
        assert response.status_code == status, response.get_data(as_text=True)[:500]
        return html_of(response)

    def csrf_token(self, path: str) -> str:
        found = self.page(path).find("input", name="csrf_token")
        assert found.attrs["type"] == "hidden" and found.attrs["value"]
        return found.attrs["value"]

    def submit(self, form_page: str, action: str | None = None, **data: Any) -> Any:
        """Fill in the form found on ``form_page`` and send it, as a browser would."""
        data = {"csrf_token": self.csrf_token(form_page), **data}
        return self.client.post(action or form_page, data=data)

    def login(self, user: User | str, password: str = PASSWORD, next: str | None = None) -> Any:
        login = user if isinstance(user, str) else user.username
        path = "/auth/login" + (f"?next={next}" if next else "")
        response = self.submit(path, login=login, password=password)
        assert response.status_code == 302, response.get_data(as_text=True)[:500]
        return response

    def comment(self, body: str, slug: str = "hello", parent: int | None = None) -> int:
        data = {"body": body, **({"parent_id": str(parent)} if parent else {})}
        response = self.submit(f"/comments/{slug}", **data)
        assert response.status_code == 303, response.get_data(as_text=True)[:500]
        return comment_id(response.headers["Location"])


@pytest.fixture
def browser(app: Flask) -> Browser:
    return Browser(app.test_client())


@pytest.fixture
def new_browser(app: Flask) -> Any:
    """Another reader, with cookies of their own."""
    return lambda: Browser(app.test_client())


@pytest.fixture
def ada(make_user: Any) -> User:
    return make_user(username="ada")


@pytest.fixture
def signed_in(browser: Browser, ada: User) -> Browser:
    browser.login(ada)
    return browser


# -- reading ----------------------------------------------------------------------------------
def test_a_signed_out_reader_sees_the_thread_and_a_way_to_sign_in(
    signed_in: Browser, new_browser: Any
) -> None:
    first = signed_in.comment("First *thoughts*")
    reader = new_browser()
    page = reader.page("/comments/hello")

    title = page.find("h1")
    assert title.text == "Hello there"
    assert title.find("a").attrs["href"] == "https://blog.example.test/posts/hello/"
    assert page.find("h2", id="comments").text == "Comments (1)"
    article = page.by_id(f"comment-{first}")
    assert "ada" in article.text and "First thoughts" in article.text
    assert article.find("em").text == "thoughts"
    assert article.find("time").attrs["datetime"].startswith("20")

    sign_in = next(
        a for a in page.find_all("a") if a.text == "Sign in" and "next" in a.attrs["href"]
    )
    url = urlsplit(sign_in.attrs["href"])
    assert url.path == "/auth/login" and parse_qs(url.query)["next"] == ["/comments/hello"]
    assert any(a.attrs.get("href") == "/auth/register" for a in page.find_all("a"))
    assert not page.find_all("textarea") and not page.find_all("form", class_="comment-form")


def test_no_javascript_at_all(signed_in: Browser) -> None:
    signed_in.comment("hello")
    page = signed_in.page("/comments/hello")
    assert not page.find_all("script")
    assert not [e for e in page.iter() if any(k.startswith("on") for k in e.attrs)]


@pytest.mark.parametrize("slug", ["nope", "draft", "later"])
def test_an_unknown_draft_or_future_post_is_a_404_page(browser: Browser, slug: str) -> None:
    response = browser.get(f"/comments/{slug}")
    assert response.status_code == 404
    page = html_of(response)
    assert page.find("h1").text == "404"
    assert "no published post" in page.find("main").text


def test_an_unconfirmed_reader_is_asked_to_confirm(browser: Browser, make_user: Any) -> None:
    browser.login(make_user(username="newbie", confirmed=False))
    page = browser.page("/comments/hello")
    assert "Confirm your email address to comment" in page.text
    assert not page.find_all("textarea")

    refused = browser.submit("/comments/hello", body="Let me in")
    assert refused.status_code == 403
    assert "Confirm your email address before commenting." in html_of(refused).text
    assert "Comments (0)" in html_of(refused).text


# -- writing ----------------------------------------------------------------------------------
def test_a_confirmed_reader_posts_a_comment_with_the_form(signed_in: Browser, api: Any) -> None:
    page = signed_in.page("/comments/hello")
    form = page.find("form", class_="comment-form")
    assert form.attrs["method"] == "post" and form.attrs["action"] == "/comments/hello"
    textarea = form.find("textarea", name="body")
    assert form.find("label", for_=textarea.attrs["id"]).text == "Your comment"
    assert form.find("button").attrs["type"] == "submit"

    response = signed_in.submit("/comments/hello", body="Nice **post**")
    assert response.status_code == 303
    new = comment_id(response.headers["Location"])
    assert response.headers["Location"] == f"/comments/hello#comment-{new}"

    page = signed_in.page("/comments/hello")
    assert page.find("h2", id="comments").text == "Comments (1)"
    assert page.by_id(f"comment-{new}").find("strong", class_="author").text == "ada"
    assert "Nice post" in page.by_id(f"comment-{new}").text
    thread = api.get("/api/posts/hello/comments").get_json()["items"]
    assert [(c["id"], c["body_html"]) for c in thread] == [
        (new, "<p>Nice <strong>post</strong></p>")
    ]


def test_a_reply_is_shown_nested_under_its_parent(
    signed_in: Browser, new_browser: Any, make_user: Any
) -> None:
    first = signed_in.comment("First")
    second = signed_in.comment("Second")
    other = new_browser()
    other.login(make_user(username="bob"))
    page = other.page("/comments/hello")
    reply_form = page.by_id(f"comment-{first}").find("details").find("form")
    assert reply_form.find("input", name="parent_id").attrs["value"] == str(first)
    label = reply_form.find("label", for_=f"reply-{first}")
    assert label.text == "Your reply to ada"

    reply = other.comment("I agree", parent=first)
    deeper = signed_in.comment("Thanks", parent=reply)

    page = other.page("/comments/hello")
    assert comments_in(page) == {first: None, reply: first, deeper: reply, second: None}
    assert page.find("h2", id="comments").text == "Comments (4)"


def test_replies_deeper_than_the_limit_attach_to_the_deepest_allowed_ancestor(
    signed_in: Browser,
) -> None:
    chain = [signed_in.comment("level 0")]
    for level in range(1, 6):
        chain.append(signed_in.comment(f"level {level}", parent=chain[-1]))
    shown = comments_in(signed_in.page("/comments/hello"))
    assert [shown[c] for c in chain] == [None, *chain[:4], chain[3]]


def test_posting_an_empty_comment_shows_the_error_beside_the_form(signed_in: Browser) -> None:
    response = signed_in.submit("/comments/hello", body="   ")
    assert response.status_code == 422
    page = html_of(response)
    textarea = page.find("textarea", name="body", id="new-comment-body")
    assert textarea.attrs["aria-invalid"] == "true"
    error = page.by_id(textarea.attrs["aria-describedby"])
    assert error.text == "The comment is empty."
    assert page.find(class_="error-summary").find("a").attrs["href"] == "#new-comment-body"
    assert page.find("title").text.startswith("Error:")
    assert "Comments (0)" in page.text


def test_a_too_long_comment_is_refused_and_the_typed_text_kept(signed_in: Browser) -> None:
    body = "word " * 1700  # 8,500 characters
    response = signed_in.submit("/comments/hello", body=body)
    assert response.status_code == 422
    page = html_of(response)
    textarea = page.by_id("new-comment-body")
    assert textarea.raw_text.strip() == body.strip()
    assert "the limit is 8000" in page.by_id("new-comment-body-error").text


def test_a_failed_reply_reopens_its_own_form_with_the_error(signed_in: Browser) -> None:
    first = signed_in.comment("First")
    response = signed_in.submit("/comments/hello", body=" ", parent_id=str(first))
    assert response.status_code == 422
    page = html_of(response)
    details = page.by_id(f"comment-{first}").find("details")
    assert "open" in details.attrs
    assert details.find("textarea").attrs["aria-describedby"] == f"reply-{first}-error"
    assert page.by_id(f"reply-{first}-error").text == "The comment is empty."
    assert "aria-invalid" not in page.by_id("new-comment-body").attrs


def test_a_reply_to_a_comment_on_another_post_is_refused(signed_in: Browser) -> None:
    elsewhere = signed_in.comment("On the second post", slug="second")
    response = signed_in.submit("/comments/hello", body="Hi", parent_id=str(elsewhere))
    assert response.status_code == 422
    page = html_of(response)
    assert (
        page.by_id("new-comment-body-error").text == "The comment you reply to is not on this post."
    )
    assert page.by_id("new-comment-body").raw_text.strip() == "Hi"
    garbled = signed_in.submit("/comments/hello", body="Hi", parent_id="1 OR 1=1")
    assert garbled.status_code == 422


def test_posting_without_a_csrf_token_is_refused(signed_in: Browser, api: Any) -> None:
    response = signed_in.client.post("/comments/hello", data={"body": "forged"})
    assert response.status_code == 400
    wrong = signed_in.client.post("/comments/hello", data={"body": "forged", "csrf_token": "x"})
    assert wrong.status_code == 400
    assert api.get("/api/posts/hello/comments").get_json()["items"] == []


def test_a_form_posted_with_a_bearer_token_still_needs_its_csrf_token(
    app: Flask, ada: User, api: Any
) -> None:
    api.login(ada)
    token = api.post("/api/auth/tokens", json={"name": "script"}).get_json()["token"]
    client = app.test_client()
    response = client.post(
        "/comments/hello",
        data={"body": "via a token"},
        headers={"Authorization": f"Bearer {token}"},
    )
    assert response.status_code == 400
    assert api.get("/api/posts/hello/comments").get_json()["items"] == []


def test_posting_signed_out_sends_the_reader_to_sign_in(browser: Browser, api: Any) -> None:
    # a form left open in a tab after signing out; the token comes from any page
    response = browser.submit("/auth/login", "/comments/hello", body="Anonymous")
    assert response.status_code == 302
    url = urlsplit(response.headers["Location"])
    assert url.path == "/auth/login" and parse_qs(url.query)["next"] == ["/comments/hello"]
    assert api.get("/api/posts/hello/comments").get_json()["items"] == []


def test_posting_to_an_unknown_post_is_a_404_page(signed_in: Browser) -> None:
    response = signed_in.submit("/comments/hello", "/comments/draft", body="Hi")
    assert response.status_code == 404 and response.mimetype == "text/html"


def test_comment_creation_is_rate_limited(signed_in: Browser) -> None:
    for number in range(6):
        signed_in.comment(f"comment {number}")
    response = signed_in.submit("/comments/hello", body="one too many")
    assert response.status_code == 429
    assert response.mimetype == "text/html"


# -- untrusted text -------------------------------------------------------------------------
def test_a_nul_character_is_refused_but_text_about_it_is_kept(signed_in: Browser, api: Any) -> None:
    refused = signed_in.submit("/comments/hello", body="before\x00after")
    assert refused.status_code == 422 and refused.mimetype == "text/html"
    kept = signed_in.comment("Sale: 100%00 off; in JSON a NUL is \\u0000")
    items = api.get("/api/posts/hello/comments").get_json()["items"]
    assert [c["id"] for c in items] == [kept]
    assert "100%00" in signed_in.page("/comments/hello").by_id(f"comment-{kept}").text


def test_script_in_a_comment_is_inert(signed_in: Browser, new_browser: Any) -> None:
    evil = signed_in.comment(
        '<script>alert("x")</script> <img src=x onerror=alert(1)> '
        '[click](javascript:alert(1)) <a href="#" onclick="alert(1)">a</a>'
    )
    response = new_browser().get("/comments/hello")
    raw = response.get_data(as_text=True)
    assert "<script" not in raw and "<img" not in raw and "javascript:" not in raw
    page = html_of(response)
    article = page.by_id(f"comment-{evil}")
    assert not article.find_all("script") and not article.find_all("img")
    assert not [e for e in article.iter() if any(k.startswith("on") for k in e.attrs)]
    assert "<script>alert(" in article.text  # shown as text, not run


def test_a_username_is_escaped(browser: Browser, make_user: Any) -> None:
    # Usernames are restricted at registration; the page escapes them anyway.
    browser.login(make_user(username="<b>bold</b>"), next=None)
    browser.comment("hi")
    raw = browser.get("/comments/hello").get_data(as_text=True)
    assert "<b>bold</b>" not in raw and "&lt;b&gt;bold&lt;/b&gt;" in raw


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
    signed_in: Browser, new_browser: Any, make_user: Any
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
    signed_in: Browser, new_browser: Any, make_user: Any
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
    signed_in: Browser, new_browser: Any, make_user: Any
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
        self, signed_in: Browser, new_browser: Any, make_user: Any
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
        self, signed_in: Browser, new_browser: Any, make_user: Any
    ) -> None:
        held = signed_in.comment("Please approve me")
        page = signed_in.page("/comments/hello")
        article = page.by_id(f"comment-{held}")
        assert "Please approve me" in article.text and "awaiting moderation" in article.text
        assert not article.find_all("details")  # no replies to a held comment

        other = new_browser()
        other.login(make_user(username="bob"))
        for reader in (other, new_browser()):
            page = reader.page("/comments/hello")
            assert not page.has_id(f"comment-{held}")
            assert "Please approve me" not in page.text
            assert page.find("h2", id="comments").text == "Comments (0)"

    def test_a_moderators_comment_is_not_held(self, browser: Browser, make_user: Any) -> None:
        browser.login(make_user(username="mod", role=Role.MODERATOR))
        mine = browser.comment("Official")
        assert (
            "awaiting moderation"
            not in browser.page("/comments/hello").by_id(f"comment-{mine}").text
        )
