"""Fixed data pools for the synthetic corpus (data only, no logic).

Site metadata (tags, categories, code languages, the date range), the English
vocabulary the prose writer draws from, identifier parts for code samples, and
the external links cited in posts.  Order matters: the generator picks from
these sequences by index, so reordering them changes the output.
"""

from __future__ import annotations

import datetime as _dt
import re
from pathlib import Path

# --------------------------------------------------------------------------
# Site metadata
# --------------------------------------------------------------------------


def _load_words(path: Path) -> dict[str, list[str]]:
    """Sections of ``synth_words.txt``: ``[NAME]`` then one item per line."""
    sections: dict[str, list[str]] = {}
    current: list[str] = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line or line.startswith("#"):
            continue
        if line.startswith("[") and line.endswith("]"):
            current = sections.setdefault(line[1:-1], [])
        else:
            current.append(line)
    return sections


_WORDS = _load_words(Path(__file__).with_name("synth_words.txt"))

TAGS: tuple[str, ...] = (
    "static-sites",
    "web-performance",
    "build-systems",
    "python-tips",
    "rust-lang",
    "go-lang",
    "front-end",
    "back-end",
    "css-layout",
    "html-semantics",
    "markdown-syntax",
    "yaml-config",
    "developer-tools",
    "command-line",
    "code-review",
    "unit-testing",
    "continuous-integration",
    "open-source",
    "self-hosting",
    "web-hosting",
    "content-design",
    "technical-writing",
    "data-structures",
    "algorithm-notes",
    "caching-strategies",
    "incremental-builds",
    "template-engines",
    "syntax-highlighting",
    "search-indexing",
    "rss-feeds",
    "accessibility-basics",
    "image-optimization",
    "version-control",
    "release-notes",
    "debugging-stories",
    "profiling-tools",
    "database-design",
    "shell-scripting",
    "api-design",
    "side-projects",
)

CATEGORIES: tuple[str, ...] = (
    "Engineering",
    "Performance",
    "Tooling",
    "Design",
    "Operations",
    "Tutorials",
    "Open Source",
    "Notes",
)
CATEGORY_WEIGHTS = (6, 4, 4, 3, 3, 3, 2, 2)

LANGUAGES: tuple[str, ...] = (
    "python",
    "javascript",
    "rust",
    "go",
    "bash",
    "sql",
    "css",
    "html",
    "toml",
    "c",
)
LANG_NAMES = {
    "python": "Python",
    "javascript": "JavaScript",
    "rust": "Rust",
    "go": "Go",
    "bash": "Bash",
    "sql": "SQL",
    "css": "CSS",
    "html": "HTML",
    "toml": "TOML",
    "c": "C",
}

DATE_START = _dt.datetime(2021, 7, 1, 0, 0, 0)
DATE_END = _dt.datetime(2026, 6, 30, 23, 59, 59)  # inclusive

assert len(TAGS) == 40 and len(set(TAGS)) == 40
assert all(re.fullmatch(r"[a-z0-9]+(?:-[a-z0-9]+)+", t) for t in TAGS)
assert len(CATEGORIES) == 8 and len(set(CATEGORIES)) == 8

# --------------------------------------------------------------------------
# Vocabulary (a few hundred real English words)
# --------------------------------------------------------------------------

NOUNS = list(_WORDS["NOUNS"])

VERBS = list(_WORDS["VERBS"])

ADJECTIVES = list(_WORDS["ADJECTIVES"])

ADVERBS = list(_WORDS["ADVERBS"])

DEGREES = list(_WORDS["DEGREES"])
MODALS = ["can", "should", "will", "might", "must", "could", "would"]
OPENERS = list(_WORDS["OPENERS"])
CONNECTORS = ["and", "but", "so", "and then", "yet", "while"]
NUMBER_WORDS = list(_WORDS["NUMBER_WORDS"])
SHORT_SENTENCES = list(_WORDS["SHORT_SENTENCES"])
FIXED_PPS = list(_WORDS["FIXED_PPS"])

# Identifier building blocks for code (no reserved words in any language).
IDENT_NOUNS = list(_WORDS["IDENT_NOUNS"])
IDENT_VERBS = list(_WORDS["IDENT_VERBS"])

LINKS = [  # (url, link text)
    ("https://en.wikipedia.org/wiki/Static_web_page", "the Wikipedia article on static pages"),
    ("https://en.wikipedia.org/wiki/Markdown", "the history of Markdown"),
    ("https://en.wikipedia.org/wiki/Web_cache", "the Wikipedia page on web caches"),
    ("https://docs.python.org/3/library/pathlib.html", "the pathlib documentation"),
    ("https://docs.python.org/3/library/profile.html", "the profiler documentation"),
    ("https://developer.mozilla.org/en-US/docs/Web/HTTP/Caching", "the MDN guide to HTTP caching"),
    ("https://developer.mozilla.org/en-US/docs/Web/CSS/CSS_grid_layout", "the MDN grid reference"),
    ("https://www.rfc-editor.org/rfc/rfc9110", "RFC 9110"),
    ("https://yaml.org/spec/1.2.2/", "the YAML specification"),
    ("https://commonmark.org/help/", "the CommonMark cheat sheet"),
    ("https://github.com/Python-Markdown/markdown", "the Python-Markdown repository"),
    ("https://pygments.org/docs/", "the Pygments documentation"),
    ("https://www.sqlite.org/docs.html", "the SQLite documentation"),
    ("https://go.dev/doc/effective_go", "Effective Go"),
    ("https://doc.rust-lang.org/book/", "the Rust book"),
    ("https://www.gnu.org/software/bash/manual/", "the Bash manual"),
    ("https://toml.io/en/v1.0.0", "the TOML specification"),
    ("https://web.dev/articles/vitals", "the Web Vitals overview"),
    ("https://www.w3.org/WAI/fundamentals/", "the WAI fundamentals"),
    ("https://jinja.palletsprojects.com/", "the Jinja documentation"),
]
