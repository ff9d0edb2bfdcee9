"""Fenced code blocks for the synthetic posts.

``code_block(w, lang)`` returns a complete fenced block (10-25 lines) in one of
``synth_vocab.LANGUAGES``.  The templates for the general-purpose languages
(Python, JavaScript, Rust, Go, C) are here; the shell, query, style, markup
and config languages are in ``synth_code_markup``.  Each template fills its
identifiers and numbers from the writer ``w`` and its random generator.
"""

from __future__ import annotations

from collections.abc import Callable

from synth_code_markup import MARKUP_TEMPLATES
from synth_prose import ProseWriter
from synth_vocab import IDENT_VERBS, LANGUAGES, NOUNS
from synth_words import camel, pascal, plural


def code_block(w: ProseWriter, lang: str) -> str:
    """A fenced Markdown code block in ``lang``, drawn from ``w``'s generator."""
    lines = _TEMPLATES[lang](w)
    assert 10 <= len(lines) <= 25, (lang, len(lines))
    return "```" + lang + "\n" + "\n".join(lines) + "\n```"


def _python(w: ProseWriter) -> list[str]:
    r = w.rng
    k = r.randrange(3)
    if k == 0:
        const = f"{w.inoun()}_WEIGHTS".upper()
        fn = w.snake()
        lines = ["import re", "from pathlib import Path", "", f"{const} = {{"]
        for key in r.sample(NOUNS, r.randint(2, 8)):
            lines.append(f'    "{key}": {r.randint(1, 9)},')
        lines += [
            "}",
            "",
            "",
            f"def {fn}(path: Path) -> dict[str, int]:",
            '    text = path.read_text(encoding="utf-8")',
            "    counts: dict[str, int] = {}",
            '    for word in re.findall(r"[a-z]+", text.lower()):',
            f"        if word in {const}:",
            f"            counts[word] = counts.get(word, 0) + {const}[word]",
            "    return counts",
        ]
        return lines
    if k == 1:
        cls = pascal(w.inoun(), w.rng.choice(["info", "record", "entry", "stat"]))
        fn = w.snake()
        extras = []
        uses_field = False
        for name in w.inouns(r.randint(1, 6)):
            if name in ("size",):
                continue
            t = r.randrange(5)
            if t == 0:
                extras.append(f"    {name}: int = {r.randint(0, 100)}")
            elif t == 1:
                extras.append(f"    {name}: float = {r.uniform(0, 10):.2f}")
            elif t == 2:
                extras.append(f"    {name}: bool = {r.choice(['True', 'False'])}")
            elif t == 3:
                extras.append(f'    {name}: str = "{r.choice(NOUNS)}"')
            else:
                extras.append(f"    {name}: list[str] = field(default_factory=list)")
                uses_field = True
        imp = "dataclass, field" if uses_field else "dataclass"
        lines = [
            f"from dataclasses import {imp}",
            "from pathlib import Path",
            "",
            "",
            "@dataclass",
            f"class {cls}:",
            "    name: str",
            "    size: int",
        ]
        lines += extras
        lines += [
            "",
            "",
            f"def {fn}(root: Path, limit: int = {r.randint(10, 500)}) -> list[{cls}]:",
            f"    items: list[{cls}] = []",
            f'    for path in sorted(root.glob("*.{r.choice(["md", "html", "json", "txt"])}")):',
            "        if len(items) >= limit:",
            "            break",
            f"        items.append({cls}(path.stem, path.stat().st_size))",
            "    return items",
        ]
        return lines
    fn = w.snake()
    var = w.inoun()
    lines = [
        "import time",
        "from contextlib import contextmanager",
        "",
        "",
        "@contextmanager",
        f"def {fn}(label: str, threshold: float = {r.uniform(0.01, 2):.2f}):",
        "    start = time.perf_counter()",
        "    try:",
        "        yield",
        "    finally:",
        "        elapsed = time.perf_counter() - start",
        "        if elapsed > threshold:",
        '            print(f"{label}: {elapsed:.3f}s")',
        "",
        "",
        f'with {fn}("{w.noun()}"):',
        f"    for {var} in range({r.randint(10, 10000)}):",
    ]
    for _ in range(r.randint(1, 4)):
        lines.append(f"        {w.inoun()}_{r.randint(1, 9)} = {w.snake()}({var})")
    return lines


