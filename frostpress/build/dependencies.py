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
from typing import Any

from frostpress.content.index import SiteIndex
from frostpress.content.models import Document
from frostpress.digests import fingerprint
from frostpress.web.reads import Read, doc_key

__all__ = ["FieldValues", "decode_reads", "encode_reads"]

# Rendered from the source's Markdown: the source's digest stands for them.
_RENDERED = frozenset({"body", "html", "toc_html", "links"})
_MISSING = "\x00missing"


class FieldValues:
    def __init__(self, index: SiteIndex) -> None:
        docs: list[Document] = [*index.posts, *index.pages]
        self._docs = {doc_key(doc): doc for doc in docs}
        self._values: dict[Read, str] = {}

    def value(self, read: Read) -> str:
        """What the field named by ``read`` holds now, as a comparable string."""
        found = self._values.get(read)
        if found is None:
            found = self._values[read] = self._compute(read)
        return found

    def _compute(self, read: Read) -> str:
        doc = self._docs.get(read[0])
        if doc is None:
            return "\x00gone"
        field = read[1]
        if len(read) == 3:
            meta: Any = doc.meta
            return repr(meta[read[2]]) if read[2] in meta else _MISSING
        if field == "meta":
            return repr(sorted(doc.meta.items()))
        if field in _RENDERED:
            return doc.digest
        try:
            return repr(getattr(doc, field))
        except AttributeError:
            return _MISSING

    def digest(self, reads: Iterable[Read]) -> str:
        """One digest of the current values of ``reads``."""
        return fingerprint(
            *(f"{'/'.join(read)}={self.value(read)}" for read in sorted(reads)), length=24
        )


def encode_reads(reads: Iterable[Read]) -> dict[str, list[Any]]:
    """Reads as the build record stores them: per document, its fields."""
    grouped: dict[str, list[Any]] = {}
    for read in sorted(reads):
        grouped.setdefault(read[0], []).append(read[1] if len(read) == 2 else list(read[1:]))
    return grouped


def decode_reads(stored: Any) -> list[Read] | None:
    """The reads :func:`encode_reads` stored, or None if they are not readable."""
    if not isinstance(stored, dict):
        return None
    reads: list[Read] = []
    for key, fields in stored.items():
        if not isinstance(fields, list):
            return None
        for field in fields:
            if isinstance(field, str):
                reads.append((key, field))
            elif isinstance(field, list) and all(isinstance(part, str) for part in field):
                reads.append((key, *field))
            else:
                return None
    return reads
