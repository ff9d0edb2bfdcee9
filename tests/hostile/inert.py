"""Is this HTML inert? The checks every hostile-input sink is held to.

- ``comment_problems(html)``: sanitised comment HTML (DESIGN.md "what survives
  in a comment"): only the allowed tags and attributes, Pygments' classes,
  links with web or mail schemes and the forced ``rel``.
- ``page_problems(html, baseline)``: a whole page that shows hostile text: no
  ``on*`` attribute and no unsafe URL anywhere, no active element (script,
  iframe, form ...) the same page does not have without the hostile text, and
  every comment body (``<div class="body">``) held to ``comment_problems``.
- Bidi controls are looked for in addresses and titles, where they make a link
  or its tooltip read other than it is.
- ``assert_inert`` keeps the older single-fragment form for tests/sidecar.

URL schemes are read as a browser does: entities decoded (the parser does it),
whitespace and control characters removed, lower-cased.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

from pygments.token import STANDARD_TYPES

__all__ = [
    "REL",
    "SAFE_TAGS",
    "Parsed",
    "assert_inert",
    "attribute_problems",
    "comment_problems",
    "page_problems",
    "scheme_of",
    "snippet_problems",
]

# What may survive in a comment (DESIGN.md), plus the div/span/class of highlighted code.
SAFE_TAGS = {
    *("p", "br", "em", "strong", "del", "code", "pre", "blockquote", "ul", "ol", "li"),
    *("a", "div", "span", "hr", "h1", "h2", "h3", "h4", "h5", "h6"),
}
SAFE_ATTRIBUTES = {
    "a": {"href", "title", "rel"},
    "code": {"class"},
    "div": {"class"},
    "span": {"class"},
    "ol": {"start"},
}
REL = "nofollow ugc noopener noreferrer"
SAFE_SCHEMES = {"http", "https", "mailto"}
PYGMENTS_CLASSES = {name for name in STANDARD_TYPES.values() if name} | {"highlight"}
# Never in comment output, and never more of them on a page than it has anyway.
ACTIVE_TAGS = {
    *("script", "style", "iframe", "frame", "frameset", "object", "embed", "applet"),
    *("svg", "math", "img", "form", "input", "button", "textarea", "select", "base"),
    *("meta", "link", "template", "noscript", "xmp", "plaintext", "video", "audio"),
    *("source", "marquee", "isindex", "details"),
}
URL_ATTRIBUTES = {"href", "src", "action", "formaction", "data", "xlink:href", "srcdoc", "poster"}
BIDI = set("\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
# A browser's URL parser trims C0 controls and spaces at the ends and drops tabs
# and newlines anywhere; other controls are dropped too, to be safe.
_TRIMMED = "".join(map(chr, range(0x21)))
_IGNORED_IN_URLS = re.compile(r"[\x00-\x1f\x7f-\x9f]+")
_SCHEME = re.compile(r"^([a-z][a-z0-9+.\-]*):")

Attributes = dict[str, str | None]


class Parsed(HTMLParser):
    """Start tags in order (with ``inside_body``: within a ``div.body``), and the text."""

    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=True)
        self.elements: list[tuple[str, Attributes]] = []
        self.bodies: list[list[tuple[str, Attributes]]] = []  # each div.body's elements
        self._depth = 0  # open divs inside the current div.body
        self.text = ""
        self.feed(html)
        self.close()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        self.elements.append((tag, attributes))
        if self._depth:
            self.bodies[-1].append((tag, attributes))
            self._depth += tag == "div"
        elif tag == "div" and attributes.get("class") == "body":
            self.bodies.append([])
            self._depth = 1

    def handle_endtag(self, tag: str) -> None:
        if self._depth and tag == "div":
            self._depth -= 1

    def handle_data(self, data: str) -> None:
        self.text += data


def scheme_of(url: str) -> str | None:
    """The scheme a browser would use for ``url`` (entities already decoded), or None."""
    match = _SCHEME.match(_IGNORED_IN_URLS.sub("", url.strip(_TRIMMED)).lower())
    return match.group(1) if match else None


def attribute_problems(tag: str, attributes: Attributes, *, titles: bool = True) -> list[str]:
    """Handlers, unsafe schemes, and bidi controls in addresses (and in ``title``
    unless ``titles`` is false: an author's own right-to-left text may use them)."""
    problems = []
    for name, value in attributes.items():
        if name.startswith("on"):
            problems.append(f"<{tag} {name}=...>: an event handler")
        if name in URL_ATTRIBUTES and value:
            scheme = scheme_of(value)
            if scheme is not None and scheme not in SAFE_SCHEMES:
                problems.append(f"<{tag} {name}={value!r}>: scheme {scheme}")
        checked = name in URL_ATTRIBUTES or (titles and name == "title")
        if checked and value and BIDI & set(value):
            problems.append(f"<{tag} {name}={value!r}>: a bidi control left in an attribute")
    return problems


def _element_problems(tag: str, attributes: Attributes) -> list[str]:
    problems = attribute_problems(tag, attributes)
    if tag not in SAFE_TAGS:
        return [*problems, f"<{tag}> survived"]
    extra = set(attributes) - SAFE_ATTRIBUTES.get(tag, set())
    if extra:
        problems.append(f"<{tag}> kept attributes {sorted(extra)}")
    if "class" in attributes:
        unknown = set((attributes["class"] or "").split()) - PYGMENTS_CLASSES
        if unknown:
            problems.append(f"<{tag}> has classes {sorted(unknown)} that are not Pygments'")
    if tag == "a" and attributes.get("rel") != REL:
        problems.append(f"<a> with rel {attributes.get('rel')!r}, not {REL!r}")
    return problems


def comment_problems(html: str) -> list[str]:
    """What is not inert in sanitised comment HTML ([] when it is)."""
    parsed = Parsed(html)
    return [problem for element in parsed.elements for problem in _element_problems(*element)]


def snippet_problems(html: str) -> list[str]:
    """A search snippet is escaped text with ``<mark>`` around the matches, nothing else."""
    return [
        f"<{tag} {attributes}> in a snippet"
        for tag, attributes in Parsed(html).elements
        if tag != "mark" or attributes
    ]


def _active(parsed: Parsed) -> set[str]:
    """The page's active elements: tag, attribute names and addresses (ids as N),
    so a comment's own form matches the next comment's, and a name shown in an
    attribute changes nothing."""
    return {
        f"<{tag} {sorted(attributes)} "
        + " ".join(
            re.sub(r"\d+", "N", attributes[name] or "")
            for name in sorted(attributes)
            if name in URL_ATTRIBUTES
        )
        + ">"
        for tag, attributes in parsed.elements
        if tag in ACTIVE_TAGS
    }


def page_problems(html: str, baseline: str) -> list[str]:
    """What hostile text made active in a page, compared with the page without it."""
    parsed = Parsed(html)
    problems = [p for element in parsed.elements for p in attribute_problems(*element)]
    added = _active(parsed) - _active(Parsed(baseline))
    problems += [f"{element} is not on the page without the hostile text" for element in added]
    for body in parsed.bodies:
        problems += [p for element in body for p in _element_problems(*element)]
    return problems


def assert_inert(html: str) -> Parsed:
    problems = comment_problems(html)
    assert not problems, (problems, html)
    return Parsed(html)
