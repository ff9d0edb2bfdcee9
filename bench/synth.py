#!/usr/bin/env python3
"""Deterministic synthetic corpus generator for frostpress benchmarks.

Usage as a library::

    from pathlib import Path
    import synth  # needs bench/ on sys.path (it imports its synth_* siblings)

    paths = synth.generate(Path("/tmp/corpus"), 1000, seed=1234)
    synth.edit_post(paths[500], "bench-edit-1")   # then time an incremental rebuild

Usage from the shell::

    python bench/synth.py --n 1000 --seed 1234 OUTDIR

Layout written under ``root``::

    content/posts/YYYY-MM-DD-<slug>-NNNN.md   n posts
    content/pages/about.md                     one page
    content/media/                             empty directory

Every post has YAML front matter (quoted unique ``title``, ``date`` as
``YYYY-MM-DD HH:MM:SS`` between 2021-07-01 and 2026-06-30, 1-4 ``tags`` from a
pool of 40, one of 8 ``category`` names, a ``summary`` on roughly one post in
ten, never ``draft``) and a Markdown body with ``##``/``###`` headings, an
unordered and an ordered list, a table, a footnote, two fenced code blocks in
two different languages, inline code, emphasis, strong text and external links.

Word count: the body holds ~800 words on average (each post draws a target in
740..860), counted the way frostpress counts ``word_count``: words of the text
outside fenced code blocks (prose, headings, lists, table cells, footnote).
The two code blocks come on top of that (typically ~100-250 more
whitespace-separated tokens).

Determinism: the output depends only on ``(n, seed, words)``.  All randomness
comes from ``random.Random`` instances seeded from ``seed``; the clock is never
read; files are written as UTF-8 bytes with ``\\n`` line endings.

Only the Python standard library is used.

Module layout (all in ``bench/``, imported as top-level modules)::

    synth.py              public API (this module) and the command line
    synth_post.py         one post: front matter and body layout
    synth_blocks.py       titles, headings, lists, tables, footnote, emphasis
    synth_prose.py        words, phrases and sentences (ProseWriter)
    synth_code.py         fenced code blocks: Python, JavaScript, Rust, Go, C
    synth_code_markup.py  code blocks: Bash, SQL, CSS, HTML, TOML
    synth_words.py        inflection, casing and word counting
    synth_vocab.py        fixed pools: tags, categories, vocabulary, links
"""

from __future__ import annotations

import argparse
import datetime as _dt
import pathlib
import random
import re
import sys
import time
import zlib

from synth_post import render_post
from synth_prose import ProseWriter
from synth_vocab import CATEGORIES, DATE_END, DATE_START, LANGUAGES, TAGS
from synth_words import FENCE_BLOCK, count_words

__all__ = [
    "CATEGORIES",
    "DATE_END",
    "DATE_START",
    "LANGUAGES",
    "TAGS",
    "count_words",
    "edit_post",
    "generate",
]

_ABOUT = """---
title: About
---

This is a synthetic blog generated for benchmarking **frostpress**. Every post
in `content/posts/` was written by a small, deterministic text generator, so
the prose reads like a technical blog without saying anything in particular.

The corpus exercises the usual parts of a static site: Markdown with headings,
lists, tables, footnotes and highlighted code, tags and categories, and a
few thousand pages of archive. Regenerate it with the same size and seed and
you get the same bytes back.
"""


