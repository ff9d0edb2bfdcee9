"""The errors frostpress reports to authors.

Every problem with the words or the look of a site is a :class:`ContentError`
that knows the file and line it is about, so the author sees
``content/posts/x.md:3: what is wrong and how to fix it``::

    FrostpressError
    ├── ConfigError              site/site.toml is missing or wrong
    ├── ContentError             one problem in one file (path, line, message)
    │   ├── FrontMatterError     YAML, required fields, field types
    │   ├── DuplicateSlugError   two files want the same URL
    │   └── BrokenLinkError      a cover or internal link that points nowhere
    ├── BuildFailed              a build found problems; carries every ContentError
    └── BuildLocked              another build holds the lock
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterable
from pathlib import Path

__all__ = [
    "BrokenLinkError",
    "BuildFailed",
    "BuildLocked",
    "ConfigError",
    "ContentError",
    "DuplicateSlugError",
    "FrontMatterError",
    "FrostpressError",
]


class FrostpressError(Exception):
    """Base class of every error frostpress raises on purpose."""

    def format(self, relative_to: Path | None = None) -> str:
        """The message, its paths written from ``relative_to`` (the project's root)."""
        message = str(self)
        return message.replace(f"{relative_to}/", "") if relative_to is not None else message


class ConfigError(FrostpressError):
    """The site configuration cannot be used."""


class ContentError(FrostpressError):
    """One problem in one file, located by path and (1-based) line."""

    def __init__(self, path: Path | str, line: int | None, message: str) -> None:
        self.path = Path(path)
        self.line = line
        self.message = message
        super().__init__(self.format())

    def __reduce__(self) -> tuple[type, tuple[Path, int | None, str]]:
        return (type(self), (self.path, self.line, self.message))

    def format(self, relative_to: Path | None = None) -> str:
        path = self.path
        if relative_to is not None:
            with contextlib.suppress(ValueError):
                path = path.relative_to(relative_to)
        where = f"{path}:{self.line}" if self.line else f"{path}"
        return f"{where}: {self.message}"

    def sort_key(self) -> tuple[str, int]:
        return (str(self.path), self.line or 0)


class FrontMatterError(ContentError):
    """The YAML header of a file is unreadable or has a bad field."""


class DuplicateSlugError(ContentError):
    """Two files resolve to the same slug, so to the same URL."""


class BrokenLinkError(ContentError):
    """A cover image or internal link points at nothing the build produces."""


class BuildFailed(FrostpressError):
    """A build found one or more content errors; nothing was written."""

    def __init__(self, errors: Iterable[ContentError]) -> None:
        self.errors = sorted(errors, key=ContentError.sort_key)
        count = len(self.errors)
        noun = "problem" if count == 1 else "problems"
        lines = [f"build failed with {count} {noun}:"]
        lines += [f"  {error}" for error in self.errors]
        super().__init__("\n".join(lines))

    def __reduce__(self) -> tuple[type, tuple[list[ContentError]]]:
        return (type(self), (self.errors,))

    def report(self, relative_to: Path | None = None) -> str:
        return "\n".join(error.format(relative_to) for error in self.errors)


class BuildLocked(FrostpressError):
    """Another build of the same output directory is running."""
