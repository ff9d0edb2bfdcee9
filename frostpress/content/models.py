"""Posts and pages as immutable values. No Flask, no I/O."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from math import ceil
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from frostpress.content.cache import StoredHtml

__all__ = ["Page", "Post", "Term"]


@dataclass(frozen=True, order=True)
class Term:
    """A tag or a category: a display name and its URL slug."""

    slug: str
    name: str = field(compare=False)


@dataclass(frozen=True)
class Document:
    source: Path
    digest: str  # hash of the source bytes: changes whenever the file does
    slug: str
    title: str
    body: str | StoredHtml  # the HTML itself, or where the render cache keeps it
    toc_html: str
    text: str  # the body's prose, without tags or permalink marks
    summary_html: str
    word_count: int
    date: datetime | None
    updated: datetime | None
    draft: bool
    meta: Mapping[str, Any]
    links: tuple[tuple[str, int], ...]  # root-relative links in the body, file line

    @property
    def html(self) -> str:
        return self.body if isinstance(self.body, str) else self.body.load()

    @property
    def summary_text(self) -> str:
        from frostpress.content.markdown import strip_tags

        return strip_tags(self.summary_html)

    @property
    def modified(self) -> datetime | None:
        return self.updated or self.date

    def __getattr__(self, name: str) -> Any:
        """Unknown front matter fields read like attributes in templates."""
        meta = self.__dict__.get("meta")
        if meta is not None and name in meta:
            return meta[name]
        raise AttributeError(name)


@dataclass(frozen=True)
class Post(Document):
    date: datetime
    tags: tuple[Term, ...] = ()
    category: Term | None = None
    aliases: tuple[str, ...] = ()
    cover: str | None = None
    cover_alt: str | None = None
    words_per_minute: int = 220

    @property
    def reading_time(self) -> int:
        """Whole minutes, at least one."""
        return max(1, ceil(self.word_count / self.words_per_minute))


@dataclass(frozen=True)
class Page(Document):
    pass
