"""Code blocks in comments: highlighted for a short list of languages, plain otherwise.

Authors' posts keep every Pygments lexer (``frostpress.content.markdown``). A
commenter picks from the common languages below: some of the ~600 other lexers
take seconds on a few kilobytes of hostile text (``bench/render_bench.py``
measures the ones allowed here). A fence's language (```` ```python ````,
```` ```{.python} ````) and an indented block's ``:::python`` or ``#!python``
line go through the same list; any other language is shown as plain text.

A commenter sets nothing else: the rest of a fence's ``{...}`` (more classes,
an id, Pygments options such as ``linenos`` or ``cssclass``) is ignored, and
code blocks never get line numbers.
"""

from __future__ import annotations

import xml.etree.ElementTree as etree
from typing import Any

from markdown import Markdown
from markdown.extensions import Extension
from markdown.extensions.attr_list import get_attrs_and_remainder
from markdown.extensions.codehilite import CodeHilite, HiliteTreeprocessor
from markdown.extensions.fenced_code import FencedBlockPreprocessor
from pygments.lexers import get_all_lexers

from frostpress.content.markdown import EXTENSION_CONFIGS

__all__ = ["LANGUAGES", "CommentCode", "comment_language"]

# Pygments names of the lexers a comment may use; each lexer's other names
# work too (py, js, ts, sh, shell, yml, c++, golang, rs, ...). C#, Makefile and
# R are left out: each takes 1.5-7 s on 8 KB of hostile input.
LANGUAGES = (
    "bash",
    "c",
    "console",
    "cpp",
    "css",
    "dart",
    "diff",
    "docker",
    "elixir",
    "go",
    "haskell",
    "html",
    "ini",
    "java",
    "javascript",
    "json",
    "jsx",
    "kotlin",
    "lua",
    "markdown",
    "php",
    "powershell",
    "pycon",
    "python",
    "ruby",
    "rust",
    "scala",
    "scss",
    "sql",
    "swift",
    "text",
    "toml",
    "typescript",
    "xml",
    "yaml",
)
PLAIN = "text"


def _aliases() -> dict[str, str]:
    """Every name of an allowed lexer → the name it is listed under."""
    wanted = set(LANGUAGES)
    found: dict[str, str] = {}
    for _name, aliases, _files, _types in get_all_lexers(plugins=False):
        listed = wanted.intersection(aliases)
        for alias in aliases if listed else ():
            found[alias] = min(listed)
    return found


_ALIASES = _aliases()


def comment_language(lang: str | None) -> str:
    """The lexer a comment's code block is highlighted with: its language if
    allowed, else plain text."""
    return _ALIASES.get((lang or "").strip().lower(), PLAIN)


# The options every comment code block gets, whatever its fence says: the
# engine's (wrapper class, formatter, no guessing), Pygments' default style,
# and no line numbers.
_OPTIONS: dict[str, Any] = {
    **EXTENSION_CONFIGS["codehilite"],
    "style": "default",
    "noclasses": False,
    "linenums": False,
}


class _CommentBlock(CodeHilite):
    def hilite(self, shebang: bool = True) -> str:
        if self.lang is None and shebang:
            self.src = self.src.strip("\n")
            # Takes ":::python" off the first line (private: not in Markdown's stubs).
            self._parseHeader()  # type: ignore[attr-defined]
            self.options["hl_lines"] = []
        self.lang = comment_language(self.lang)
        return super().hilite(shebang=False)


def highlight_block(code: str, lang: str | None = None, *, header: bool = False) -> str:
    """One code block as comment HTML; ``header``: its first line may name the language."""
    return _CommentBlock(code, lang=lang, **_OPTIONS).hilite(shebang=header)


class _FencedCode(FencedBlockPreprocessor):
    """Python-Markdown's fences (``` and ~~~, found by its own pattern), keeping
    only the language of the info string."""

    def run(self, lines: list[str]) -> list[str]:
        text = "\n".join(lines)
        index = 0
        while match := self.FENCED_BLOCK_RE.search(text, index):
            lang = match.group("lang")
            if match.group("attrs"):
                attrs, remainder = get_attrs_and_remainder(match.group("attrs"))
                if remainder:  # unbalanced braces: not a fence, as upstream
                    index = match.end("attrs")
                    continue
                lang = next((value for key, value in attrs if key == "."), None)
            placeholder = self.md.htmlStash.store(highlight_block(match.group("code"), lang))
            text = f"{text[: match.start()]}\n{placeholder}\n{text[match.end() :]}"
            index = match.start() + 1 + len(placeholder)
        return text.split("\n")


class _IndentedCode(HiliteTreeprocessor):
    """Indented code blocks, highlighted as plain text unless their first line
    names an allowed language."""

    def run(self, root: etree.Element) -> None:
        for block in root.iter("pre"):
            if len(block) == 1 and block[0].tag == "code" and block[0].text is not None:
                code = self.code_unescape(block[0].text)
                placeholder = self.md.htmlStash.store(highlight_block(code, header=True))
                block.clear()
                block.tag, block.text = "p", placeholder  # the stash puts the HTML back


class CommentCode(Extension):
    """Fenced and indented code for comments, in place of ``fenced_code`` + ``codehilite``."""

    def extendMarkdown(self, md: Markdown) -> None:
        md.registerExtension(self)
        md.preprocessors.register(_FencedCode(md, {}), "fenced_code_block", 25)
        md.treeprocessors.register(_IndentedCode(md), "hilite", 30)
