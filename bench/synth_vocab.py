"""Fixed data pools for the synthetic corpus (data only, no logic).

Site metadata (tags, categories, code languages, the date range), the English
vocabulary the prose writer draws from, identifier parts for code samples, and
the external links cited in posts.  Order matters: the generator picks from
these sequences by index, so reordering them changes the output.
"""

from __future__ import annotations

import datetime as _dt
import re

# --------------------------------------------------------------------------
# Site metadata
# --------------------------------------------------------------------------

TAGS: tuple[str, ...] = (
    "static-sites", "web-performance", "build-systems", "python-tips",
    "rust-lang", "go-lang", "front-end", "back-end", "css-layout",
    "html-semantics", "markdown-syntax", "yaml-config", "developer-tools",
    "command-line", "code-review", "unit-testing", "continuous-integration",
    "open-source", "self-hosting", "web-hosting", "content-design",
    "technical-writing", "data-structures", "algorithm-notes",
    "caching-strategies", "incremental-builds", "template-engines",
    "syntax-highlighting", "search-indexing", "rss-feeds",
    "accessibility-basics", "image-optimization", "version-control",
    "release-notes", "debugging-stories", "profiling-tools",
    "database-design", "shell-scripting", "api-design", "side-projects",
)

CATEGORIES: tuple[str, ...] = (
    "Engineering", "Performance", "Tooling", "Design",
    "Operations", "Tutorials", "Open Source", "Notes",
)
CATEGORY_WEIGHTS = (6, 4, 4, 3, 3, 3, 2, 2)

LANGUAGES: tuple[str, ...] = (
    "python", "javascript", "rust", "go", "bash",
    "sql", "css", "html", "toml", "c",
)
LANG_NAMES = {
    "python": "Python", "javascript": "JavaScript", "rust": "Rust", "go": "Go",
    "bash": "Bash", "sql": "SQL", "css": "CSS", "html": "HTML", "toml": "TOML",
    "c": "C",
}

DATE_START = _dt.datetime(2021, 7, 1, 0, 0, 0)
DATE_END = _dt.datetime(2026, 6, 30, 23, 59, 59)   # inclusive

assert len(TAGS) == 40 and len(set(TAGS)) == 40
assert all(re.fullmatch(r"[a-z0-9]+(?:-[a-z0-9]+)+", t) for t in TAGS)
assert len(CATEGORIES) == 8 and len(set(CATEGORIES)) == 8

# --------------------------------------------------------------------------
# Vocabulary (a few hundred real English words)
# --------------------------------------------------------------------------

NOUNS = [
    "build", "cache", "page", "template", "server", "request", "response", "file", "directory",
    "index", "query", "parser", "renderer", "plugin", "feature", "release", "test", "benchmark",
    "deadline", "team", "user", "reader", "writer", "author", "post", "draft", "feed", "layout",
    "theme", "stylesheet", "script", "function", "module", "package", "library", "dependency",
    "setting", "option", "flag", "pipeline", "process", "thread", "queue", "worker", "job", "task",
    "schedule", "log", "metric", "graph", "chart", "dashboard", "alert", "error", "warning", "bug",
    "fix", "patch", "change", "commit", "branch", "review", "comment", "issue", "question",
    "answer", "problem", "solution", "idea", "pattern", "approach", "design", "tradeoff", "system",
    "service", "database", "table", "column", "record", "field", "value", "key", "hash", "string",
    "number", "list", "map", "tree", "node", "edge", "path", "route", "link", "image", "asset",
    "bundle", "compiler", "interpreter", "runtime", "memory", "disk", "network", "latency",
    "budget", "limit", "timeout", "retry", "version", "upgrade", "migration", "schema", "format",
    "document", "section", "heading", "paragraph", "sentence", "word", "example", "detail", "step",
    "stage", "layer", "boundary", "interface", "contract", "abstraction", "experiment",
    "measurement", "result", "baseline", "regression", "improvement", "workflow", "habit",
    "decision", "rule", "constraint", "machine", "laptop", "terminal", "editor", "browser",
    "client", "developer", "engineer", "maintainer", "project", "repository", "website", "blog",
    "archive", "tag", "category", "summary", "snippet", "diagram", "checklist", "morning", "week",
    "month", "year",
]

