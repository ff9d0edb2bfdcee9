"""Code-block templates for the shell, query, style, markup and config languages.

Bash, SQL, CSS, HTML and TOML, one template function per language, each
returning the lines of a 10-25 line snippet.  ``synth_code.code_block`` picks
them up through ``MARKUP_TEMPLATES``.
"""

from __future__ import annotations

from collections.abc import Callable

from synth_prose import ProseWriter
from synth_vocab import TAGS
from synth_words import cap, plural


def _bash(w: ProseWriter) -> list[str]:
    r = w.rng
    if r.random() < 0.5:
        var = f"{w.inoun()}_DIR".upper()
        limit = f"MAX_{w.inoun()}_BYTES".upper()
        ext = r.choice(["md", "html", "css", "js", "png", "jpg"])
        return [
            "#!/usr/bin/env bash",
            "set -euo pipefail",
            "",
            f'{var}="${{1:-{r.choice(["content/posts", "build", "public", "content/media"])}}}"',
            f"{limit}={r.choice([4096, 16384, 65536, 262144, 1048576])}",
            "",
            "count=0",
            f'for file in "${var}"/*.{ext}; do',
            '  [ -e "$file" ] || continue',
            '  size=$(wc -c < "$file")',
            f'  if [ "$size" -gt "${limit}" ]; then',
            '    echo "large: $file ($size bytes)"',
            "    count=$((count + 1))",
            "  fi",
            "done",
            f'echo "{w.nouns()} over the limit: $count"',
        ]
    out = r.choice(["build", "public", "_site", "dist"])
    steps = [
        "find \"$OUT_DIR\" -name '*.html' -exec gzip -k -9 {} +",
        'du -sh "$OUT_DIR"',
        'cp -r static/. "$OUT_DIR"/',
        'test -f "$OUT_DIR/index.html"',
        'echo "build finished in ${SECONDS}s"',
        f'ls "$OUT_DIR"/posts | head -n {r.randint(3, 20)}',
        'sha256sum "$OUT_DIR"/index.html',
        'find "$OUT_DIR" -type f | wc -l',
    ]
    lines = [
        "#!/usr/bin/env bash",
        "set -euo pipefail",
        "",
        f'OUT_DIR="{out}"',
        f'REMOTE="deploy@{w.inoun()}.example.net:/var/www/{w.inoun()}"',
        "",
        'rm -rf "$OUT_DIR"',
        f'frostpress build --output "$OUT_DIR" --jobs {r.choice([2, 4, 8])}',
    ]
    lines += r.sample(steps, r.randint(1, 5))
    lines += [
        'rsync -az --delete "$OUT_DIR"/ "$REMOTE"/',
        'echo "deployed $(find "$OUT_DIR" -name \'*.html\' | wc -l) pages"',
    ]
    return lines


def _sql(w: ProseWriter) -> list[str]:
    r = w.rng
    table = plural(w.inoun()).replace("-", "_")
    if r.random() < 0.5:
        cols = w.inouns(r.randint(2, 6))
        lines = [f"CREATE TABLE {table} (", "    id INTEGER PRIMARY KEY,"]
        for c in cols:
            ty = r.choice(["TEXT", "INTEGER", "REAL", "BOOLEAN"])
            null = r.choice([" NOT NULL", "", " NOT NULL"])
            lines.append(f"    {c} {ty}{null},")
        y, m, d = r.randint(2021, 2025), r.randint(1, 12), r.randint(1, 28)
        lines += [
            "    created_at TIMESTAMP DEFAULT CURRENT_TIMESTAMP",
            ");",
            "",
            f"CREATE INDEX idx_{table}_{cols[0]} ON {table} ({cols[0]});",
            "",
            f"SELECT {cols[0]}, COUNT(*) AS total",
            f"FROM {table}",
            f"WHERE created_at >= '{y:04d}-{m:02d}-{d:02d}'",
            f"GROUP BY {cols[0]}",
            "ORDER BY total DESC",
            f"LIMIT {r.choice([5, 10, 20, 50, 100])};",
        ]
        return lines
    c1, c2 = w.inouns(2)
    return [
        "WITH recent AS (",
        f"    SELECT {c1}, {c2}, created_at",
        f"    FROM {table}",
        f"    WHERE created_at > DATE('now', '-{r.choice([7, 14, 30, 90, 365])} days')",
        "),",
        "ranked AS (",
        "    SELECT",
        f"        {c1},",
        f"        {c2},",
        f"        ROW_NUMBER() OVER (PARTITION BY {c1} ORDER BY created_at DESC) AS rn",
        "    FROM recent",
        ")",
        f"SELECT {c1}, {c2}",
        "FROM ranked",
        f"WHERE rn <= {r.randint(1, 10)}",
        f"ORDER BY {c1};",
    ]


