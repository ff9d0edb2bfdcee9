"""Python-Markdown's inline stage, without the cost of patterns that cannot match.

For every run of text, Python-Markdown tries each inline pattern in turn
(code spans, escapes, links, images, autolinks, raw HTML, entities,
emphasis, and any an extension adds) through a Python method that checks
the pattern's excluded ancestors and then searches the text. In plain
prose almost every one of those tries finds nothing, and they were a fifth
of the renderer's time.

Here a pattern whose regular expression finds nothing from the current
position is skipped with that one search, which is exactly the result the
full try would have had: no match, the next pattern, from the start. A
pattern that does match goes through Python-Markdown's own code unchanged,
so the output is the same byte for byte (tested against the stock stage).
Only new-style patterns (``InlineProcessor``, all of Python-Markdown's own
since 3.0) are shortcut; an extension's old-style ``Pattern`` is always tried.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any, cast

import markdown
from markdown import treeprocessors, util
from markdown.inlinepatterns import InlineProcessor as NewStylePattern
from markdown.inlinepatterns import Pattern

__all__ = ["QuickInline", "use_quick_inline"]

_Search = Callable[[str, int], Any]


class QuickInline(treeprocessors.InlineProcessor):
    def __init__(self, md: markdown.Markdown) -> None:
        super().__init__(md)
        self._patterns: list[tuple[Pattern, _Search | None]] = []

    def run(self, tree: Any, ancestors: list[str] | None = None) -> Any:
        # The registry may change between documents (an extension registering
        # a pattern late); reading it once per document is cheap.
        self._patterns = []
        # (typeshed's stubs say the registry holds inline stages; it holds patterns)
        for pattern in cast("Iterable[Pattern]", self.inlinePatterns):
            new_style = isinstance(pattern, NewStylePattern)
            search = pattern.getCompiledRegExp().search if new_style else None
            self._patterns.append((pattern, search))
        return super().run(tree, ancestors)

    # Python-Markdown's private ``__handleInline``, name-mangled: it is called
    # by the stage itself, for the text of elements and for nested matches.
    def _InlineProcessor__handleInline(self, data: str, patternIndex: int = 0) -> str:
        if isinstance(data, util.AtomicString):
            return data
        patterns = self._patterns
        apply = self._InlineProcessor__applyPattern  # type: ignore[attr-defined]
        count, start = len(patterns), 0
        while patternIndex < count:
            pattern, search = patterns[patternIndex]
            if search is not None and search(data, start) is None:
                patternIndex, start = patternIndex + 1, 0
                continue
            data, matched, start = apply(pattern, data, patternIndex, start)
            if not matched:
                patternIndex += 1
        return data


def use_quick_inline(md: markdown.Markdown) -> None:
    """Put :class:`QuickInline` in place of the stock inline stage, at its priority.

    Left alone when this Python-Markdown's inline stage is not the one this
    was written against (its private methods renamed): correct, only slower.
    """
    stage = md.treeprocessors["inline"]
    if type(stage) is not treeprocessors.InlineProcessor or not hasattr(
        stage, "_InlineProcessor__applyPattern"
    ):
        return
    items = md.treeprocessors._priority  # type: ignore[attr-defined]  # (no public getter)
    priority = next(item.priority for item in items if item.name == "inline")
    md.treeprocessors.register(QuickInline(md), "inline", priority)
