"""The authors' Markdown: what each feature looks like in the HTML readers get."""

from __future__ import annotations

import html
import re

import pytest

from frostpress.content.markdown import Rendered, render_markdown, renderer_fingerprint, strip_tags


def html_of(body: str) -> str:
    """The body's HTML, straight from the renderer (the render cache is what empties it)."""
    out = render_markdown(body).html
    assert out is not None
    return out


def text_of(fragment: str) -> str:
    """The HTML with entities decoded, so “ and &ldquo; read the same."""
    return html.unescape(fragment)


# -- code ------------------------------------------------------------------------------


def test_fenced_code_is_highlighted_with_pygments_classes() -> None:
    out = html_of('```python\ndef greet():\n    return "hi"\n```\n')
    assert '<div class="highlight"><pre>' in out
    assert '<span class="k">def</span>' in out
    assert '<span class="nf">greet</span>' in out
    assert "style=" not in out  # colours come from the stylesheet, not inline styles


def test_code_without_language_is_not_guessed() -> None:
    out = html_of("```\nSELECT 1;\n```\n")
    assert '<span class="k">' not in out
    assert "SELECT 1;" in out


def test_quotes_and_dashes_in_code_stay_straight() -> None:
    out = text_of(html_of('Use `"x" -- y` here.\n\n```\nprint("a") -- b\n```\n'))
    assert '<code>"x" -- y</code>' in out
    assert 'print("a") -- b' in out
    assert "“" not in out and "–" not in out


# -- block features --------------------------------------------------------------------


def test_tables() -> None:
    out = html_of("| Name | Size |\n|------|-----:|\n| a.md | 12 |\n")
    assert "<table>" in out and "<thead>" in out and "<tbody>" in out
    assert "<th>Name</th>" in out
    assert re.search(r'<td( style="text-align: right;")?>12</td>', out)


def test_footnotes() -> None:
    out = html_of("Claim[^1].\n\n[^1]: The source.\n")
    assert '<sup id="fnref:1"><a class="footnote-ref" href="#fn:1">1</a></sup>' in out
    assert '<div class="footnote">' in out
    assert '<li id="fn:1">' in out and "The source." in out
    assert 'title="Back to reference 1"' in out


def test_table_of_contents_and_heading_anchors() -> None:
    rendered = render_markdown(
        "## Getting started\n\nText.\n\n### Détails ici\n\n## Getting started\n\n## ???\n"
    )
    out = rendered.html
    assert out is not None
    assert (
        '<h2 id="getting-started">Getting started<a class="headerlink" '
        'href="#getting-started" title="Link to this section">#</a></h2>' in out
    )
    assert '<h3 id="details-ici">' in out
    assert '<h2 id="getting-started_1">' in out  # unique within a document
    assert '<h2 id="section">' in out  # nothing to slugify
    assert '<div class="toc">' in rendered.toc_html
    assert '<a href="#getting-started">Getting started</a>' in rendered.toc_html
    assert '<a href="#details-ici">Détails ici</a>' in rendered.toc_html


def test_no_toc_without_section_headings() -> None:
    assert render_markdown("# Only a title\n\nText.\n").toc_html == ""
    assert render_markdown("Just text.\n").toc_html == ""


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ('He said "hello".', "He said “hello”."),
        ("It's fine.", "It’s fine."),
        ("'single'", "‘single’"),
        ("pages 3--5", "pages 3–5"),
        ("wait---what", "wait—what"),
        ("and so on...", "and so on…"),
        ('"*emphasis*" closes', "“<em>emphasis</em>” closes"),
        ("back in the '90s", "back in the ’90s"),
    ],
)
def test_smart_punctuation(source: str, expected: str) -> None:
    assert text_of(html_of(source + "\n")) == f"<p>{expected}</p>"


def test_admonition() -> None:
    out = html_of('!!! note "Heads up"\n    Mind the *gap*.\n')
    assert '<div class="admonition note">' in out
    assert '<p class="admonition-title">Heads up</p>' in out
    assert "<p>Mind the <em>gap</em>.</p>" in out


def test_definition_lists_abbreviations_and_attributes() -> None:
    out = html_of(
        "Static\n:   Served as files.\n\nThe HTML spec.\n{: .lead }\n\n"
        "*[HTML]: HyperText Markup Language\n"
    )
    assert "<dl>" in out and "<dt>Static</dt>" in out and "<dd>Served as files.</dd>" in out
    assert '<abbr title="HyperText Markup Language">HTML</abbr>' in out
    assert '<p class="lead">' in out