def _javascript(w: ProseWriter) -> list[str]:
    r = w.rng
    k = r.randrange(3)
    if k == 0:
        cfg = camel(w.inoun(), "defaults")
        fn = camel(r.choice(IDENT_VERBS), w.inoun())
        lines = [f"const {cfg} = {{", f"  timeout: {r.choice([500, 1000, 2500, 5000, 10000])},"]
        for key in w.inouns(r.randint(1, 6)):
            val = r.choice([str(r.randint(1, 100)), "true", "false", f'"{r.choice(NOUNS)}"'])
            lines.append(f"  {camel(key)}: {val},")
        lines += [
            "};",
            "",
            f"export async function {fn}(url, options = {{}}) {{",
            "  const controller = new AbortController();",
            f"  const timer = setTimeout(() => controller.abort(), {cfg}.timeout);",
            "  try {",
            "    const res = await fetch(url, { ...options, signal: controller.signal });",
            "    if (!res.ok) throw new Error(`HTTP ${res.status} for ${url}`);",
            "    return await res.json();",
            "  } finally {",
            "    clearTimeout(timer);",
            "  }",
            "}",
        ]
        return lines
    if k == 1:
        arr = camel(w.inoun(), "names")
        counter = camel(w.inoun(), "count")
        attr = w.inoun()
        lines = [f"const {arr} = ["]
        for item in r.sample(NOUNS, r.randint(2, 6)):
            lines.append(f'  "{item}",')
        lines += [
            "];",
            "",
            'document.addEventListener("DOMContentLoaded", () => {',
            f'  const nodes = document.querySelectorAll("[data-{attr}]");',
            f"  let {counter} = 0;",
            "  for (const node of nodes) {",
            f"    if ({arr}.includes(node.dataset.{attr})) {{",
            f'      node.classList.add("is-{w.adj()}");',
            f"      {counter} += 1;",
            "    }",
            "  }",
            f"  console.log(`{w.noun()} matches: ${{{counter}}}`);",
            "});",
        ]
        return lines
    fn = camel(r.choice(IDENT_VERBS), w.inoun(), "list")
    param = camel("max", w.inoun() + "s")
    attr = w.inoun()
    lines = [
        f"function {fn}(posts, {param} = {r.randint(5, 50)}) {{",
        "  return posts",
        f"    .filter((post) => !post.draft && post.{attr} > {r.randint(0, 20)})",
        "    .sort((a, b) => b.date - a.date)",
        f"    .slice(0, {param})",
        "    .map((post) => ({",
        "      title: post.title,",
        "      url: `/posts/${post.slug}/`,",
    ]
    for key in w.inouns(r.randint(1, 5)):
        if key in ("title",):
            continue
        lines.append(f"      {camel(key)}: post.{camel(key)},")
    lines += ["    }));", "}", "", f"module.exports = {{ {fn} }};"]
    return lines


def _rust(w: ProseWriter) -> list[str]:
    r = w.rng
    if r.random() < 0.5:
        cls = pascal(w.inoun(), r.choice(["info", "entry", "meta", "record"]))
        fn = w.snake()
        lines = [
            "use std::fmt;",
            "",
            "#[derive(Debug, Clone, PartialEq)]",
            f"pub struct {cls} {{",
            "    pub name: String,",
            "    pub tags: Vec<String>,",
        ]
        for name in w.inouns(r.randint(1, 5)):
            if name in ("tag",):
                continue
            ty = r.choice(["u32", "u64", "usize", "bool", "f64", "String", "Option<String>"])
            lines.append(f"    pub {name}: {ty},")
        lines += [
            "}",
            "",
            f"impl {cls} {{",
            f"    pub fn {fn}(&self, limit: usize) -> Vec<&str> {{",
            "        self.tags.iter().take(limit).map(|t| t.as_str()).collect()",
            "    }",
            "}",
            "",
            f"impl fmt::Display for {cls} {{",
            "    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {",
            '        write!(f, "{} ({} tags)", self.name, self.tags.len())',
            "    }",
            "}",
        ]
        return lines
    fn = w.snake()
    m = r.randint(2, 4)
    lines = [
        "use std::collections::HashMap;",
        "",
        f"pub fn {fn}(words: &[&str], min_count: usize) -> HashMap<String, usize> {{",
        f"    let mut counts = HashMap::with_capacity({r.choice([16, 64, 256, 1024])});",
        "    for word in words {",
        "        let key = word.trim_matches(|c: char| !c.is_alphanumeric()).to_lowercase();",
        f"        if key.len() < {m} {{",
        "            continue;",
        "        }",
        "        *counts.entry(key).or_insert(0) += 1;",
        "    }",
        "    counts.retain(|_, v| *v >= min_count);",
        "    counts",
        "}",
    ]
    if r.random() < 0.6:
        words = r.sample(NOUNS, r.randint(2, 4))
        expected = len({word for word in words if len(word) >= m})
        quoted = ", ".join(f'"{word}"' for word in words)
        lines += [
            "",
            "#[cfg(test)]",
            "mod tests {",
            "    use super::*;",
            "",
            "    #[test]",
            f"    fn {fn}_counts_words() {{",
            f"        let counts = {fn}(&[{quoted}], 1);",
            f"        assert_eq!(counts.len(), {expected});",
            "    }",
            "}",
        ]
    return lines


