"""Split a file into its YAML header and Markdown body, and validate the header.

Only ``yaml.safe_load`` semantics are used (the C loader when available),
except that timestamps are not resolved: every date is read by
:func:`parse_date`. Other YAML 1.1 surprises are checked after loading:
``draft: no`` is ``False``, ``12:30`` is the integer 750 and is rejected as
a date, ``tags: [1.0]`` holds a number and is rejected as a tag.
Errors carry the 1-based line in the file.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, time
from pathlib import Path
from typing import Any, ClassVar
from zoneinfo import ZoneInfo

import yaml

from frostpress.content.slugs import is_safe_slug, slugify
from frostpress.errors import ContentError, FrontMatterError

__all__ = [
    "FrontMatter",
    "line_of_key",
    "parse_date",
    "split_front_matter",
    "validate_page_fields",
    "validate_post_fields",
]

_Base: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _Loader(_Base):  # type: ignore[misc]
    """The safe loader, minus YAML's timestamp type.

    PyYAML turns ``2024-05-01`` into a date but ``2024-05-01 10:00`` into a
    string, and raises a bare ValueError (no line) for ``2024-13-45``. Dates
    stay text here and :func:`parse_date` reads them all the same way.
    """

    yaml_implicit_resolvers: ClassVar[dict[Any, Any]] = {  # PyYAML's own protocol
        first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
        for first, resolvers in _Base.yaml_implicit_resolvers.items()
    }


_FENCE = "---"
_CLOSERS = ("---", "...")


@dataclass(frozen=True)
class FrontMatter:
    data: dict[str, Any]
    header_lines: tuple[str, ...]
    body: str
    body_line: int  # 1-based line of the first body line

    def line_of(self, key: str) -> int:
        """The file line where ``key:`` is set (the header's first line if unknown)."""
        pattern = re.compile(rf"^{re.escape(key)}\s*:")
        for offset, line in enumerate(self.header_lines):
            if pattern.match(line):
                return offset + 2
        return 1


def split_front_matter(path: Path, text: str) -> FrontMatter:
    lines = text.split("\n")
    if not lines or lines[0].rstrip() != _FENCE:
        raise FrontMatterError(
            path,
            1,
            "missing front matter: start the file with a "
            "line '---', then 'title: ...' and 'date: ...', then '---'",
        )
    for index in range(1, len(lines)):
        if lines[index].rstrip() in _CLOSERS:
            break
    else:
        raise FrontMatterError(
            path, 1, "front matter is never closed: add a line '---' after the last field"
        )
    header = lines[1:index]
    try:
        data = yaml.load("\n".join(header), Loader=_Loader)  # noqa: S506 - safe loader
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        problem = getattr(exc, "problem", None) or ""
        context = getattr(exc, "context", None) or ""
        opened = context.startswith(("while scanning a quoted", "while parsing a flow"))
        if (opened or "end of stream" in problem) and getattr(exc, "context_mark", None):
            # An unclosed quote or bracket: point where it was opened.
            mark = exc.context_mark  # type: ignore[attr-defined]
        line = mark.line + 2 if mark is not None else 1
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise FrontMatterError(
            path,
            line,
            f"invalid YAML in front matter: {problem}; "
            "quote values that contain ':' or start with a symbol",
        ) from None
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise FrontMatterError(
            path, 2, f"front matter must be 'key: value' lines, not a {type(data).__name__}"
        )
    result = FrontMatter(
        data, tuple(header), body="\n".join(lines[index + 1 :]), body_line=index + 2
    )
    _check_expanded_size(path, result)
    return result


# Values in the whole header once YAML's aliases are expanded. A few hundred
# is a rich post; an alias bomb (``&a [*b, *b, ...]`` nested) is billions,
# which PyYAML loads as shared lists in no time but every later step expands.
MAX_VALUES = 10_000


def _check_expanded_size(path: Path, fm: FrontMatter) -> None:
    budget = MAX_VALUES
    for key, value in fm.data.items():
        stack = [value]
        while stack:
            budget -= 1
            if budget < 0:
                raise FrontMatterError(
                    path,
                    fm.line_of(str(key)),
                    f"front matter holds more than {MAX_VALUES:,} values once YAML "
                    f"aliases (*name) are expanded, here in '{key}': "
                    "write the values out, or fewer of them",
                )
            if isinstance(value := stack.pop(), dict):
                stack.extend(value.keys())
                stack.extend(value.values())
            elif isinstance(value, list):
                stack.extend(value)


def line_of_key(path: Path, key: str) -> int:
    """The file line where front matter sets ``key`` (1 when not found)."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return 1
    pattern = re.compile(rf"^{re.escape(key)}\s*:")
    for number, line in enumerate(text.splitlines()[1:], start=2):
        if line.rstrip() in _CLOSERS:
            break
        if pattern.match(line):
            return number
    return 1


def parse_date(value: Any, tz: ZoneInfo) -> datetime | None:
    """A YAML date/datetime/ISO string → aware datetime (``None`` if unreadable)."""
    if isinstance(value, datetime):
        result = value
    elif isinstance(value, date):
        result = datetime.combine(value, time())
    elif isinstance(value, str):
        try:
            result = datetime.fromisoformat(value.strip())
        except ValueError:
            return None
    else:
        return None
    if result.tzinfo is None:
        result = result.replace(tzinfo=tz)
    return result


class _Checker:
    """Collects field problems of one file so all of them are reported at once."""

    def __init__(self, path: Path, fm: FrontMatter) -> None:
        self.path = path
        self.fm = fm
        self.errors: list[ContentError] = []

    def fail(self, key: str, message: str) -> None:
        self.errors.append(FrontMatterError(self.path, self.fm.line_of(key), message))

    def text(self, key: str, *, required: bool = False) -> str | None:
        value = self.fm.data.get(key)
        if value is None:
            if required:
                self.fail(key, f"'{key}' is required: add a line '{key}: ...' to the front matter")
            return None
        if not isinstance(value, str) or not value.strip():
            self.fail(key, f"'{key}' must be text, not {value!r}; put it in quotes")
            return None
        return value.strip()

    def when(self, key: str, tz: ZoneInfo, *, required: bool = False) -> datetime | None:
        value = self.fm.data.get(key)
        if value is None:
            if required:
                self.fail(
                    key, f"'{key}' is required: add '{key}: YYYY-MM-DD' or 'YYYY-MM-DD HH:MM:SS'"
                )
            return None
        parsed = parse_date(value, tz)
        if parsed is None:
            self.fail(
                key,
                f"cannot read {value!r} as a date: write "
                "YYYY-MM-DD or YYYY-MM-DD HH:MM:SS (optionally with +HH:MM)",
            )
        return parsed

    def flag(self, key: str) -> bool:
        value = self.fm.data.get(key, False)
        if not isinstance(value, bool):
            self.fail(key, f"'{key}' must be true or false, not {value!r}")
            return False
        return value

    def text_list(self, key: str) -> list[str]:
        value = self.fm.data.get(key)
        if value is None:
            return []
        if isinstance(value, str):
            value = [part for part in (p.strip() for p in value.split(",")) if part]
        if not isinstance(value, list):
            self.fail(key, f"'{key}' must be a list such as [a, b], not {value!r}")
            return []
        items: list[str] = []
        for number, item in enumerate(value, start=1):
            if not isinstance(item, str) or not item.strip():
                self.fail(key, f"'{key}' item {number} ({item!r}) is not text; put it in quotes")
            else:
                items.append(item.strip())
        return items

    def slug(self, key: str, default: str) -> str:
        given = self.text(key)
        slug = slugify(given) if given else default
        if not is_safe_slug(slug):
            self.fail(
                key,
                f"slug {slug!r} is not usable in a URL: use letters, digits "
                "and '-' (set 'slug: ...' in the front matter)",
            )
        return slug


POST_FIELDS = frozenset(
    {
        "title",
        "date",
        "updated",
        "slug",
        "tags",
        "category",
        "summary",
        "draft",
        "aliases",
        "cover",
        "cover_alt",
    }
)
PAGE_FIELDS = frozenset({"title", "date", "updated", "slug", "summary", "draft"})


_ALIAS_SEGMENT = re.compile(r"^[A-Za-z0-9_~-][A-Za-z0-9._~-]*$")


def _aliases(check: _Checker) -> list[str]:
    """Old paths such as ``/2019/05/old-title/`` or ``/2019/old.html``.

    Each segment is plain letters, digits and ``._~-`` (no ``%``, ``?``, ``..``,
    backslashes or empty segments), so an alias is always a file in build/.
    """
    aliases = []
    for alias in check.text_list("aliases"):
        segments = alias.strip("/").split("/")
        if (
            not alias.startswith("/")
            or alias.startswith("//")
            or not all(_ALIAS_SEGMENT.match(segment) for segment in segments)
        ):
            check.fail(
                "aliases",
                f"alias {alias!r} must be a site path such as "
                "'/2019/05/old-title/' made of letters, digits and '._~-' "
                "(no '..', '%', '?' or '//')",
            )
            continue
        aliases.append(alias if alias.endswith(("/", ".html")) else alias + "/")
    return aliases


def validate_post_fields(
    path: Path, fm: FrontMatter, default_slug: str, tz: ZoneInfo
) -> tuple[dict[str, Any], list[ContentError]]:
    check = _Checker(path, fm)
    tags = check.text_list("tags")
    for tag in tags:
        if not slugify(tag):
            check.fail("tags", f"tag {tag!r} has no letters or digits to make a URL of")
    category = check.text("category")
    if category is not None and not slugify(category):
        check.fail("category", f"category {category!r} has no letters or digits")
    fields = {
        "title": check.text("title", required=True),
        "date": check.when("date", tz, required=True),
        "updated": check.when("updated", tz),
        "slug": check.slug("slug", default_slug),
        "tags": tags,
        "category": category,
        "summary": check.text("summary"),
        "draft": check.flag("draft"),
        "aliases": _aliases(check),
        "cover": check.text("cover"),
        "cover_alt": check.text("cover_alt"),
        "meta": _unknown(fm.data, POST_FIELDS),
    }
    return fields, check.errors


def validate_page_fields(
    path: Path, fm: FrontMatter, default_slug: str, tz: ZoneInfo
) -> tuple[dict[str, Any], list[ContentError]]:
    check = _Checker(path, fm)
    fields = {
        "title": check.text("title", required=True),
        "date": check.when("date", tz),
        "updated": check.when("updated", tz),
        "slug": check.slug("slug", default_slug),
        "summary": check.text("summary"),
        "draft": check.flag("draft"),
        "meta": _unknown(fm.data, PAGE_FIELDS),
    }
    return fields, check.errors


def _unknown(data: Mapping[str, Any], known: frozenset[str]) -> dict[str, Any]:
    return {str(k): v for k, v in data.items() if k not in known}
