"""Turning names into URL path segments that can never escape ``build/``."""

from __future__ import annotations

import re
import unicodedata

from anyascii import anyascii

__all__ = ["SLUG_PATTERN", "is_safe_slug", "slug_from_filename", "slugify"]

SLUG_PATTERN = re.compile(r"^[a-z0-9][a-z0-9-]*$")
_NOT_SLUG = re.compile(r"[^a-z0-9]+")
_DATE_PREFIX = re.compile(r"^\d{4}-\d{2}-\d{2}[-_]")
_NOT_ASCII = re.compile(r"[^\x00-\x7f]+")
_SYLLABLE = re.compile(r"(?<=[a-z])(?=[A-Z])")  # anyascii capitalises CJK syllables


def _transliterated(run: re.Match[str]) -> str:
    return _SYLLABLE.sub("-", anyascii(run.group(0)))


def slugify(text: str) -> str:
    """``"Héllo, World!"`` → ``"hello-world"``; other scripts are transliterated
    (``"日本語"`` → ``"ri-ben-yu"``, ``"Привет"`` → ``"privet"``); ``""`` when
    nothing is left. Accents are dropped as before; only what they cannot
    reduce (other scripts, ``ß``) goes through the transliteration table."""
    kept, after_ascii = [], False
    for ch in unicodedata.normalize("NFKD", text):
        if not unicodedata.combining(ch):
            after_ascii = ch.isascii()
        elif after_ascii:
            continue  # an accent on a Latin letter: "é" → "e"
        kept.append(ch)  # (other scripts keep theirs: "ブ" is not "フ")
    bare = unicodedata.normalize("NFC", "".join(kept))
    ascii_text = _NOT_ASCII.sub(_transliterated, bare)
    return _NOT_SLUG.sub("-", ascii_text.lower()).strip("-")


def is_safe_slug(slug: str) -> bool:
    return bool(SLUG_PATTERN.match(slug))


def slug_from_filename(stem: str) -> str:
    """``2024-05-01-hello-world`` → ``hello-world``."""
    return slugify(_DATE_PREFIX.sub("", stem))
