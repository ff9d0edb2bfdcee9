"""The prose writer: random words, phrases and sentences.

``ProseWriter`` wraps one ``random.Random`` and turns the vocabulary of
``synth_vocab`` into grammatical (if meaningless) technical-blog sentences,
including sentences with inline code and external links.  Every method
consumes the generator's random numbers in a fixed order, so the same seed
always yields the same text.
"""

from __future__ import annotations

import random

from synth_vocab import (
    ADJECTIVES,
    ADVERBS,
    CONNECTORS,
    DEGREES,
    FIXED_PPS,
    IDENT_NOUNS,
    IDENT_VERBS,
    MODALS,
    NOUNS,
    NUMBER_WORDS,
    OPENERS,
    SHORT_SENTENCES,
    VERBS,
)
from synth_words import article, cap, gerund, past, plural, third


class ProseWriter:
    """Words, phrases and sentences drawn from one random generator."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self._sentence_kinds = [
            (self._s_simple, 14),
            (self._s_opener, 10),
            (self._s_compound, 10),
            (self._s_when, 7),
            (self._s_narrative, 7),
            (self._s_it_is, 5),
            (self._s_question, 3),
            (self._s_short, 4),
            (self._s_part, 3),
            (self._s_if, 5),
            (self._s_which, 5),
            (self._s_instead, 3),
            (self._s_triple, 3),
            (self._s_because, 5),
            (self._s_not, 4),
            (self._s_modal, 6),
        ]
        self._kind_funcs = [k for k, _ in self._sentence_kinds]
        self._kind_cum = []
        total = 0
        for _, wgt in self._sentence_kinds:
            total += wgt
            self._kind_cum.append(total)

    # -- words -------------------------------------------------------------
    def noun(self) -> str:
        return self.rng.choice(NOUNS)

    def nouns(self) -> str:
        return plural(self.rng.choice(NOUNS))

    def adj(self) -> str:
        return self.rng.choice(ADJECTIVES)

    def adv(self) -> str:
        return self.rng.choice(ADVERBS)

    def verb(self) -> str:
        return self.rng.choice(VERBS)

    def a(self, phrase: str) -> str:
        return f"{article(phrase)} {phrase}"

    def snake(self) -> str:
        return f"{self.rng.choice(IDENT_VERBS)}_{self.rng.choice(IDENT_NOUNS)}"

    def inoun(self) -> str:
        return self.rng.choice(IDENT_NOUNS)

    def inouns(self, k: int) -> list[str]:
        return self.rng.sample(IDENT_NOUNS, k)

    # -- phrases -----------------------------------------------------------
    def subject(self) -> tuple[str, bool]:
        """(text, plural?)"""
        r = self.rng.random()
        if r < 0.16:
            return f"the {self.noun()}", False
        if r < 0.30:
            return f"the {self.adj()} {self.noun()}", False
        if r < 0.38:
            return f"our {self.noun()}", False
        if r < 0.45:
            return f"this {self.noun()}", False
        if r < 0.50:
            return f"every {self.noun()}", False
        if r < 0.56:
            return self.a(f"{self.adj()} {self.noun()}"), False
        if r < 0.60:
            return f"the {self.noun()} {self.noun()}", False
        if r < 0.70:
            return "we", True
        if r < 0.75:
            return "you", True
        if r < 0.80:
            return f"most {self.nouns()}", True
        if r < 0.87:
            return f"{self.adj()} {self.nouns()}", True
        if r < 0.94:
            return f"the {self.nouns()}", True
        return f"our {self.nouns()}", True

    def obj(self) -> str:
        r = self.rng.random()
        if r < 0.18:
            return f"the {self.noun()}"
        if r < 0.34:
            return f"the {self.adj()} {self.noun()}"
        if r < 0.43:
            return self.a(self.noun())
        if r < 0.53:
            return self.a(f"{self.adj()} {self.noun()}")
        if r < 0.63:
            return self.nouns()
        if r < 0.71:
            return f"{self.adj()} {self.nouns()}"
        if r < 0.76:
            return f"every {self.noun()}"
        if r < 0.82:
            return f"our {self.noun()}"
        if r < 0.89:
            return f"the {self.noun()} {self.noun()}"
        if r < 0.95:
            return f"{self.rng.choice(NUMBER_WORDS)} {self.nouns()}"
        return f"the {self.noun()} for each {self.noun()}"

    def pp(self) -> str:
        r = self.rng.random()
        if r < 0.35:
            return self.rng.choice(FIXED_PPS)
        k = self.rng.randrange(9)
        if k == 0:
            return f"for each {self.noun()}"
        if k == 1:
            return "with " + self.a(f"{self.adj()} {self.noun()}")
        if k == 2:
            return f"without the {self.noun()}"
        if k == 3:
            return f"across {self.adj()} {self.nouns()}"
        if k == 4:
            return f"behind the {self.noun()}"
        if k == 5:
            return f"inside the {self.noun()}"
        if k == 6:
            return f"under {self.adj()} load"
        if k == 7:
            return f"between {self.nouns()}"
        return f"after every {self.noun()}"

    def conj(self, plural: bool) -> str:
        v = self.verb()
        return v if plural else third(v)

    def clause(self) -> str:
        subj, pl = self.subject()
        return f"{subj} {self.conj(pl)} {self.obj()}"

    # -- sentences ---------------------------------------------------------
    def _s_simple(self) -> str:
        s = self.clause()
        if self.rng.random() < 0.5:
            s += " " + self.pp()
        return s + "."

    def _s_opener(self) -> str:
        return f"{self.rng.choice(OPENERS)}, {self._s_simple()}"

    def _s_compound(self) -> str:
        subj, pl = self.subject()
        adv = self.adv() + " " if self.rng.random() < 0.4 else ""
        return (
            f"{subj} {adv}{self.conj(pl)} {self.obj()}, "
            f"{self.rng.choice(CONNECTORS)} {self.clause()}."
        )

    def _s_when(self) -> str:
        subj, _ = self.subject()
        tail = " " + self.pp() if self.rng.random() < 0.5 else ""
        return (
            f"when {self.clause()}, {subj} {self.rng.choice(MODALS)} "
            f"{self.verb()} {self.obj()}{tail}."
        )

    def _s_narrative(self) -> str:
        subj, _ = self.subject()
        if self.rng.random() < 0.5:
            return (
                f"we {past(self.verb())} {self.obj()} {self.pp()}, "
                f"and {subj} {past(self.verb())} {self.obj()}."
            )
        return f"{self.rng.choice(OPENERS)}, we {past(self.verb())} {self.obj()} {self.pp()}."

    def _s_it_is(self) -> str:
        deg = self.rng.choice(DEGREES) + " " if self.rng.random() < 0.5 else ""
        tail = " " + self.pp() if self.rng.random() < 0.5 else ""
        return f"it is {deg}{self.adj()} to {self.verb()} {self.obj()}{tail}."

    def _s_question(self) -> str:
        subj, pl = self.subject()
        if self.rng.random() < 0.5:
            aux = "do" if pl else "does"
            return f"why {aux} {subj} {self.verb()} {self.obj()}?"
        return f"what happens when {self.clause()}?"

    def _s_short(self) -> str:
        return self.rng.choice(SHORT_SENTENCES)

    def _s_part(self) -> str:
        return f"the {self.adj()} part is that {self.clause()}."

    def _s_if(self) -> str:
        subj, _ = self.subject()
        end = self.rng.choice(["instead", "first", "again", "later", "anyway"])
        return (
            f"if {self.clause()}, {subj} {self.rng.choice(MODALS)} "
            f"{self.verb()} {self.obj()} {end}."
        )

    def _s_which(self) -> str:
        subj, _ = self.subject()
        tail = " " + self.pp() if self.rng.random() < 0.5 else ""
        return (
            f"{self.clause()}, which means {subj} {self.rng.choice(MODALS)} "
            f"{self.verb()} {self.obj()}{tail}."
        )

    def _s_instead(self) -> str:
        return f"instead of {gerund(self.verb())} {self.obj()}, we {self.verb()} {self.obj()}."

    def _s_triple(self) -> str:
        tail = " " + self.pp() if self.rng.random() < 0.5 else ""
        return f"{self.clause()}, {self.clause()}, and {self.clause()}{tail}."

    def _s_because(self) -> str:
        v = self.verb()
        v = past(v) if self.rng.random() < 0.5 else v
        return f"we {v} {self.obj()} because {self.clause()}."

    def _s_not(self) -> str:
        subj, pl = self.subject()
        aux = "do" if pl else "does"
        pron, ppl = ("they", True) if pl else ("it", False)
        if subj in ("we", "you"):
            pron = subj
        return (
            f"{subj} {aux} not {self.verb()} {self.obj()}, but {pron} "
            f"{self.conj(ppl)} {self.obj()}."
        )

    def _s_modal(self) -> str:
        subj, _ = self.subject()
        adv = self.adv() + " " if self.rng.random() < 0.3 else ""
        tail = " " + self.pp() if self.rng.random() < 0.6 else ""
        return f"{subj} {self.rng.choice(MODALS)} {adv}{self.verb()} {self.obj()}{tail}."

    def sentence(self) -> str:
        r = self.rng.random() * self._kind_cum[-1]
        for func, cum in zip(self._kind_funcs, self._kind_cum, strict=True):
            if r < cum:
                return cap(func())
        return cap(self._kind_funcs[-1]())  # pragma: no cover

    def plain_sentence(self) -> str:
        """A sentence without questions or fixed fillers (summaries, footnotes)."""
        return cap(
            self.rng.choice([self._s_simple, self._s_opener, self._s_compound, self._s_modal])()
        )

    def command(self) -> str:
        r = self.rng
        return r.choice(
            [
                f"frostpress build --jobs {r.choice([2, 4, 8, 16])}",
                f"frostpress serve --port {r.choice([4000, 8000, 8080, 5000])}",
                "python -m cProfile -o build.prof -m frostpress build",
                "git bisect run make test",
                "du -sh build/",
                "frostpress build --no-cache",
                f"pytest -x -k {self.inoun()}",
                f"grep -rn {self.inoun()} content/",
                f"time frostpress build --jobs {r.choice([1, 2, 4])}",
            ]
        )

    def code_sentence(self) -> str:
        r = self.rng
        k = r.randrange(8)
        if k == 0:
            return f"The `{self.snake()}()` function {self.conj(False)} {self.obj()}."
        if k == 1:
            return f"Run `{self.command()}` before you {self.verb()} {self.obj()}."
        if k == 2:
            val = r.choice(["true", "false", "auto", str(r.randint(2, 64))])
            return (
                f"Set `{self.inoun()}_{self.inoun()}` to `{val}` and "
                f"{self.verb()} {self.obj()} again."
            )
        if k == 3:
            return (
                f"Passing `--{self.adj()}-{self.inoun()}` to the build "
                f"{self.conj(False)} {self.obj()}."
            )
        if k == 4:
            return (
                f"Most of the time goes into `{self.snake()}`, which "
                f"{self.conj(False)} {self.obj()}."
            )
        if k == 5:
            return f"We moved the {self.noun()} logic into `src/{self.inoun()}/{self.snake()}.py`."
        if k == 6:
            return f"The {self.noun()} calls `{self.snake()}()` {self.pp()}."
        return f"A quick `{self.command()}` {past(self.verb())} {self.obj()} {self.pp()}."

    def link_sentence(self, url: str, label: str) -> str:
        r = self.rng
        link = f"[{label}]({url})"
        k = r.randrange(6)
        if k == 0:
            return f"See {link} for more background on {self.nouns()}."
        if k == 1:
            return f"There is a good write-up of the {self.adj()} {self.noun()} in {link}."
        if k == 2:
            return cap(f"{self.clause()}, as {link} points out.")
        if k == 3:
            return f"We found {link} useful when {self.clause()}."
        if k == 4:
            return f"{r.choice(OPENERS)}, {link} covers {self.nouns()} in more detail."
        return f"If you have not read {link} yet, it explains why {self.clause()}."
