"""Small security helpers: safe redirects and sanitising."""

from __future__ import annotations

import nh3
from pygments.token import STANDARD_TYPES

__all__ = ["safe_next_url", "sanitise_comment_html"]

# What survives in a comment (DESIGN.md): paragraphs, emphasis, code and code
# blocks (with Pygments' classes only), quotes, lists, links. Never images,
# svg, math, style or iframe.
COMMENT_TAGS = {
    "p",
    "br",
    "em",
    "strong",
    "del",
    "code",
    "pre",
    "blockquote",
    "ul",
    "ol",
    "li",
    "a",
    "div",
    "span",
    "hr",
    "h3",
    "h4",
    "h5",
    "h6",
}
COMMENT_ATTRIBUTES = {
    "a": {"href", "title"},
    "span": {"class"},
    "div": {"class"},
    "ol": {"start"},
}
COMMENT_SCHEMES = {"http", "https", "mailto"}
LINK_REL = "nofollow ugc noopener noreferrer"
# The classes Pygments' HTML formatter gives a code block: the wrapper div, and
# one short class per token type. Nothing else, so a comment can neither look
# like the site's own parts (a notice, the widget's buttons) nor be found as one.
COMMENT_CLASSES = {
    "div": frozenset({"highlight"}),
    "span": frozenset(STANDARD_TYPES.values()) - {""},
}


# Bidi controls and invisible characters: in a link they make the address read
# other than it is ("https://ok.example/\u202egnp.exe" shows as "exe.png").
_HIDDEN = "\u061c\u200b\u200c\u200d\u200e\u200f\u202a\u202b\u202c\u202d\u202e"
_HIDDEN += "\u2066\u2067\u2068\u2069\ufeff"
_ENCODED = {ord(c): "".join(f"%{byte:02X}" for byte in c.encode()) for c in _HIDDEN}
_DROPPED = dict.fromkeys(map(ord, _HIDDEN))


def _filter_attribute(tag: str, attribute: str, value: str) -> str | None:
    if attribute == "class":
        allowed = COMMENT_CLASSES.get(tag, frozenset())
        kept = " ".join(name for name in value.split() if name in allowed)
        return kept or None
    if attribute == "href":
        return value.translate(_ENCODED)  # the address still works, and reads as it is
    if attribute == "title":
        return value.translate(_DROPPED)
    return value


def sanitise_comment_html(html: str) -> str:
    return nh3.clean(
        html,
        tags=COMMENT_TAGS,
        attributes=COMMENT_ATTRIBUTES,
        url_schemes=COMMENT_SCHEMES,
        link_rel=LINK_REL,
        attribute_filter=_filter_attribute,
        strip_comments=True,
    )


def safe_next_url(target: str | None, default: str = "/") -> str:
    """Only same-site paths: one leading '/', no scheme, no backslash, no '//'."""
    if not target or not target.startswith("/") or target.startswith("//"):
        return default
    if "\\" in target or any(ord(c) < 32 for c in target) or ":" in target.split("/")[1]:
        return default
    return target
