"""Comment Markdown → safe HTML, rendered once at write time, within bounds.

The engine's Markdown minus raw HTML (the HTML block and inline HTML parsers
are removed, so ``<script>`` is text), with code highlighted only for the
languages ``comment_code`` allows; the result is sanitised with nh3.

Bounds: the size limit holds for the text Markdown actually parses
(``prepare``: tabs expanded), and every render runs in a worker process
with a time budget (``COMMENT_RENDER_TIMEOUT`` seconds, 2 by default): one
that overruns is killed and the comment refused, never a stuck server.
"""

from __future__ import annotations

import html
import re
import threading
from typing import Any

import markdown
from flask import Flask, current_app, has_app_context

from frostpress.content.typography import SmartTypography
from sidecar.errors import Invalid, Unavailable
from sidecar.security import sanitise_comment_html
from sidecar.services.comment_code import CommentCode
from sidecar.services.workers import Busy, Overran, shared_pool

__all__ = [
    "RenderBusy",
    "RenderTimeout",
    "init_app",
    "plain_html",
    "prepare",
    "render_comment",
    "render_here",
]

DEFAULTS: dict[str, Any] = {
    "COMMENT_RENDER_TIMEOUT": 2.0,  # seconds one comment may take to render
    # Seconds a render may wait for a free worker: enough for other renders to
    # finish or overrun, and for a killed worker's replacement to start (about
    # a second when the forkserver did not preload the renderer).
    "COMMENT_RENDER_WAIT": 5.0,
    "COMMENT_RENDER_WORKERS": 2,  # processes that render comments, per sidecar process
}
TAB_LENGTH = 4  # Python-Markdown's
_PRELOAD = (__name__,)


class RenderTimeout(Invalid):
    code = "render_timeout"


class RenderBusy(Unavailable):
    code = "render_busy"


def init_app(app: Flask) -> None:
    for name, value in DEFAULTS.items():
        app.config.setdefault(name, value)


_local = threading.local()


def _markdown() -> markdown.Markdown:
    md = getattr(_local, "md", None)
    if md is None:
        md = markdown.Markdown(
            extensions=[CommentCode(), "sane_lists", SmartTypography()],
            output_format="html",
            tab_length=TAB_LENGTH,
        )
        md.preprocessors.deregister("html_block")
        md.inlinePatterns.deregister("html")
        _local.md = md
    return md


def prepare(source: str) -> str:
    """The text Markdown parses, as its first step makes it: its own markers
    dropped, newlines made ``\\n``, tabs expanded (so up to 4 characters each)."""
    source = source.replace("\x02", "").replace("\x03", "")
    return source.replace("\r\n", "\n").replace("\r", "\n").expandtabs(TAB_LENGTH)


# Python-Markdown's link pattern is quadratic in unmatched '[' (8000 of them
# took 5.6 s). A comment with many brackets keeps its plain [text](url) links
# and has every other '[' escaped, which renders the same text in linear time
# (the backslashes it adds are read by the escape pattern, one step each).
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


def plain_html(source: str) -> str:
    """The text as escaped paragraphs: for input Markdown cannot nest that deep."""
    paragraphs = (p.strip() for p in source.split("\n\n"))
    return "".join(f"<p>{html.escape(p).replace(chr(10), '<br>')}</p>" for p in paragraphs if p)


def render_here(source: str) -> str:
    """Render in this process, with no time limit: what the workers run."""
    text = prepare(source)
    md = _markdown()
    md.reset()
    try:
        rendered = md.convert(_defuse_brackets(text))
    except RecursionError:
        # Thousands of nested list markers on one line ("1. 1. 1. ..."): Python-
        # Markdown recurses per level. Keep every character, as plain text, and
        # drop this Markdown instance: its state is broken for the next comment.
        _local.md = None
        rendered = plain_html(text)
    return sanitise_comment_html(rendered)


def render_comment(source: str) -> str:
    """``source`` as safe HTML, rendered in a worker within the time budget.

    Raises ``RenderTimeout`` (422) when the comment itself takes too long, and
    ``RenderBusy`` (503) when no worker could take it in time."""
    config = current_app.config if has_app_context() else DEFAULTS
    budget = float(config["COMMENT_RENDER_TIMEOUT"])
    wait = float(config["COMMENT_RENDER_WAIT"])
    pool = shared_pool(int(config["COMMENT_RENDER_WORKERS"]), _PRELOAD)
    try:
        return pool.run(render_here, source, budget=budget, wait=wait)
    except Overran:
        raise RenderTimeout(
            f"The comment took too long to render (over {budget:g} s): shorten its "
            "code blocks, or mark them as plain text.",
            fields={"body": f"took over {budget:g} s to render"},
        ) from None
    except Busy:
        raise RenderBusy("Too many comments are being rendered; try again in a moment.") from None
