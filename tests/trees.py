"""A built site as data: what each file holds, and which file is there."""

from __future__ import annotations

from pathlib import Path

__all__ = ["inodes", "tree"]


def tree(root: Path) -> dict[str, bytes]:
    """Every file below ``root`` by its relative path, with its bytes."""
    return {
        p.relative_to(root).as_posix(): p.read_bytes()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


def inodes(root: Path) -> dict[str, tuple[int, int]]:
    """Which file is there: a file written again gets a new inode or mtime."""
    return {
        p.relative_to(root).as_posix(): (p.stat().st_ino, p.stat().st_mtime_ns)
        for p in root.rglob("*")
        if p.is_file()
    }
