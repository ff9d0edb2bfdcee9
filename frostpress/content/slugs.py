"""Turning names into URL path segments that can never escape ``build/``."""

from __future__ import annotations

import re
import unicodedata

__all__ = ["SLUG_PATTERN", "is_safe_slug", "slug_from_filename", "slugify"]

SLUG_PATTERN = re.compile(r"^[a-z0-9][a-z0-9-]*$")
_NOT_SLUG = re.compile(r"[^a-z0-9]+")
_DATE_PREFIX = re.compile(r"^\d{4}-\d{2}-\d{2}[-_]")


def slugify(text: str) -> str:
    """``"Héllo, World!"`` → ``"hello-world"``; ``""`` when nothing is left."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return _NOT_SLUG.sub("-", ascii_text.lower()).strip("-")


def is_safe_slug(slug: str) -> bool:
    return bool(SLUG_PATTERN.match(slug))


def slug_from_filename(stem: str) -> str:
    """``2024-05-01-hello-world`` → ``hello-world``."""
    return slugify(_DATE_PREFIX.sub("", stem))
