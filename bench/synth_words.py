"""Word-level text helpers for the synthetic corpus generator.

English inflection (plural, third person, past tense, gerund, indefinite
article), capitalisation and identifier casing, and ``count_words``, which
counts the words of a Markdown body the way frostpress counts ``word_count``.
"""

from __future__ import annotations

import re

# --------------------------------------------------------------------------
# Morphology helpers
# --------------------------------------------------------------------------

_DOUBLING = {
    "ship",
    "skip",
    "split",
    "log",
    "debug",
    "stop",
    "swap",
    "trim",
    "prefer",
    "cut",
    "plan",
    "wrap",
}
_IRREGULAR_PAST = {
    "build": "built",
    "read": "read",
    "write": "wrote",
    "keep": "kept",
    "find": "found",
    "break": "broke",
    "split": "split",
    "hide": "hid",
    "rethink": "rethought",
    "cut": "cut",
}


def plural(word: str) -> str:
    if word.endswith(("s", "sh", "ch", "x", "z")):
        return word + "es"
    if word.endswith("y") and word[-2] not in "aeiou":
        return word[:-1] + "ies"
    return word + "s"


third = plural  # "cache" -> "caches", "fix" -> "fixes", "copy" -> "copies"


def past(verb: str) -> str:
    if verb in _IRREGULAR_PAST:
        return _IRREGULAR_PAST[verb]
    if verb in _DOUBLING:
        return verb + verb[-1] + "ed"
    if verb.endswith("e"):
        return verb + "d"
    if verb.endswith("y") and verb[-2] not in "aeiou":
        return verb[:-1] + "ied"
    return verb + "ed"


def gerund(verb: str) -> str:
    if verb in _DOUBLING:
        return verb + verb[-1] + "ing"
    if verb.endswith("e") and not verb.endswith("ee"):
        return verb[:-1] + "ing"
    return verb + "ing"


def article(word: str) -> str:
    w = word.lower()
    if w in ("honest", "hour"):
        return "an"
    if w.startswith(("uni", "use", "usu", "uti", "eu", "one")):
        return "a"
    return "an" if w[0] in "aeiou" else "a"


def cap(text: str) -> str:
    return text[:1].upper() + text[1:] if text[:1].isalpha() else text


def pascal(*words: str) -> str:
    return "".join(p.capitalize() for w in words for p in w.split("_"))


def camel(*words: str) -> str:
    s = pascal(*words)
    return s[:1].lower() + s[1:]


# --------------------------------------------------------------------------
# Word counting
# --------------------------------------------------------------------------

# frostpress' own word regex (frostpress/content/markdown.py), applied to text
# with link targets, footnote markers and code fences removed.
_WORD = re.compile(r"\w[\w'\u2019-]*")
_LINK_TARGET = re.compile(r"\]\([^)\s]*\)")
_FN_REF = re.compile(r"\[\^[^\]]+\]:?")
FENCE_BLOCK = re.compile(r"^```[^\n]*\n.*?^```[ \t]*$", re.S | re.M)


def count_words(markdown_text: str) -> int:
    """Approximate frostpress' ``word_count`` of a Markdown body.

    Words outside fenced code blocks, ignoring link targets and footnote
    markers (inline code counts, as it does in the rendered text).
    """
    text = FENCE_BLOCK.sub(" ", markdown_text)
    text = _LINK_TARGET.sub("]", text)
    text = _FN_REF.sub(" ", text)
    return len(_WORD.findall(text))
