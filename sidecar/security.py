"""Small security helpers: safe redirects and sanitising."""

from __future__ import annotations

import re

import nh3

__all__ = ["safe_next_url", "sanitise_comment_html"]

# What survives in a comment (DESIGN.md): paragraphs, emphasis, code and code
# blocks (with Pygments' classes), quotes, lists, links. Never images, svg,
# math, style or iframe.
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
    "code": {"class"},
    "ol": {"start"},
}
COMMENT_SCHEMES = {"http", "https", "mailto"}
LINK_REL = "nofollow ugc noopener noreferrer"
_CLASS_OK = re.compile(r"^[a-z0-9 _-]{1,64}$")


def _filter_attribute(tag: str, attribute: str, value: str) -> str | None:
    if attribute == "class" and not _CLASS_OK.match(value):
        return None  # only Pygments' short class names, nothing to style with
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
