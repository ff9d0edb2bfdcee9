"""The quick inline stage renders exactly what Python-Markdown's own stage renders."""

from __future__ import annotations

import random
import re
import xml.etree.ElementTree as etree
from pathlib import Path

import markdown
import pytest
from markdown.inlinepatterns import Pattern

from frostpress.content.fences import use_fences
from frostpress.content.inline import QuickInline, use_quick_inline
from frostpress.content.markdown import EXTENSION_CONFIGS, EXTENSIONS, render_markdown

REPO = Path(__file__).resolve().parents[2]

SAMPLES = [
    "Plain prose with no markup at all, only words and a full stop.",
    "*em* **strong** ***both*** _em_ __strong__ ___both___ a*b*c snake_case_word",
    "**strong with *em* inside** and *em with **strong** inside* and `code *not em*`",
    "A [link](/posts/a/ 'title') and ![image](/img.png) and [ref][r] and [short]\n\n"
    "[r]: /posts/r/\n[short]: /posts/s/",
    "[**bold link** with `code`](/x/) and [*em* link][r]\n\n[r]: /r/",
    "Escapes \\*not em\\* and \\`not code\\` and \\[not a link\\](x) and a \\\\ backslash",
    "``code with ` inside`` and `a` `b` `` ` ``",
    "<https://example.org/path?q=1> and <someone@example.org> and <span class=x>*raw*</span>",
    "Entities &amp; &copy; &#169; &#xA9; and a bare & ampersand and 1 < 2 > 0",
    "Footnote here[^1] and another[^note].\n\n[^1]: The *first*.\n[^note]: With `code`.",
    "Line with two trailing spaces  \nbreaks here, and *emphasis\nacross lines*.",
    "- item with *em*\n- item with [link](/l/)\n  - nested **strong**\n\n1. one `c`\n2. two",
    "| a | *b* |\n|---|---|\n| `c` | [d](/d/) |",
    "> quote with **strong** and\n> a [link](/q/)\n\n## Heading *em* `code`\n\ntext",
    'Term\n:   definition with *em*\n\n!!! note "Title *x*"\n    admonition **body**',
    '<div markdown="1">\n*inside html* and [link](/h/)\n</div>',
    "*unclosed em and **unclosed strong and [unclosed link and `unclosed code",
    "Nested [link [with] brackets](/n/) and [empty]() and ![](/e.png)",
    'Quotes "double" and \'single\' -- dashes --- and ellipsis... in *"em"*',
]


def _stock() -> markdown.Markdown:
    md = markdown.Markdown(
        extensions=EXTENSIONS, extension_configs=EXTENSION_CONFIGS, output_format="html"
    )
    use_fences(md)
    return md


def _quick() -> markdown.Markdown:
    md = _stock()
    use_quick_inline(md)
    assert isinstance(md.treeprocessors["inline"], QuickInline)
    return md


def _both(text: str, stock: markdown.Markdown, quick: markdown.Markdown) -> tuple[str, str]:
    stock.reset()
    quick.reset()
    return stock.convert(text), quick.convert(text)


@pytest.mark.parametrize("text", SAMPLES)
def test_each_inline_construct_renders_as_python_markdown_renders_it(text: str) -> None:
    expected, got = _both(text, _stock(), _quick())
    assert got == expected


def test_shuffled_markup_renders_as_python_markdown_renders_it() -> None:
    """Random runs of inline markup characters and words: the cases nobody wrote down."""
    pieces = ["*", "**", "_", "`", "[", "]", "(", ")", "!", "<", ">", "&", "\\", "  \n", "#", ":"]
    words = ["word", "x", "/a/", "b@c.d", "http://e.f", "amp;", "[^1]", "span"]
    stock, quick = _stock(), _quick()
    generator = random.Random(20261203)
    for _ in range(400):
        text = "".join(
            generator.choice(pieces) if generator.random() < 0.4 else " " + generator.choice(words)
            for _ in range(generator.randint(1, 40))
        )
        expected, got = _both(text, stock, quick)
        assert got == expected, text


def test_the_example_site_renders_as_python_markdown_renders_it() -> None:
    stock, quick = _stock(), _quick()
    sources = sorted((REPO / "content").rglob("*.md")) + sorted(
        (REPO / "tests" / "fixtures").rglob("*.md")
    )
    assert len(sources) >= 10
    for source in sources:
        expected, got = _both(source.read_text(encoding="utf-8"), stock, quick)
        assert got == expected, source


class _Shout(Pattern):
    """An extension's old-style pattern: ``!!word!!`` → <strong>WORD</strong>."""

    def handleMatch(self, m: re.Match[str]) -> etree.Element:
        element = etree.Element("strong")
        element.text = m.group(2).upper()
        return element


def test_an_extensions_old_style_pattern_is_still_applied() -> None:
    md = _stock()
    md.inlinePatterns.register(_Shout(r"!!(\w+)!!", md), "shout", 175)
    use_quick_inline(md)
    assert md.convert("Say !!hello!! *now*") == "<p>Say <strong>HELLO</strong> <em>now</em></p>"


def test_a_pattern_registered_after_the_first_document_is_applied() -> None:
    md = _quick()
    assert md.convert("!!late!!") == "<p>!!late!!</p>"
    md.inlinePatterns.register(_Shout(r"!!(\w+)!!", md), "shout", 175)
    md.reset()
    assert md.convert("!!late!!") == "<p><strong>LATE</strong></p>"


def test_the_authors_renderer_renders_inline_markup() -> None:
    out = render_markdown("A *b* [c](/d/) `e` &amp; plain.").html
    assert out == '<p>A <em>b</em> <a href="/d/">c</a> <code>e</code> &amp; plain.</p>'