def _css(w: ProseWriter) -> list[str]:
    r = w.rng
    cls = f"{w.inoun()}-{r.choice(['grid', 'list', 'card', 'panel', 'body'])}"
    if r.random() < 0.5:
        lines = [":root {", f"  --content-width: {r.randint(36, 72)}rem;"]
        props = [
            f"  --accent-color: #{r.randrange(0x1000000):06x};",
            f"  --text-color: #{r.randrange(0x1000000):06x};",
            f"  --gap: {r.choice([0.5, 0.75, 1, 1.5, 2])}rem;",
            f"  --radius: {r.randint(2, 12)}px;",
            f"  --line-height: 1.{r.randint(3, 8)};",
            f"  --{w.inoun()}-shadow: 0 1px {r.randint(2, 8)}px rgb(0 0 0 / 0.{r.randint(1, 4)});",
        ]
        lines += r.sample(props, r.randint(1, 5))
        lines += [
            "}",
            "",
            f".{cls} {{",
            "  display: grid;",
            "  grid-template-columns: repeat(auto-fill, "
            f"minmax({r.choice([160, 200, 240, 280, 320])}px, 1fr));",
            f"  gap: {r.choice([0.5, 1, 1.25, 1.5, 2])}rem;",
            "  max-width: var(--content-width);",
            "  margin: 0 auto;",
            "}",
            "",
            f"@media (max-width: {r.choice([480, 600, 720, 800, 960])}px) {{",
            f"  .{cls} {{",
            "    grid-template-columns: 1fr;",
            "  }",
            "}",
        ]
        return lines
    return [
        f".{cls} pre {{",
        f"  padding: {r.choice([0.5, 0.75, 1, 1.25])}rem;",
        "  overflow-x: auto;",
        f"  border-radius: {r.randint(2, 10)}px;",
        f"  background: #{r.randrange(0x1000000):06x};",
        "}",
        "",
        f".{cls} code {{",
        "  font-family: "
        f'"{r.choice(["JetBrains Mono", "Fira Code", "Iosevka", "Source Code Pro"])}", '
        "monospace;",
        f"  font-size: 0.{r.randint(80, 95)}em;",
        "}",
        "",
        f".{cls} a:hover,",
        f".{cls} a:focus {{",
        "  text-decoration: underline;",
        f"  color: #{r.randrange(0x1000000):06x};",
        "}",
    ]


def _html(w: ProseWriter) -> list[str]:
    r = w.rng
    if r.random() < 0.5:
        lines = [
            "<!DOCTYPE html>",
            '<html lang="en">',
            "<head>",
            '  <meta charset="utf-8">',
            '  <meta name="viewport" content="width=device-width, initial-scale=1">',
            f"  <title>{cap(w.adj())} {w.nouns()}</title>",
            f'  <link rel="stylesheet" href="/css/{w.inoun()}.css">',
            "</head>",
            "<body>",
            f'  <nav class="{w.inoun()}-nav">',
        ]
        for label in w.inouns(r.randint(2, 5)):
            lines.append(f'    <a href="/{label}/">{cap(label)}</a>')
        lines += [
            "  </nav>",
            "  <main>",
            '    <article class="post">',
            f"      <h1>{cap(w.obj())}</h1>",
            f"      <p>{cap(w.clause())}.</p>",
            "    </article>",
            "  </main>",
            "</body>",
            "</html>",
        ]
        return lines
    img = f"{w.inoun()}-{r.randint(1, 99)}"
    lines = [
        f'<figure class="{w.inoun()}-figure">',
        "  <picture>",
        f'    <source srcset="/media/{img}.avif" type="image/avif">',
        f'    <source srcset="/media/{img}.webp" type="image/webp">',
        f'    <img src="/media/{img}.jpg" alt="{cap(w.obj())}" '
        f'width="{r.choice([640, 800, 1024, 1280])}" '
        f'height="{r.choice([360, 480, 600, 720])}" loading="lazy">',
        "  </picture>",
        f"  <figcaption>{cap(w.clause())}.</figcaption>",
        "</figure>",
        '<ul class="tag-list">',
    ]
    for tag in r.sample(TAGS, r.randint(2, 6)):
        lines.append(f'  <li><a href="/tags/{tag}/">{tag}</a></li>')
    lines.append("</ul>")
    return lines


def _toml(w: ProseWriter) -> list[str]:
    r = w.rng
    if r.random() < 0.5:
        lines = [
            "[site]",
            f'title = "{cap(w.adj())} {w.nouns()}"',
            f'base_url = "https://{w.inoun()}.example.org/"',
            'language = "en"',
            "",
            "[build]",
            f'output_dir = "{r.choice(["build", "public", "_site"])}"',
            f"jobs = {r.choice([1, 2, 4, 8])}",
            f"minify = {r.choice(['true', 'false'])}",
        ]
        for name in w.inouns(r.randint(1, 3)):
            lines += ["", "[[menu]]", f'name = "{cap(name)}"', f'url = "/{name}/"']
        return lines
    deps = [
        'serde = { version = "1", features = ["derive"] }',
        'serde_json = "1"',
        'anyhow = "1"',
        'clap = { version = "4", features = ["derive"] }',
        f'rayon = "1.{r.randint(5, 10)}"',
        f'pulldown-cmark = "0.{r.randint(9, 12)}"',
        'walkdir = "2"',
        f'toml = "0.{r.randint(5, 8)}"',
        'regex = "1"',
        'tracing = "0.1"',
        'tokio = { version = "1", features = ["full"] }',
    ]
    chosen = sorted(r.sample(deps, r.randint(2, 6)))
    return [
        "[package]",
        f'name = "{w.inoun().replace("_", "-")}-{r.choice(["gen", "tool", "cli", "core"])}"',
        f'version = "0.{r.randint(1, 20)}.{r.randint(0, 9)}"',
        'edition = "2021"',
        "",
        "[dependencies]",
        *chosen,
        "",
        "[profile.release]",
        f"lto = {r.choice(['true', 'false'])}",
        f"codegen-units = {r.choice([1, 4, 16])}",
    ]


MARKUP_TEMPLATES: dict[str, Callable[[ProseWriter], list[str]]] = {
    "bash": _bash,
    "sql": _sql,
    "css": _css,
    "html": _html,
    "toml": _toml,
}
