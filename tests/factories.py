"""Factories for content files: ``write_post(dir, title=..., **front_matter)``."""

from __future__ import annotations

import itertools
from pathlib import Path
from typing import Any

import yaml

_sequence = itertools.count(1)


def front_matter(fields: dict[str, Any]) -> str:
    return "---\n" + yaml.safe_dump(fields, sort_keys=False, allow_unicode=True) + "---\n"


def write_post(
    posts_dir: Path, name: str | None = None, body: str | None = None, **fields: Any
) -> Path:
    """Write a valid post; any field may be overridden, ``None`` removes it."""
    number = next(_sequence)
    fields = {"title": f"Post number {number}", "date": "2026-01-01 10:00:00", **fields}
    fields = {k: v for k, v in fields.items() if v is not None}
    name = name or f"2026-01-01-post-{number}.md"
    if body is None:
        body = f"The first paragraph of post {number}.\n\nA second paragraph.\n"
    path = posts_dir / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(front_matter(fields) + "\n" + body, encoding="utf-8")
    return path


def write_raw(directory: Path, name: str, text: str) -> Path:
    path = directory / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path
