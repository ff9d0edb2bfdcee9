"""The values of the fields pages read, as the next build judges reuse by them.

A page rendered last time recorded which fields of which documents it read
(:mod:`frostpress.web.reads`). :class:`FieldValues` answers, for the index
of this build, one digest of the current values of such a set of fields; the
page is reused only if that digest equals the one recorded with it. Fields a
document's Markdown renders into (the HTML, its table of contents) are judged
by the source file's digest: the renderer itself is part of every page's
digest, so the same source renders the same HTML, and nothing is loaded back
from the render cache just to compare.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import cached_property
from typing import Any

from frostpress.content.index import SiteIndex
from frostpress.content.models import Document
from frostpress.digests import fingerprint
from frostpress.web.reads import Read, doc_key

__all__ = ["FieldValues", "encode_reads"]

# Rendered from the source's Markdown: the source's digest stands for them.
_RENDERED = frozenset({"body", "html", "toc_html", "text", "links"})
# Derived from one other field alone: that field's value stands for them.
_DERIVED = {"summary_text": "summary_html"}
_MISSING = "\x00missing"


Fields = tuple[str | tuple[str, ...], ...]  # of one document: "title", ("meta", "mood")
Stored = dict[str, list[Any]]  # document key → its fields, as the build record keeps them


class FieldValues:
    def __init__(self, index: SiteIndex) -> None:
        docs: list[Document] = [*index.posts, *index.pages]
        self._docs = {doc_key(doc): doc for doc in docs}
        self._lines: dict[tuple[str, Fields], str] = {}
        self._values: dict[tuple[str, str | tuple[str, ...]], str] = {}

    @cached_property
    def identities(self) -> dict[str, str]:
        """Per document, what its fields are made from: the source's bytes and
        path (with the settings and the renderer, which every page's digest
        holds). The same identity means the same value in every field."""
        return {key: f"{doc.digest}:{doc.source}" for key, doc in self._docs.items()}

    def digest(self, stored: Stored) -> str | None:
        """One digest of the current values of the fields in ``stored`` (made by
        :func:`encode_reads`), or None if ``stored`` is not such a record."""
        lines = []
        try:
            for key, fields in stored.items():
                wanted = tuple(f if isinstance(f, str) else tuple(f) for f in fields)
                line = self._lines.get((key, wanted))
                if line is None:
                    line = self._lines[key, wanted] = self._line(key, wanted)
                lines.append(line)
        except (AttributeError, TypeError):
            return None
        return fingerprint("\n".join(lines), length=24)

    def _line(self, key: str, fields: Fields) -> str:
        doc = self._docs.get(key)
        if doc is None:
            return repr((key, fields, "\x00gone"))
        values = []
        for f in fields:
            value = self._values.get((key, f))
            if value is None:
                value = self._values[key, f] = self._value(doc, (f,) if isinstance(f, str) else f)
            values.append(value)
        return repr((key, fields, values))

    def _value(self, doc: Document, field: tuple[str, ...]) -> str:
        name = field[0]
        if len(field) == 2:  # ("meta", key)
            meta: Any = doc.meta
            return repr(meta[field[1]]) if field[1] in meta else _MISSING
        if name == "meta":
            return repr(list(doc.meta.items()))  # in order: a loop shows it
        if name in _RENDERED:
            return doc.digest
        try:
            return repr(getattr(doc, _DERIVED.get(name, name)))
        except AttributeError:
            return _MISSING


def encode_reads(reads: Iterable[Read]) -> Stored:
    """Reads as the build record stores them: per document, its fields, sorted."""
    grouped: Stored = {}
    for read in sorted(reads):
        grouped.setdefault(read[0], []).append(read[1] if len(read) == 2 else list(read[1:]))
    return grouped
