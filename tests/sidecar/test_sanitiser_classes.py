"""A comment keeps only Pygments' own classes: it cannot dress up as a site notice
or as one of the widget's parts."""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask
from pygments.token import STANDARD_TYPES

from sidecar.extensions import db
from sidecar.models import Comment
from sidecar.security import sanitise_comment_html
from tests.hostile.inert import Parsed
from tests.sidecar.conftest import ApiClient

PYGMENTS = {"div": {"highlight"}, "span": set(STANDARD_TYPES.values()) - {""}}


def classes(html: str) -> list[tuple[str, str]]:
    """Every (tag, class) in ``html``."""
    return [
        (tag, name)
        for tag, attributes in Parsed(html).elements
        for name in (attributes.get("class") or "").split()
    ]


def assert_only_pygments_classes(html: str) -> None:
    strays = [(tag, name) for tag, name in classes(html) if name not in PYGMENTS.get(tag, set())]
    assert not strays, f"{strays} in {html!r}"


@pytest.mark.parametrize(
    "body",
    [
        "```{.text .flash}\nYour account is suspended.\n```",
        "```{.python .comment-actions}\nx = 1\n```",
        "~~~{.flash .notice .highlight}\nhi\n~~~",
        "```{.python cssclass=flash}\nx = 1\n```",
        "```{.python classprefix=flash-}\nx = 1\n```",
        "```{.python use_pygments=false}\nx = 1\n```",
        "```{.language-js .comment-body}\nlet a\n```",
    ],
)
def test_a_commenter_cannot_choose_css_classes(
    app: Flask, api: ApiClient, ada: Any, body: str
) -> None:
    api.login(ada)
    created = api.post("/api/posts/hello/comments", json={"body": body})
    assert created.status_code == 201, created.get_json()
    shown = app.test_client().get("/api/posts/hello/comments").get_json()["items"][0]
    assert_only_pygments_classes(shown["body_html"])
    assert "flash" not in shown["body_html"] and "comment-" not in shown["body_html"]


@pytest.mark.parametrize(
    "html",
    [
        '<div class="flash highlight"><pre>x</pre></div>',
        '<div class="comment-actions">x</div>',
        '<span class="k comment-actions">x</span>',
        '<span class="highlight">x</span>',
        '<div class="k">x</div>',
        '<code class="language-python">x</code>',
        '<p class="flash">x</p>',
        '<div class="a b c d e f">x</div>',
    ],
)
def test_the_sanitiser_keeps_only_pygments_classes_on_their_own_tags(html: str) -> None:
    clean = sanitise_comment_html(html)
    assert_only_pygments_classes(clean)
    assert Parsed(clean).text == "x"  # the text stays


def test_highlighted_code_keeps_every_class_pygments_gave_it(
    app: Flask, api: ApiClient, ada: Any
) -> None:
    api.login(ada)
    code = '@cached\ndef f(x: int = 0x1F) -> str:\n    """Doc."""\n    return f"{x!r}"  # hi'
    body = f"```python\n{code}\n```"
    html = api.post("/api/comments/preview", json={"body": body}).get_json()["body_html"]
    found = classes(html)
    assert ("div", "highlight") in found
    tokens = {name for tag, name in found if tag == "span"}
    assert {"nd", "k", "nf", "n", "nb", "mh", "sd", "sa", "si", "c1"} <= tokens, tokens
    assert_only_pygments_classes(html)


def test_comments_stored_under_older_rules_are_rendered_again_on_request(
    app: Flask, api: ApiClient, ada: Any
) -> None:
    """HTML is made once, at write time: a comment stored before the class rules
    keeps its site class until ``flask --app sidecar rerender-comments`` runs."""
    api.login(ada)
    posted = api.post("/api/posts/hello/comments", json={"body": "```\nx\n```"}).get_json()
    with app.app_context():
        stored = db.session.get_one(Comment, posted["id"])
        stored.body_source = "```{.text .flash}\nYour account is suspended.\n```"
        stored.body_html = (
            '<div class="flash highlight"><pre>Your account is suspended.</pre></div>'
        )
        db.session.commit()

    result = app.test_cli_runner().invoke(args=["rerender-comments"])
    assert result.exit_code == 0, result.output
    assert "1 changed" in result.output
    shown = api.get("/api/posts/hello/comments").get_json()["items"][0]["body_html"]
    assert "Your account is suspended." in shown
    assert_only_pygments_classes(shown)
    again = app.test_cli_runner().invoke(args=["rerender-comments"])
    assert "0 changed" in again.output  # rendering is stable: nothing to do twice
