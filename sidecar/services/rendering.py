"""Comment Markdown → safe HTML, rendered once at write time.

The engine's Markdown (fenced code highlighted by Pygments, smart
punctuation) minus raw HTML: the HTML block and inline HTML parsers are
removed, so ``<script>`` is text. The result is then sanitised with nh3.
"""

from __future__ import annotations

import html
import re
import threading
from collections.abc import Iterable
from typing import Any

import markdown

from frostpress.content.fences import Fences, use_fences
from frostpress.content.markdown import EXTENSION_CONFIGS
from frostpress.content.typography import SmartTypography
from sidecar.security import sanitise_comment_html

__all__ = ["render_comment"]

_local = threading.local()


class _LanguageOnlyFences(Fences):
    """A fence's ``{.lang #id .class key=value}`` keeps its language only.

    The rest would reach the highlighter as options (``style=...`` even made it
    raise, ``css_class=...`` named the block's class) or the HTML as ids and
    classes: none of it is a commenter's to set."""

    def handle_attrs(
        self, attrs: Iterable[tuple[str, str | None]]
    ) -> tuple[str, list[str], dict[str, Any]]:
        _id, classes, _options = super().handle_attrs(attrs)
        return "", classes[:1], {}


def _markdown() -> markdown.Markdown:
    md = getattr(_local, "md", None)
    if md is None:
        md = markdown.Markdown(
            extensions=["fenced_code", "codehilite", "sane_lists", SmartTypography()],
            extension_configs={"codehilite": EXTENSION_CONFIGS["codehilite"]},
            output_format="html",
        )
        md.preprocessors.deregister("html_block")
        use_fences(md, _LanguageOnlyFences)
        md.inlinePatterns.deregister("html")
        _local.md = md
    return md


# Python-Markdown's link pattern is quadratic in unmatched '[' (8000 of them
# took 5.6 s). A comment with many brackets keeps its plain [text](url) links
# and has every other '[' escaped, which renders the same text in linear time.
_MANY_BRACKETS = 64
_PLAIN_LINK = re.compile(r"\[[^\[\]\n]{0,500}\]\([^()\s]{1,2000}\)")


def _defuse_brackets(source: str) -> str:
    if source.count("[") <= _MANY_BRACKETS:
        return source
    out: list[str] = []
    last = 0
    for match in _PLAIN_LINK.finditer(source):
        out.append(source[last : match.start()].replace("[", "\\["))
        out.append(match.group())
        last = match.end()
    out.append(source[last:].replace("[", "\\["))
    return "".join(out)


def _plain(source: str) -> str:
    """The text as escaped paragraphs: for input Markdown cannot nest that deep."""
    paragraphs = (p.strip() for p in source.replace("\r\n", "\n").split("\n\n"))
    return "".join(f"<p>{html.escape(p).replace(chr(10), '<br>')}</p>" for p in paragraphs if p)


def render_comment(source: str) -> str:
    md = _markdown()
    md.reset()
    try:
        rendered = md.convert(_defuse_brackets(source))
    except RecursionError:
        # Thousands of nested list markers on one line ("1. 1. 1. ..."): Python-
        # Markdown recurses per level. Keep every character, as plain text, and
        # drop this Markdown instance: its state is broken for the next comment.
        _local.md = None
        rendered = _plain(source)
    return sanitise_comment_html(rendered)
