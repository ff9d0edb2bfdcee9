"""Markdown building blocks on top of the prose writer.

``BlockWriter`` extends ``ProseWriter`` with post titles and ``##``/``###``
headings, the lead-in sentences that introduce a block, unordered and ordered
lists, tables, the footnote definition, and the decoration pass that adds
emphasis, strong text and the footnote reference to a post's sentences.
Fenced code blocks live in ``synth_code``.
"""

from __future__ import annotations

from synth_prose import ProseWriter
from synth_vocab import FIXED_PPS, LANG_NAMES, NUMBER_WORDS
from synth_words import cap, gerund, past, third

_PUNCT_TAIL = ",.?!:;"


class BlockWriter(ProseWriter):
    """Titles, headings, lists, tables, footnotes and inline decoration."""

    # -- titles and headings ----------------------------------------------
    def title(self, year: int) -> str:
        r = self.rng
        k = r.randrange(16)
        if k == 0:
            t = f"Notes on {gerund(self.verb())} {self.nouns()}"
        elif k == 1:
            t = f"Why our {self.noun()} {third(self.verb())} {self.nouns()}"
        elif k == 2:
            t = f"How we {past(self.verb())} the {self.noun()} {self.pp()}"
        elif k == 3:
            t = f"{gerund(self.verb())} the {self.adj()} {self.noun()}: a {self.adj()} guide"
        elif k == 4:
            t = f'The "{self.adj()}" {self.noun()} problem'
        elif k == 5:
            t = f"What {r.choice(NUMBER_WORDS[:8])} {self.nouns()} taught me about {self.nouns()}"
        elif k == 6:
            t = f"{self.adj()} {self.nouns()}, {self.adj()} {self.nouns()}"
        elif k == 7:
            t = f"Don't {self.verb()} your {self.noun()} {self.pp()}"
        elif k == 8:
            t = self.a(f"{self.adj()} look at {self.noun()} {self.nouns()}")
        elif k == 9:
            t = f"{gerund(self.verb())} {self.nouns()} & {self.nouns()}"
        elif k == 10:
            t = f"Lessons from {gerund(self.verb())} " + self.a(f"{self.adj()} {self.noun()}")
        elif k == 11:
            t = f"Is the {self.noun()} {self.adj()}?"
        elif k == 12:
            t = f"{gerund(self.verb())} {self.nouns()} in {year}"
        elif k == 13:
            t = f"The {self.noun()} that {past(self.verb())} our {self.nouns()}"
        elif k == 14:
            t = f"{r.choice(NUMBER_WORDS[:8])} {self.adj()} ways to {self.verb()} " + self.a(
                self.noun()
            )
        else:
            t = f"{self.adj()} {self.nouns()} without the {self.noun()}"
        return cap(t)

    def h2(self) -> str:
        r = self.rng
        k = r.randrange(13)
        if k == 0:
            t = f"Why {self.nouns()} matter"
        elif k == 1:
            t = f"{gerund(self.verb())} the {self.noun()}"
        elif k == 2:
            t = f"The {self.adj()} {self.noun()} problem"
        elif k == 3:
            t = f"A closer look at {self.nouns()}"
        elif k == 4:
            t = r.choice(
                [
                    "What we measured",
                    "Where the time goes",
                    "Background",
                    "Trade-offs",
                    "First attempt",
                    "The setup",
                    "What went wrong",
                    "A better approach",
                ]
            )
        elif k == 5:
            t = f"{gerund(self.verb())} {self.adj()} {self.nouns()}"
        elif k == 6:
            t = f"Setting up the {self.noun()}"
        elif k == 7:
            t = f"How the {self.noun()} works"
        elif k == 8:
            t = f"{self.adj()} {self.nouns()} and {self.nouns()}"
        elif k == 9:
            t = f"When the {self.noun()} {third(self.verb())} the {self.noun()}"
        elif k == 10:
            t = f"The {self.noun()} {self.noun()}"
        elif k == 11:
            t = f"Measuring the {self.noun()}"
        else:
            t = f"Living with {self.adj()} {self.nouns()}"
        return cap(t)

    def h2_final(self) -> str:
        return self.rng.choice(
            [
                "Wrapping up",
                "Lessons learned",
                "What's next",
                "Closing thoughts",
                "Conclusion",
                "Where this leaves us",
                "Takeaways",
                "What I would do differently",
                "Next steps",
                "Summary",
            ]
        )

    def h3(self) -> str:
        r = self.rng
        k = r.randrange(9)
        if k == 0:
            t = f"{self.adj()} {self.nouns()}"
        elif k == 1:
            t = f"The {self.noun()} {self.noun()}"
        elif k == 2:
            t = f"{gerund(self.verb())} {self.nouns()}"
        elif k == 3:
            t = f"A note on {self.nouns()}"
        elif k == 4:
            t = r.choice(
                [
                    "Edge cases",
                    "Numbers",
                    "Caveats",
                    "The catch",
                    "A detour",
                    "Results",
                    "Gotchas",
                    "Alternatives",
                ]
            )
        elif k == 5:
            t = f"The {self.adj()} path"
        elif k == 6:
            t = f"Step {r.randint(1, 5)}: {gerund(self.verb())} the {self.noun()}"
        elif k == 7:
            t = f"What about {self.nouns()}?"
        else:
            t = f"{self.adj()} {self.noun()}, {self.adj()} {self.noun()}"
        return cap(t)

    # -- blocks ------------------------------------------------------------
    def lead_in(self, kind: str, lang: str | None = None) -> str:
        r = self.rng
        if kind == "code":
            name = LANG_NAMES[lang or "python"]
            return cap(
                r.choice(
                    [
                        f"here is the {self.adj()} version of the {self.noun()}:",
                        f"the {name} side looks roughly like this:",
                        f"a trimmed-down version of the {self.noun()} follows:",
                        "this is what we ended up with:",
                        f"in {name}, the same idea fits in a few lines:",
                        f"the relevant part of the {self.noun()} is short:",
                        f"for reference, this is the {name} we use for the {self.noun()}:",
                    ]
                )
            )
        if kind == "table":
            return cap(
                r.choice(
                    [
                        f"the numbers from the {self.adj()} run are below:",
                        f"here is how the {self.nouns()} compared:",
                        "a quick summary of the measurements:",
                        "the table below collects the details:",
                        f"for the record, these are the {self.adj()} values:",
                    ]
                )
            )
        if kind == "ul":
            return cap(
                r.choice(
                    [
                        "a few things stood out:",
                        f"the {self.adj()} checklist looked like this:",
                        f"there are a few {self.adj()} {self.nouns()} to keep in mind:",
                        "in short:",
                        f"what helped with the {self.noun()}:",
                    ]
                )
            )
        return cap(
            r.choice(
                [
                    "the process boils down to a few steps:",
                    "here is the order we settled on:",
                    f"to {self.verb()} the {self.noun()}, we now do the following:",
                    "the steps, in order:",
                    f"if you want to {self.verb()} {self.obj()}, try this:",
                ]
            )
        )

    def unordered_list(self) -> str:
        r = self.rng
        items = []
        for _ in range(r.randint(3, 6)):
            k = r.randrange(5)
            if k == 0:
                item = f"**{cap(self.adj())} {self.nouns()}** -- {self.clause()}."
            elif k == 1:
                item = cap(f"{self.obj()} {self.pp()}")
            elif k == 2:
                item = f"`{self.snake()}` {self.conj(False)} {self.obj()}"
            elif k == 3:
                item = cap(self.clause()) + "."
            else:
                item = f"*{cap(self.adj())}* {self.nouns()} {self.pp()}"
            items.append("- " + item)
        return "\n".join(items)

    def ordered_list(self) -> str:
        r = self.rng
        items = []
        for i in range(1, r.randint(3, 6) + 1):
            k = r.randrange(4)
            if k == 0:
                item = f"{cap(self.verb())} {self.obj()} {self.pp()}."
            elif k == 1:
                item = f"Run `{self.command()}` and {self.verb()} {self.obj()}."
            elif k == 2:
                item = f"{cap(self.verb())} {self.obj()}, then {self.verb()} {self.obj()}."
            else:
                item = f"{cap(self.verb())} the **{self.noun()}** {self.rng.choice(FIXED_PPS)}."
            items.append(f"{i}. {item}")
        return "\n".join(items)

    def table(self) -> str:
        r = self.rng
        nrows = r.randint(4, 6)
        k = r.randrange(4)
        if k == 0:
            cols4 = r.random() < 0.5
            head = ["Configuration", "Pages", "Build time (s)"]
            align = ["---", "---:", "---:"]
            if cols4:
                head.append("Peak memory (MB)")
                align.append("---:")
            configs = r.sample(
                [
                    "cold cache",
                    "warm cache",
                    "incremental",
                    "parallel (2 jobs)",
                    "parallel (4 jobs)",
                    "no plugins",
                    "with search index",
                    "minified output",
                    "no syntax highlighting",
                    "single process",
                ],
                nrows,
            )
            pages = r.choice([500, 1000, 2500, 5000, 10000])
            rows = []
            for c in configs:
                row = [c, f"{pages:,}", f"{r.uniform(0.4, 60.0):.2f}"]
                if cols4:
                    row.append(str(r.randint(40, 900)))
                rows.append(row)
        elif k == 1:
            head = ["Option", "Default", "Description"]
            align = ["---", "---", "---"]
            names = self.inouns(nrows)
            rows = []
            for name in names:
                default = r.choice(
                    ["`true`", "`false`", f"`{r.randint(1, 64)}`", '`"auto"`', "`none`"]
                )
                desc = cap(f"{self.conj(False)} {self.obj()}")
                rows.append([f"`{name}_{self.inoun()}`", default, desc])
        elif k == 2:
            head = ["Stage", "Before (ms)", "After (ms)", "Change"]
            align = ["---", "---:", "---:", "---:"]
            stages = r.sample(
                [
                    "Parsing front matter",
                    "Rendering Markdown",
                    "Highlighting code",
                    "Writing files",
                    "Copying assets",
                    "Building feeds",
                    "Indexing tags",
                    "Loading templates",
                    "Hashing content",
                    "Resolving links",
                ],
                nrows,
            )
            rows = []
            for s in stages:
                before = r.randint(40, 6000)
                after = max(1, int(before * r.uniform(0.15, 1.1)))
                rows.append(
                    [s, f"{before:,}", f"{after:,}", f"{(after - before) * 100 / before:+.0f}%"]
                )
        else:
            cols4 = r.random() < 0.5
            head = ["Plugin", "Hook", "Cost (ms)"]
            align = ["---", "---", "---:"]
            if cols4:
                head.append("Enabled")
                align.append(":---:")
            hooks = [
                "`on_load`",
                "`on_render`",
                "`on_write`",
                "`on_index`",
                "`on_finish`",
                "`on_asset`",
            ]
            rows = []
            for name in self.inouns(nrows):
                row = [f"frost-{name}", r.choice(hooks), f"{r.uniform(0.1, 900):.1f}"]
                if cols4:
                    row.append(r.choice(["yes", "no"]))
                rows.append(row)
        lines = ["| " + " | ".join(head) + " |", "| " + " | ".join(align) + " |"]
        lines += ["| " + " | ".join(row) + " |" for row in rows]
        return "\n".join(lines)

    def footnote(self) -> str:
        r = self.rng
        first = r.choice(
            [
                f"Measured on {self.a(self.adj())} laptop with {r.choice([8, 16, 32, 64])} GB "
                f"of memory and {r.choice(['an SSD', 'a spinning disk', 'a network drive'])}.",
                "The numbers are the median of "
                f"{r.choice(['five', 'seven', 'ten', 'twenty'])} runs.",
                f"This was version {r.randint(0, 3)}.{r.randint(0, 19)} at the time of writing.",
                f"Strictly speaking, the {self.noun()} is only {self.adj()} in the {self.noun()}.",
            ]
        )
        if r.random() < 0.5:
            return f"[^1]: {first} {self.plain_sentence()}"
        return f"[^1]: {first}"

    # -- decoration of prose sentences ------------------------------------
    def _wrap(
        self, sent: str, min_len: int, max_len: int, left: str, right: str, min_chars: int = 1
    ) -> str | None:
        toks = sent.split(" ")
        r = self.rng
        length = r.randint(min_len, max_len)
        if len(toks) < length + 1:
            return None
        start = r.randint(1, len(toks) - length) if len(toks) > length else 0
        span = toks[start : start + length]
        for i, tok in enumerate(span):
            core = tok.rstrip(_PUNCT_TAIL) if i == len(span) - 1 else tok
            if not core.isalpha():
                return None
        last = span[-1]
        core = last.rstrip(_PUNCT_TAIL)
        if len(span) == 1 and len(core) < min_chars:
            return None
        tail = last[len(core) :]
        if len(span) == 1:
            toks[start] = left + core + right + tail
        else:
            toks[start] = left + toks[start]
            toks[start + length - 1] = core + right + tail
        return " ".join(toks)

    def _footnote_ref(self, sent: str) -> str | None:
        toks = sent.split(" ")
        i = self.rng.randrange(len(toks))
        core = toks[i].rstrip(_PUNCT_TAIL)
        if not core.isalpha() or len(core) < 3:
            return None
        toks[i] = core + "[^1]" + toks[i][len(core) :]
        return " ".join(toks)

    def decorate(self, sents: list[str], skip: set[int]) -> None:
        r = self.rng
        plan = ["em"] * r.randint(2, 5) + ["strong"] * r.randint(1, 3) + ["fn"]
        candidates = [i for i in range(len(sents)) if i not in skip]
        for kind in plan:
            for _ in range(60):
                i = r.choice(candidates)
                s = sents[i]
                if kind == "em":
                    new = self._wrap(s, 1, 1, "*", "*", min_chars=4)
                elif kind == "strong":
                    new = self._wrap(s, 1, 3, "**", "**", min_chars=4)
                else:
                    new = self._footnote_ref(s)
                if new is not None:
                    sents[i] = new
                    break