def test_raw_html_passes_through() -> None:
    source = (
        '<figure class="wide"><img src="/media/a.png" alt="A"></figure>\n\n'
        '<iframe src="https://example.org/embed"></iframe>\n\n'
        'Inline <kbd>Ctrl</kbd> and <span class="x">span</span>.\n'
    )
    out = html_of(source)
    assert '<figure class="wide"><img src="/media/a.png" alt="A"></figure>' in out
    assert '<iframe src="https://example.org/embed"></iframe>' in out
    assert "<kbd>Ctrl</kbd>" in out and '<span class="x">span</span>' in out


# -- independent documents ---------------------------------------------------------------


def test_documents_do_not_leak_into_each_other() -> None:
    first = render_markdown(
        "## Intro\n\nOne[^a].\n\n[^a]: First note.\n\n*[API]: Application Programming Interface\n"
    )
    second = render_markdown("## Intro\n\nTwo API calls, no notes.\n")
    assert first.html is not None and second.html is not None
    assert 'id="intro"' in first.html and 'id="intro"' in second.html
    assert "intro_1" not in second.html
    assert "footnote" not in second.html and "First note" not in second.html
    assert "<abbr" not in second.html
    assert "intro" in second.toc_html and second.toc_html.count("<li>") == 1


def test_footnote_numbers_restart_in_each_document() -> None:
    render_markdown("A[^x] B[^y].\n\n[^x]: X.\n[^y]: Y.\n")
    out = html_of("C[^z].\n\n[^z]: Z.\n")
    assert 'href="#fn:z"' in out and ">1</a></sup>" in out and ">2</a>" not in out


def test_same_source_renders_identically() -> None:
    source = '## A\n\nText[^1] "q".\n\n[^1]: n\n'
    assert render_markdown(source) == render_markdown(source)


# -- what the loader uses ------------------------------------------------------------------


def test_links_are_root_relative_with_their_body_line() -> None:
    source = (
        "Intro with [a post](/posts/hello/).\n"
        "\n"
        '![cover](/media/cover.png "Cover")\n'
        '<a href="/about/">about</a> and [again](/posts/hello/)\n'
        "[part](/tags/python/#top) [query](/archive/?y=2024)\n"
        "[ext](https://example.org/) [anchor](#intro) [mail](mailto:a@b.c)\n"
        "\n"
        "[ref]: /posts/by-reference/\n"
        "Use [the ref][ref].\n"
    )
    assert render_markdown(source).links == (
        ("/posts/hello/", 1),
        ("/media/cover.png", 3),
        ("/about/", 4),
        ("/tags/python/", 5),
        ("/archive/", 5),
        ("/posts/by-reference/", 8),
    )


def test_links_in_code_are_not_links() -> None:
    source = '`[x](/posts/in-code/)`\n\n```html\n<a href="/posts/in-block/">x</a>\n```\n'
    assert render_markdown(source).links == ()


def test_protocol_relative_urls_are_not_root_relative_links() -> None:
    assert render_markdown("[cdn](//cdn.example.org/lib.js)\n").links == ()


def test_first_paragraph_and_word_count() -> None:
    rendered = render_markdown(
        "# Title\n\nThe *first* paragraph here.\n\nSecond.\n\n```\nnot counted at all\n```\n"
    )
    assert rendered.first_paragraph == "The <em>first</em> paragraph here."
    assert rendered.word_count == 6  # Title + 4 + Second


def test_rendered_round_trips_through_plain_data() -> None:
    rendered = render_markdown("## H\n\n[x](/posts/x/)\n")
    assert isinstance(rendered, Rendered)
    assert Rendered.from_dict(rendered.as_dict()) == rendered


def test_renderer_fingerprint_is_stable() -> None:
    assert renderer_fingerprint() == renderer_fingerprint()
    assert re.fullmatch(r"[0-9a-f]{16}", renderer_fingerprint())


@pytest.mark.parametrize(
    "attributes", ["style=x", "lang=x", "src=x", "pygments_style=nope", '#id style="color:red"']
)
def test_a_fence_attribute_never_breaks_the_renderer(attributes: str) -> None:
    """They reached CodeHilite as arguments: a TypeError or ClassNotFound, not a page."""
    html = html_of(f"```{{.python {attributes}}}\nx = 1\n```\n")
    assert html.startswith('<div class="highlight"><pre>'), html
    assert '<span class="n">x</span>' in html


def test_headings_in_other_scripts_get_readable_anchors() -> None:
    out = html_of("## Привет мир\n\nText.\n\n## 日本語\n")
    assert '<h2 id="privet-mir">' in out and '<h2 id="ri-ben-yu">' in out


def test_extracted_text_has_no_permalink_or_footnote_return_marks() -> None:
    body = "## Why plain text\n\nMarkdown's charm.[^1]\n\n### Q&A\n\nYes.\n\n[^1]: A note.\n"
    text = strip_tags(html_of(body))
    assert text == "Why plain text Markdown’s charm. 1 Q&A Yes. A note."