def generate(
    root: pathlib.Path, n: int, seed: int = 1234, *, words: int = 800, clean: bool = False
) -> list[pathlib.Path]:
    """Write a corpus of ``n`` posts under ``root`` and return the post paths.

    Creates ``root/content/posts/`` (``n`` posts), ``root/content/pages/about.md``
    and an empty ``root/content/media/``.  The result depends only on
    ``(n, seed, words)``.  Existing files with the generated names are
    overwritten; any other ``*.md`` in ``content/posts/`` is an error unless
    ``clean=True``, which deletes them (so a corpus never mixes two runs).
    Paths are returned in index order, which is also date order (oldest first).
    """
    root = pathlib.Path(root)
    if n < 0:
        raise ValueError("n must be >= 0")
    span = int((DATE_END - DATE_START).total_seconds()) + 1
    if n > span:
        raise ValueError(f"n must be <= {span}")
    posts_dir = root / "content" / "posts"
    pages_dir = root / "content" / "pages"
    media_dir = root / "content" / "media"
    for d in (posts_dir, pages_dir, media_dir):
        d.mkdir(parents=True, exist_ok=True)

    master = random.Random(seed)
    width = max(4, len(str(n)))
    titles: set[str] = set()
    files: list[tuple[pathlib.Path, bytes]] = []
    for i in range(n):
        rng = random.Random(master.getrandbits(64))
        lo, hi = i * span // n, (i + 1) * span // n
        when = DATE_START + _dt.timedelta(seconds=rng.randrange(lo, hi))
        name, text = render_post(rng, i + 1, width, when, titles, words)
        files.append((posts_dir / name, text.encode("utf-8")))

    wanted = {p.name for p, _ in files}
    stale = sorted(p for p in posts_dir.glob("*.md") if p.name not in wanted)
    if stale:
        if not clean:
            raise FileExistsError(
                f"{posts_dir} already holds {len(stale)} other post(s), e.g. "
                f"{stale[0].name}; use an empty directory or clean=True (--clean)"
            )
        for p in stale:
            p.unlink()

    for path, data in files:
        path.write_bytes(data)
    (pages_dir / "about.md").write_bytes(_ABOUT.encode("utf-8"))
    return [p for p, _ in files]


_FN_DEF_LINE = re.compile(r"^\[\^[^\]\s]+\]:", re.M)


def edit_post(path: pathlib.Path, marker: str) -> None:
    """Add an "update" paragraph containing ``marker`` to one post's body.

    The front matter is kept byte for byte.  The paragraph goes after the
    last paragraph of the text, just before the footnote definitions (or at
    the end if there are none).  The edit is deterministic: it depends only
    on the file's current content and ``marker``.  Calling it again with
    another marker adds another paragraph, so every call changes the file.
    ``marker`` is written verbatim; plain ``[A-Za-z0-9-]`` markers survive
    Markdown rendering unchanged.
    """
    path = pathlib.Path(path)
    text = path.read_bytes().decode("utf-8")
    if not text.startswith("---\n"):
        raise ValueError(f"{path}: no front matter")
    end = text.find("\n---\n", 3)
    if end < 0:
        raise ValueError(f"{path}: front matter is never closed")
    head, body = text[: end + 5], text[end + 5 :]
    rng = random.Random(
        (zlib.crc32(marker.encode("utf-8")) << 32) | zlib.crc32(body.encode("utf-8"))
    )
    w = ProseWriter(rng)
    sentences = " ".join(w.plain_sentence() for _ in range(rng.randint(2, 4)))
    para = f"Update ({marker}): {sentences}"

    # Insert before the footnote definitions at the end, outside code fences.
    spans = [m.span() for m in FENCE_BLOCK.finditer(body)]
    insert_at = None
    for m in _FN_DEF_LINE.finditer(body):
        if not any(a <= m.start() < b for a, b in spans):
            insert_at = m.start()
            break
    if insert_at is None:
        body = body.rstrip("\n") + "\n\n" + para + "\n"
    else:
        body = body[:insert_at] + para + "\n\n" + body[insert_at:]
    path.write_bytes((head + body).encode("utf-8"))


# --------------------------------------------------------------------------
# CLI
# --------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description="Generate a deterministic synthetic frostpress corpus "
        "(OUTDIR/content/{posts,pages,media})."
    )
    parser.add_argument("outdir", type=pathlib.Path, metavar="OUTDIR")
    parser.add_argument("--n", type=int, default=1000, help="number of posts (default 1000)")
    parser.add_argument("--seed", type=int, default=1234, help="random seed (default 1234)")
    parser.add_argument(
        "--words",
        type=int,
        default=800,
        help="average words per post body, code excluded (default 800)",
    )
    parser.add_argument(
        "--clean",
        action="store_true",
        help="delete other *.md files already in OUTDIR/content/posts",
    )
    parser.add_argument("-q", "--quiet", action="store_true", help="print nothing")
    args = parser.parse_args(argv)
    start = time.perf_counter()
    try:
        paths = generate(args.outdir, args.n, args.seed, words=args.words, clean=args.clean)
    except (ValueError, FileExistsError) as exc:
        print(f"synth: {exc}", file=sys.stderr)
        return 2
    if not args.quiet:
        print(
            f"wrote {len(paths)} posts to {args.outdir / 'content'} "
            f"in {time.perf_counter() - start:.2f}s (seed {args.seed})"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
