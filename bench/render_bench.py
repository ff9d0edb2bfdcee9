#!/usr/bin/env python3
"""Comment rendering on hostile input, and what the time budget costs.

1. Every language a comment may highlight (``sidecar/services/comment_code.py``)
   renders hostile code blocks as long as the size limit allows (8,000
   characters once tabs are expanded) in several shapes: tab-indented lines,
   deep nesting, unclosed strings and comments, long lines of one repeated
   character. Each goes through the whole comment renderer (Markdown,
   Pygments, nh3) in this process, with no budget, as a worker runs it.
   Printed: each language's worst time and shape, the slowest ones, and those
   over the time budget (a comment the sidecar would refuse with 422).
2. The worker pool's overhead: a typical comment rendered here, then through
   ``render_comment`` (a worker process, within the budget): median and p95.

    python bench/render_bench.py [--only python,java] [--repeat 200]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections.abc import Callable, Iterator
from functools import partial
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

LIMIT = 8000


def fill(unit: str, room: int, head: str = "") -> str:
    """``head`` then ``unit`` repeated, at most ``room`` characters once tabs are expanded."""
    size = len((head + unit).expandtabs(4)) - len(head.expandtabs(4))
    return head + unit * max(1, (room - len(head.expandtabs(4))) // size)


def shapes(room: int) -> Iterator[tuple[str, str]]:
    yield "tab-indented lines", fill("\t\tx = f(y)\n", room)
    yield "tabs between words", fill("a\tb\t", room)
    for opener in ("(", "[", "{", "<", "({[<", "<a ", "${", "$(", "#{"):
        yield f"nesting {opener!r}", fill(opener, room)
    for head, unit in (
        ('"', "a "),
        ("'", "a "),
        ("`", "a "),
        ('"""', "a\n"),
        ("/*", "a\n"),
        ("<!--", "a\n"),
        ("{-", "a\n"),
        ("--[[", "a\n"),
        ("<<EOF\n", "a\n"),
        ('r#"', "a "),
    ):
        yield f"unclosed {head.strip()!r}", fill(unit, room, head)
    for char in "a0 /\\*-=<>$@.:#\"'`([{|&;!?%^~_+,":
        yield f"one line of {char!r}", fill(char, room - 1) + ("x" if char == " " else "")
    for unit in ("a.", "a ", "1e", "0x", '\\"', "- ", "@@ ", "a\n", "::"):
        yield f"repeated {unit!r}", fill(unit, room)


def timed(action: Callable[[], object]) -> float:
    started = time.perf_counter()
    action()
    return time.perf_counter() - started


def hostile(languages: list[str], budget: float) -> None:
    from sidecar.services.comment_rules import validate_body
    from sidecar.services.rendering import render_here

    print(f"1. hostile code blocks, {LIMIT} characters each, per allowed language (no budget)")
    worst: list[tuple[float, str, str]] = []
    for lang in languages:
        fence = f"```{lang}\n\n```"
        times = []
        for shape, code in shapes(LIMIT - len(fence)):
            body = f"```{lang}\n{code}\n```"
            validate_body(body)  # the sidecar would accept it
            times.append((timed(partial(render_here, body)), shape))
        seconds, shape = max(times)
        worst.append((seconds, lang, shape))
        print(f"   {lang:12} {seconds * 1000:8.1f} ms  worst: {shape}", flush=True)
    worst.sort(reverse=True)
    print("   slowest: " + ", ".join(f"{lang} {s:.2f} s ({shape})" for s, lang, shape in worst[:6]))
    over = [f"{lang} ({s:.2f} s)" for s, lang, _ in worst if s > budget]
    print(f"   over the {budget:g} s budget (refused with 422): {', '.join(over) or 'none'}")
    print(f"   median worst case: {statistics.median(s for s, _, _ in worst) * 1000:.1f} ms")


TYPICAL = """Thanks, this helped -- though I'd write it *slightly* differently:

```python
def render(source: str) -> str:
    \"\"\"Markdown to HTML.\"\"\"
    return markdown.markdown(source)  # one call
```

See [the docs](https://python-markdown.github.io/) and:

- one
- two
"""


def overhead(repeat: int) -> None:
    from sidecar.services.rendering import render_comment, render_here

    def stats(samples: list[float]) -> str:
        ordered = sorted(samples)
        p95 = ordered[int(len(ordered) * 0.95) - 1]
        return f"median {statistics.median(ordered) * 1000:6.2f} ms, p95 {p95 * 1000:6.2f} ms"

    print(f"2. a typical comment ({len(TYPICAL)} characters), {repeat} renders each way")
    first = timed(lambda: render_comment(TYPICAL))  # starts the pool
    assert render_comment(TYPICAL) == render_here(TYPICAL)
    here = [timed(lambda: render_here(TYPICAL)) for _ in range(repeat)]
    pooled = [timed(lambda: render_comment(TYPICAL)) for _ in range(repeat)]
    print(f"   the first, starting the pool: {first * 1000:.0f} ms")
    print(f"   in this process:   {stats(here)}")
    print(f"   in a worker:       {stats(pooled)}")
    extra = statistics.median(pooled) - statistics.median(here)
    print(f"   overhead of the worker pool: {extra * 1000:.2f} ms per render (median)")


def main() -> int:
    from sidecar.services.comment_code import LANGUAGES
    from sidecar.services.rendering import DEFAULTS

    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--only", default="", help="comma-separated languages (default: all)")
    parser.add_argument("--repeat", type=int, default=200)
    args = parser.parse_args()
    languages = [x for x in args.only.split(",") if x] or list(LANGUAGES)
    unknown = set(languages) - set(LANGUAGES)
    if unknown:
        parser.error(f"not allowed in comments: {', '.join(sorted(unknown))}")
    hostile(languages, float(DEFAULTS["COMMENT_RENDER_TIMEOUT"]))
    overhead(args.repeat)
    return 0


if __name__ == "__main__":  # the workers start from a forkserver, which imports this file
    sys.exit(main())
