"""Fenced code blocks whose ``{...}`` attribute list cannot break the renderer.

Python-Markdown hands a fence's ``key=value`` attributes to CodeHilite as
keyword arguments: ``style=``, ``lang=`` or ``src=`` collide with its own
arguments (a TypeError), and an unknown ``pygments_style`` is a ClassNotFound,
both raised out of ``convert()``. Those attributes are dropped here, so the
block renders with the site's highlighting instead.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import markdown
from markdown.extensions.fenced_code import FencedBlockPreprocessor
from pygments.styles import get_all_styles

__all__ = ["Fences", "use_fences"]

_COLLIDING = {"src", "lang", "style"}  # CodeHilite's own arguments
_STYLES = frozenset(get_all_styles())
_PRIORITY = 25  # fenced_code's own: before the text is split into blocks


class Fences(FencedBlockPreprocessor):
    def handle_attrs(
        self, attrs: Iterable[tuple[str, str]]
    ) -> tuple[str, list[str], dict[str, Any]]:
        id_, classes, options = super().handle_attrs(attrs)
        options = {k: v for k, v in options.items() if k not in _COLLIDING}
        if options.get("pygments_style", "default") not in _STYLES:
            del options["pygments_style"]
        return id_, classes, options


def use_fences(md: markdown.Markdown, fences: type[Fences] = Fences) -> None:
    """Put ``fences`` in place of fenced_code's preprocessor (which must be loaded)."""
    current = md.preprocessors["fenced_code_block"]
    config: dict[str, Any] = getattr(current, "config")  # noqa: B009 (not in the stubs)
    md.preprocessors.register(fences(md, config), "fenced_code_block", _PRIORITY)
