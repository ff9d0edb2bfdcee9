"""The authors' Markdown renderer: Python-Markdown + Pygments, one instance per process.

Authors are trusted (they commit to the repository), so raw HTML is allowed in
posts. Python-Markdown keeps state between ``convert()`` calls (footnotes,
heading ids), so every document gets ``reset()`` first.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from functools import cache
from importlib.metadata import version
from typing import Any, ClassVar

import markdown
from pygments.formatters.html import HtmlFormatter

from frostpress.content.fences import use_fences
from frostpress.content.inline import use_quick_inline
from frostpress.content.slugs import slugify
from frostpress.content.typography import SmartTypography
from frostpress.digests import fingerprint

__all__ = ["Rendered", "rebase_links", "render_markdown", "renderer_fingerprint", "strip_tags"]


class _HtmlFormatter(HtmlFormatter):  # type: ignore[type-arg]
    """Pygments' HTML formatter, building its style tables once per style.

    The stock formatter rebuilds them for every code block (about a third of
    a millisecond each); the tables depend only on the style and prefix.
    """

    _tables: ClassVar[dict[tuple[Any, str], tuple[dict[Any, str], dict[str, Any]]]] = {}

    def _create_stylesheet(self) -> None:
        key = (self.style, self.classprefix)
        if key not in self._tables:
            super()._create_stylesheet()  # type: ignore[misc]  # (Pygments' own, not in its stubs)
            self._tables[key] = (self.ttype2class, self.class2style)  # type: ignore[has-type]
        self.ttype2class, self.class2style = self._tables[key]


EXTENSIONS: list[Any] = [
    "abbr",
    "admonition",
    "attr_list",
    "def_list",
    "fenced_code",
    "footnotes",
    "md_in_html",
    "sane_lists",
    "tables",
    "toc",
    "codehilite",
    SmartTypography(),
]
EXTENSION_CONFIGS: dict[str, dict[str, Any]] = {
    "codehilite": {
        "css_class": "highlight",
        "guess_lang": False,
        "pygments_formatter": _HtmlFormatter,
    },
    "footnotes": {"BACKLINK_TITLE": "Back to reference %d"},
    "toc": {
        "permalink": "#",
        "permalink_class": "headerlink",
        "permalink_title": "Link to this section",
        "toc_depth": "2-4",
        "slugify": lambda value, separator: slugify(value) or "section",
    },
}

_TAG = re.compile(r"<[^>]+>")
_PRE = re.compile(r"<pre\b.*?</pre>", re.S)
_WORD = re.compile(r"\w[\w'’-]*")
_FIRST_P = re.compile(r"<p>(.*?)</p>", re.S)
_LINK = re.compile(r"""\b(?:href|src)=["'](/(?!/)[^"'#?]*)""")


@dataclass(frozen=True)
class Rendered:
    html: str | None  # None once the render cache holds it
    toc_html: str
    text: str  # the prose, as strip_tags gives it: for search and the manifest
    first_paragraph: str
    word_count: int
    links: tuple[tuple[str, int], ...]  # (root-relative URL, 1-based line in the body)

    def as_dict(self) -> dict[str, Any]:
        return {
            "html": self.html,
            "toc_html": self.toc_html,
            "text": self.text,
            "first_paragraph": self.first_paragraph,
            "word_count": self.word_count,
            "links": [list(x) for x in self.links],
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Rendered:
        return cls(
            data["html"],
            data["toc_html"],
            data["text"],
            data["first_paragraph"],
            data["word_count"],
            tuple((str(a), int(b)) for a, b in data["links"]),
        )


@cache
def _markdown() -> markdown.Markdown:
    md = markdown.Markdown(
        extensions=EXTENSIONS, extension_configs=EXTENSION_CONFIGS, output_format="html"
    )
    use_fences(md)
    use_quick_inline(md)
    return md


def _describe(value: Any) -> str:
    if isinstance(value, str | int | float | bool):
        return repr(value)
    return getattr(value, "__qualname__", type(value).__qualname__)


@cache
def renderer_fingerprint() -> str:
    """Changes whenever the rendered output of the same source could change."""
    names = [e if isinstance(e, str) else type(e).__name__ for e in EXTENSIONS]
    parts = [
        version("markdown"),
        version("pygments"),
        repr(names),
        repr(
            sorted(
                (k, sorted((o, _describe(v)) for o, v in opts.items()))
                for k, opts in EXTENSION_CONFIGS.items()
            )
        ),
        "frostpress-render-4",
    ]
    return fingerprint(*parts, length=16)


_MARKS = re.compile(r'<a class="(?:headerlink|footnote-backref)"[^>]*>.*?</a>', re.S)


def strip_tags(fragment: str) -> str:
    """The prose of an HTML fragment, for summaries, feeds and search: tags and
    the marks of headings' permalinks ("#") and footnotes' way back ("↩") gone,
    entities decoded, spaces collapsed."""
    prose = _TAG.sub(" ", _MARKS.sub("", fragment))
    return " ".join(html.unescape(prose).split())


def _find_line(body: str, url: str) -> int:
    """The body line holding ``url`` exactly (not a longer URL that starts with it)."""
    match = re.search(re.escape(url) + r"""(?=[\s)"'#?>\]]|$)""", body, re.M)
    return body.count("\n", 0, match.start()) + 1 if match else 1


def render_markdown(body: str) -> Rendered:
    md = _markdown()
    md.reset()
    body_html = md.convert(body)
    toc_html = getattr(md, "toc", "")
    if "<li>" not in toc_html:
        toc_html = ""
    first = _FIRST_P.search(body_html)
    prose = _TAG.sub(" ", _PRE.sub(" ", body_html))
    links = tuple(dict.fromkeys((url, _find_line(body, url)) for url in _LINK.findall(body_html)))
    return Rendered(
        html=body_html,
        toc_html=toc_html,
        text=strip_tags(body_html),
        first_paragraph=first.group(1).strip() if first else "",
        word_count=len(_WORD.findall(html.unescape(prose))),
        links=links,
    )


_ROOT_LINK = re.compile(r'\b(href|src)="/(?!/)')


def rebase_links(fragment: str, base_path: str) -> str:
    """Root-relative links in Markdown follow the site's base path (``/blog/``)."""
    if base_path == "/":
        return fragment
    return _ROOT_LINK.sub(lambda m: f'{m.group(1)}="{base_path}', fragment)


def render_inline(text: str) -> str:
    """A short Markdown text (a summary) → HTML without the surrounding ``<p>``."""
    md = _markdown()
    md.reset()
    out = md.convert(text)
    match = _FIRST_P.fullmatch(out.strip())
    return match.group(1) if match else out