def _go(w: ProseWriter) -> list[str]:
    r = w.rng
    k = r.randrange(3)
    pkg = r.choice(["content", "build", "site", "render", "feed", "assets"])
    if k == 0:
        fn = pascal(r.choice(IDENT_VERBS), w.inoun(), "files")
        ext = r.choice(["md", "html", "css", "json", "xml"])
        return [
            f"package {pkg}",
            "",
            "import (",
            '\t"fmt"',
            '\t"io/fs"',
            '\t"path/filepath"',
            ")",
            "",
            f"// {fn} returns every .{ext} file below root.",
            f"func {fn}(root string) ([]string, error) {{",
            "\tvar out []string",
            "\terr := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {",
            f'\t\tif err != nil || d.IsDir() || filepath.Ext(path) != ".{ext}" {{',
            "\t\t\treturn err",
            "\t\t}",
            "\t\tout = append(out, path)",
            "\t\treturn nil",
            "\t})",
            "\tif err != nil {",
            f'\t\treturn nil, fmt.Errorf("{fn[0].lower() + fn[1:]}: %w", err)',
            "\t}",
            "\treturn out, nil",
            "}",
        ]
    if k == 1:
        cls = pascal(w.inoun(), r.choice(["info", "entry", "stats"]))
        fields = [("Name", "string", "name"), ("Count", "int", "count")]
        for name in w.inouns(r.randint(1, 5)):
            fields.append(
                (
                    pascal(name),
                    r.choice(["int", "int64", "string", "bool", "float64", "[]string"]),
                    name,
                )
            )
        width_n = max(len(f[0]) for f in fields)
        width_t = max(len(f[1]) for f in fields)
        lines = [f"package {pkg}", "", 'import "fmt"', "", f"type {cls} struct {{"]
        for name, ty, tag in fields:
            lines.append(f'\t{name.ljust(width_n)} {ty.ljust(width_t)} `json:"{tag}"`')
        lines += [
            "}",
            "",
            f"func (c *{cls}) String() string {{",
            '\treturn fmt.Sprintf("%s (%d)", c.Name, c.Count)',
            "}",
            "",
            f"func New{cls}(name string) *{cls} {{",
            f"\treturn &{cls}{{Name: name, Count: {r.randint(0, 10)}}}",
            "}",
        ]
        return lines
    return [
        "package main",
        "",
        "import (",
        '\t"log"',
        '\t"net/http"',
        '\t"time"',
        ")",
        "",
        "func main() {",
        "\tmux := http.NewServeMux()",
        '\tmux.Handle("/", http.FileServer(http.Dir('
        f'"{r.choice(["build", "public", "site", "out"])}")))',
        f'\tmux.HandleFunc("/{r.choice(["healthz", "ping", "status"])}", '
        "func(w http.ResponseWriter, r *http.Request) {",
        "\t\tw.WriteHeader(http.StatusOK)",
        "\t})",
        "\tsrv := &http.Server{",
        f'\t\tAddr:         ":{r.choice([8000, 8080, 3000, 4000])}",',
        "\t\tHandler:      mux,",
        f"\t\tReadTimeout:  {r.randint(2, 30)} * time.Second,",
        f"\t\tWriteTimeout: {r.randint(2, 30)} * time.Second,",
        "\t}",
        '\tlog.Printf("serving on %s", srv.Addr)',
        "\tlog.Fatal(srv.ListenAndServe())",
        "}",
    ]


def _c(w: ProseWriter) -> list[str]:
    r = w.rng
    if r.random() < 0.5:
        fn = f"count_{w.inoun()}s"
        macro = f"MAX_{w.inoun()}_LEN".upper()
        ch = r.choice([",", ";", "#", ":", "|", "-"])
        return [
            "#include <stdio.h>",
            "#include <string.h>",
            "",
            f"#define {macro} {r.choice([128, 256, 512, 1024, 4096])}",
            "",
            f"static size_t {fn}(const char *s, char c)",
            "{",
            "    size_t count = 0;",
            "    for (; *s != '\\0'; s++) {",
            "        if (*s == c) {",
            "            count++;",
            "        }",
            "    }",
            "    return count;",
            "}",
            "",
            "int main(void)",
            "{",
            f"    char line[{macro}];",
            "    while (fgets(line, sizeof line, stdin) != NULL) {",
            f"        printf(\"%zu\\n\", {fn}(line, '{ch}'));",
            "    }",
            "    return 0;",
            "}",
        ]
    name = w.inoun()
    key = w.inoun()
    lines = [
        "#include <stdlib.h>",
        "",
        f"struct {name} {{",
        f"    const char *{r.choice(['label', 'name', 'path', 'title'])};",
        f"    int {key};",
    ]
    for field in w.inouns(r.randint(0, 4)):
        if field in (key, "label", "name", "path", "title"):
            continue
        ctype = r.choice(["int ", "long ", "double ", "unsigned ", "const char *"])
        lines.append(f"    {ctype}{field};")
    lines += [
        "};",
        "",
        f"static int compare_{name}(const void *a, const void *b)",
        "{",
        f"    const struct {name} *x = a;",
        f"    const struct {name} *y = b;",
        f"    return (x->{key} > y->{key}) - (x->{key} < y->{key});",
        "}",
        "",
        f"void sort_{plural(name)}(struct {name} *items, size_t n)",
        "{",
        f"    qsort(items, n, sizeof *items, compare_{name});",
        "}",
    ]
    return lines


_TEMPLATES: dict[str, Callable[[ProseWriter], list[str]]] = {
    "python": _python,
    "javascript": _javascript,
    "rust": _rust,
    "go": _go,
    "c": _c,
    **MARKUP_TEMPLATES,
}
assert set(_TEMPLATES) == set(LANGUAGES)
