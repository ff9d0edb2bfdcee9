"""A browser with JavaScript off, and a tiny DOM to read what it was sent.

Used by the page tests: every write fetches a page first, takes the CSRF token
from its form and posts plain form data, as a browser would.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from html.parser import HTMLParser
from typing import Any

from flask.testing import FlaskClient

from sidecar.models import User

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


def audit_rows(page: Element) -> list[list[str]]:
    """The dashboard audit log's rows: [when, who, action, target, detail]."""
    body = page.find("table", class_="audit").find("tbody")
    rows = [[td.text for td in tr.find_all("td")] for tr in body.find_all("tr")]
    return [row for row in rows if len(row) == 5]  # not the "Nothing recorded." row


def press(browser: Browser, user: User, what: str, **data: Any) -> str:
    """Submit one of the forms on a person's dashboard page (``role``, ``ban``,
    ``unban``); the flashed message after it."""
    page = f"/admin/users/{user.id}"
    token = browser.csrf_token(page)
    response = browser.client.post(f"{page}/{what}", data={"csrf_token": token, **data})
    assert response.status_code == 303 and response.headers["Location"] == page
    flash = browser.page(page).find("div", class_="flash")
    return flash.text


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
        """Fill in the form found on ``form_page`` and send it, as a browser would
        (with its CSRF token and, on a comment form, when it was shown)."""
        page = self.page(form_page)
        token = page.find("input", name="csrf_token")
        assert token.attrs["type"] == "hidden" and token.attrs["value"]
        shown = page.find_all("input", name="started")
        hidden = {"started": shown[0].attrs["value"]} if shown else {}
        data = {"csrf_token": token.attrs["value"], **hidden, **data}
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
