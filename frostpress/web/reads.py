"""What a page shows, recorded while it renders.

Views hand templates their documents through :func:`track`: a post or page
reads like itself, but every field a template (or a filter, or the JSON
writer) reads from it is noted in the current set of reads, down to single
keys of ``meta``. Everything else a view passes (pagination, terms, counts,
URLs, which documents and in which order) is its *shape*, computed from the
view's context with documents named by key (:func:`shape`). A page is a
function of its template, the site-wide inputs, its shape and the values of
the fields it read; the build re-renders it exactly when one of those changed
(see :mod:`frostpress.build.dependencies`). No list of "what a theme may
show" is kept by hand, so a theme that starts showing a field is covered the
day it does.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import date, datetime
from functools import wraps
from typing import Any, cast

from frostpress.content.models import Document, Post, Term

__all__ = [
    "Read",
    "Reads",
    "context_of",
    "doc_key",
    "recording",
    "shape",
    "shows",
    "track",
]

# (document key, field) or (document key, "meta", key): one value a page read.
Read = tuple[str, ...]


Reads = set[Read]  # the fields one page read, as it rendered


_current: ContextVar[Reads | None] = ContextVar("frostpress_reads", default=None)


@contextmanager
def recording() -> Iterator[Reads]:
    """Record into a fresh set of reads for the duration of a ``with`` block."""
    reads: Reads = set()
    token = _current.set(reads)
    try:
        yield reads
    finally:
        _current.reset(token)


def doc_key(doc: Document) -> str:
    return f"{'post' if isinstance(doc, Post) else 'page'}/{doc.slug}"


def _note(read: Read) -> None:
    reads = _current.get()
    if reads is not None:
        reads.add(read)


class TrackedMeta(Mapping[str, Any]):
    """A document's front matter extras: reading one key notes that key only;
    iterating or counting notes all of them."""

    __slots__ = ("_key", "_meta")

    def __init__(self, key: str, meta: Mapping[str, Any]) -> None:
        self._key = key
        self._meta = meta

    def __getitem__(self, name: str) -> Any:
        _note((self._key, "meta", name))
        return self._meta[name]

    def __contains__(self, name: object) -> bool:
        _note((self._key, "meta", str(name)))
        return name in self._meta

    def __iter__(self) -> Iterator[str]:
        _note((self._key, "meta"))
        return iter(self._meta)

    def __len__(self) -> int:
        _note((self._key, "meta"))
        return len(self._meta)


class Tracked:
    """A document as a template sees it: every attribute read is noted."""

    __slots__ = ("_doc", "_key")
    _doc: Document
    _key: str

    def __init__(self, doc: Document) -> None:
        object.__setattr__(self, "_doc", doc)
        object.__setattr__(self, "_key", doc_key(doc))

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__"):
            raise AttributeError(name)
        if name == "meta":
            return TrackedMeta(self._key, self._doc.meta)
        _note((self._key, name))
        return getattr(self._doc, name)

    def __setattr__(self, name: str, value: object) -> None:
        raise dataclasses.FrozenInstanceError(name)

    def __eq__(self, other: object) -> bool:
        """The same document (by key): what a page shows of it is read field by field."""
        if isinstance(other, Tracked):
            return self._key == other._key
        return isinstance(other, Document) and self._key == doc_key(other)

    def __hash__(self) -> int:
        return hash(self._key)

    def __repr__(self) -> str:
        return f"Tracked({self._key})"


def track(value: Any) -> Any:
    """``value`` with every document in it (in lists, tuples, dicts and the
    index's small dataclasses) replaced by its :class:`Tracked` view."""
    if isinstance(value, Document):
        return Tracked(value)
    if isinstance(value, list | tuple):
        return type(value)(track(item) for item in value)
    if isinstance(value, dict):
        return {name: track(item) for name, item in value.items()}
    if dataclasses.is_dataclass(value) and not isinstance(value, type | Term):
        changes = {f.name: track(getattr(value, f.name)) for f in dataclasses.fields(value)}
        return dataclasses.replace(value, **changes)
    return value


def _shape(value: Any) -> Any:
    if isinstance(value, Document):
        return doc_key(value)
    if isinstance(value, Tracked):
        return value._key
    if isinstance(value, list | tuple):
        return [_shape(item) for item in value]
    if isinstance(value, dict):
        return {str(name): _shape(item) for name, item in value.items()}
    if isinstance(value, datetime | date):
        return value.isoformat()
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        fields = dataclasses.fields(value)
        return [type(value).__name__, *(_shape(getattr(value, f.name)) for f in fields)]
    if value is None or isinstance(value, str | int | float | bool):
        return value
    raise TypeError(f"a view passed {type(value).__name__}, which the build cannot compare")


def shape(context: Mapping[str, Any]) -> str:
    """The context of a page with documents named by key, as a stable string."""
    return repr(sorted((name, _shape(value)) for name, value in context.items()))


Context = Callable[..., dict[str, Any]]


def shows(render: Callable[[dict[str, Any]], Any]) -> Callable[[Context], Callable[..., Any]]:
    """Make a view from a context function and how to render its context.

    The view renders ``render(track(context(**values)))``; the build asks the
    context function alone (``view.context``) for the page's shape.
    """

    def decorate(context: Context) -> Callable[..., Any]:
        @wraps(context)
        def view(**values: Any) -> Any:
            return render(track(context(**values)))

        view.context = context  # type: ignore[attr-defined]
        return view

    return decorate


def context_of(view: object) -> Context:
    """The context function of a view made by :func:`shows`."""
    context = getattr(view, "context", None)
    if context is None:
        raise TypeError(f"{view!r} is not a view made by shows(): the build cannot tell its shape")
    return cast(Context, context)