VERBS = [
    "build", "cache", "render", "parse", "measure", "test", "deploy", "refactor", "replace",
    "remove", "rewrite", "simplify", "split", "merge", "review", "profile", "track", "load",
    "store", "read", "write", "update", "compare", "document", "validate", "generate", "compile",
    "optimize", "reduce", "improve", "skip", "avoid", "handle", "inspect", "debug", "ship",
    "configure", "install", "bundle", "index", "sort", "filter", "group", "rename", "move", "copy",
    "delete", "schedule", "batch", "trace", "log", "monitor", "question", "explain", "check",
    "prefer", "need", "keep", "find", "fix", "break", "change", "hide", "expose", "share", "reuse",
    "trust", "ignore", "revisit", "automate", "isolate", "invalidate", "preserve", "serialize",
    "stream", "trim", "swap", "rethink", "plan", "warm", "flush", "prune", "tune", "audit", "wrap",
    "extend", "limit", "hash", "publish",
]

ADJECTIVES = [
    "small", "large", "fast", "slow", "simple", "complex", "stable", "fragile", "clean", "messy",
    "careful", "obvious", "subtle", "tiny", "huge", "new", "old", "modern", "legacy", "static",
    "dynamic", "incremental", "parallel", "serial", "cold", "warm", "hot", "cheap", "expensive",
    "reliable", "flaky", "predictable", "surprising", "boring", "useful", "practical", "minimal",
    "verbose", "readable", "strict", "loose", "lazy", "eager", "default", "custom", "explicit",
    "implicit", "shared", "local", "remote", "global", "nested", "flat", "empty", "stale", "fresh",
    "broken", "correct", "naive", "clever", "robust", "portable", "consistent", "deterministic",
    "noisy", "quiet", "rare", "common", "typical", "final", "initial", "separate", "single",
    "entire", "unusual", "honest", "modest", "generous", "rough", "precise", "gradual", "sudden",
]

ADVERBS = [
    "quickly", "slowly", "carefully", "quietly", "rarely", "usually", "often", "sometimes",
    "always", "never", "eventually", "finally", "simply", "mostly", "barely", "clearly",
    "gradually", "suddenly", "reliably", "honestly", "roughly", "actually", "really", "probably",
    "certainly",
]

DEGREES = [
    "very", "fairly", "surprisingly", "quite", "rarely", "usually", "often", "always",
]
MODALS = ["can", "should", "will", "might", "must", "could", "would"]
OPENERS = [
    "In practice", "However", "For example", "Of course", "In the end",
    "At first", "Surprisingly", "To be fair", "In our case",
    "On the other hand", "As a result", "Unfortunately", "Fortunately",
    "Last month", "This time", "Meanwhile", "Still", "Later", "Honestly",
    "In hindsight", "For a while", "Most days", "Over time",
]
CONNECTORS = ["and", "but", "so", "and then", "yet", "while"]
NUMBER_WORDS = ["two", "three", "four", "five", "six", "seven", "eight",
                "ten", "a dozen", "a few", "several", "many", "dozens of"]
SHORT_SENTENCES = [
    "That was the easy part.", "It worked.", "Nothing else changed.",
    "This matters more than it sounds.", "The numbers were clear.",
    "That surprised me.", "We kept it.", "Nobody noticed.",
    "That is the whole trick.", "Then it broke again.", "The fix was small.",
    "It still is.", "Mostly, it works.", "Nobody complained.",
    "That was enough.", "The difference was obvious.", "We moved on.",
]
FIXED_PPS = [
    "in production", "on every build", "at scale", "during the release",
    "after the migration", "before the deadline", "in the first place",
    "on a cold cache", "over the weekend", "for a while", "by default",
    "in the background", "on a busy day", "in the test suite",
    "on the old laptop", "without much ceremony", "one file at a time",
]

# Identifier building blocks for code (no reserved words in any language).
IDENT_NOUNS = [
    "page", "post", "draft", "feed", "layout", "theme", "asset", "bundle", "route", "slug",
    "title", "author", "tag", "summary", "image", "link", "node", "edge", "path", "file", "chunk",
    "entry", "item", "token", "word", "hit", "score", "size", "width", "height", "weight",
    "budget", "worker", "job", "task", "batch", "cache", "template", "parser", "plugin", "hook",
    "metric", "event", "digest", "archive", "snippet", "excerpt", "heading", "anchor", "menu",
    "site", "source", "target", "output", "source_file",
]
IDENT_VERBS = [
    "render", "parse", "load", "build", "collect", "scan", "hash", "sort", "filter", "group",
    "merge", "split", "fetch", "write", "read", "resolve", "normalize", "compute", "emit", "flush",
    "prune", "index", "walk", "count", "format",
]

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
