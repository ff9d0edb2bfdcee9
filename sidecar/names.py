"""Names that look alike: a guest may not pass for a registered account.

``name_key`` folds a display name to what a reader can tell apart: case,
compatibility forms (full-width, mathematical letters), accents, look-alike
characters from other scripts (Cyrillic "а" for Latin "a", "0" for "O", "rn"
for "m", by Unicode's confusables table, UTS #39) and everything that is not a
letter or a digit ("J. Smith" and "jsmith" are one). Two names with one key
are confusable. Accounts store the key of their username (``User.name_key``)
so a guest's name is checked with one indexed lookup.

The key is for comparing only: it is a jumble of scripts, never shown.
"""

from __future__ import annotations

import unicodedata
from functools import lru_cache
from pathlib import Path

__all__ = ["name_key"]

_TABLE = Path(__file__).resolve().parent / "data" / "confusables.txt"


@lru_cache(maxsize=1)
def _prototypes() -> dict[int, str]:
    """Each confusable character's prototype, from the table shipped beside the code."""
    table: dict[int, str] = {}
    for line in _TABLE.read_text(encoding="utf-8").splitlines():
        if not line or line.startswith("#"):
            continue
        source, _, target = line.partition(";")
        table[int(source, 16)] = "".join(chr(int(c, 16)) for c in target.split())
    return table


def _prototype(ch: str) -> str:
    """``ch``'s prototype, case-blind: a small letter takes its capital's when it has
    none of its own ("i" goes where "I" does, to "l", with "1" and "|")."""
    table = _prototypes()
    found = table.get(ord(ch))
    if found is None:
        capital = ch.upper()
        found = table.get(ord(capital)) if len(capital) == 1 else None
    return (found or ch).casefold()


def _fold(text: str) -> str:
    """One round of UTS #39's skeleton, case-blind: NFD, prototypes, NFD."""
    text = unicodedata.normalize("NFD", text.casefold())
    return unicodedata.normalize("NFD", "".join(_prototype(ch) for ch in text))


def name_key(name: str) -> str:
    """The key two confusable names share ("Admin", "ADMlN", "аdmin", "a.d.m.i.n")."""
    text = unicodedata.normalize("NFKC", name)
    text = _fold(_fold(text))  # again: a prototype may be a capital ("0" → "O")
    return "".join(
        ch
        for ch in text
        if unicodedata.category(ch)[0] in "LN"  # letters and digits
    )
