"""Assemble one synthetic post: front matter and Markdown body.

``render_post`` draws a unique title, tags, category and optional summary,
then lays out the body: an intro and ``##``/``###`` sections filled with
paragraphs sized to a word budget, with two code blocks, a table and two
lists placed among them, and a footnote at the end.
"""

from __future__ import annotations

import datetime as _dt
import random
import re
from collections.abc import Callable
from typing import Any

from synth_blocks import BlockWriter
from synth_code import code_block
from synth_vocab import CATEGORIES, CATEGORY_WEIGHTS, LANGUAGES, LINKS, SHORT_SENTENCES, TAGS
from synth_words import count_words

# Zipf-like tag popularity: a few tags are common, most are rarer.
_TAG_WEIGHTS = tuple(1.0 / (k + 1) ** 0.7 for k in range(len(TAGS)))

_PARA_SIZES = (1, 2, 3, 4, 5, 6, 7)
_PARA_WEIGHTS = (2, 4, 6, 6, 5, 3, 1)


def _yaml_quote(text: str) -> str:
    """A YAML double-quoted scalar."""
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _slugify(text: str) -> str:
    s = text.lower().replace("&", " and ").replace("'", "")
    s = re.sub(r"[^a-z0-9]+", "-", s).strip("-")
    if len(s) > 50:
        s = s[:50].rsplit("-", 1)[0]
    return s or "post"


def _post_body(w: BlockWriter, target_words: int) -> str:
    r = w.rng
    lang1, lang2 = r.sample(LANGUAGES, 2)
    blocks = [
        ("code", code_block(w, lang1), lang1),
        ("code", code_block(w, lang2), lang2),
        ("table", w.table(), None),
        ("ul", w.unordered_list(), None),
        ("ol", w.ordered_list(), None),
    ]

    # Sections: an untitled intro, 2-3 ## sections (each may hold ### subsections),
    # and a final ## section.
    n_h2 = r.randint(2, 3)
    n_h3 = r.randint(2, 3)
    seen: set[str] = set()

    def unique(make: Callable[[], str]) -> str:
        for _ in range(20):
            t = make()
            if t.lower() not in seen:
                break
        seen.add(t.lower())
        return t

    h2s = [unique(w.h2) for _ in range(n_h2)]
    parents = sorted(r.randrange(n_h2) for _ in range(n_h3))
    slots: list[dict[str, Any]] = [{"heading": None, "blocks": []}]
    for j, h in enumerate(h2s):
        slots.append({"heading": "## " + h, "blocks": []})
        for p in parents:
            if p == j:
                slots.append({"heading": "### " + unique(w.h3), "blocks": []})
    slots.append({"heading": "## " + unique(w.h2_final), "blocks": []})
    n_slots = len(slots)
    for kind, text, lang in blocks:
        last = n_slots - 1 if kind == "ul" else n_slots - 2
        at = r.randint(1, last)
        slots[at]["blocks"].append((kind, text, w.lead_in(kind, lang)))
    footnote = w.footnote()

    fixed = count_words(footnote)
    for section in slots:
        if section["heading"]:
            fixed += count_words(section["heading"])
        for _, text, lead in section["blocks"]:
            fixed += count_words(text) + count_words(lead)

    budget = max(target_words - fixed, 150)
    special = r.sample(range(0, 24), 4)
    forced_code = set(special[:2])
    forced_link = dict(zip(special[2:], r.sample(LINKS, 2), strict=True))
    sents: list[str] = []
    code_idx: set[int] = set()
    total = 0
    while total < budget:
        i = len(sents)
        if i in forced_link:
            s = w.link_sentence(*forced_link[i])
            code_idx.add(i)
        elif i in forced_code or r.random() < 0.03:
            s = w.code_sentence()
            code_idx.add(i)
        else:
            s = w.sentence()
        c = count_words(s)
        # Avoid a long overshoot on the last sentence.
        if total + c > budget + 6 and budget - total < 8 and i > 8:
            s = r.choice(SHORT_SENTENCES)
            c = count_words(s)
        sents.append(s)
        total += c
    w.decorate(sents, code_idx)

    # Group sentences into paragraphs.
    paras: list[list[str]] = []
    i = 0
    while i < len(sents):
        k = r.choices(_PARA_SIZES, _PARA_WEIGHTS)[0]
        paras.append(sents[i : i + k])
        i += k
    while len(paras) < n_slots:
        j = max(range(len(paras)), key=lambda x: len(paras[x]))
        if len(paras[j]) < 2:
            paras.append([w.sentence()])
            continue
        half = len(paras[j]) // 2
        paras[j : j + 1] = [paras[j][:half], paras[j][half:]]

    counts = [1] * n_slots
    for _ in range(len(paras) - n_slots):
        counts[r.randrange(n_slots)] += 1

    out: list[str] = []
    pos = 0
    for slot, k in zip(slots, counts, strict=True):
        if slot["heading"]:
            out.append(slot["heading"])
        mine = paras[pos : pos + k]
        pos += k
        placed = sorted(((r.randint(1, k), n, b) for n, b in enumerate(slot["blocks"])))
        bi = 0
        for pi, para in enumerate(mine, start=1):
            out.append(" ".join(para))
            while bi < len(placed) and placed[bi][0] == pi:
                _, _, (kind, text, lead) = placed[bi]
                out.append(lead)
                out.append(text)
                bi += 1
    out.append(footnote)
    return "\n\n".join(out) + "\n"


def render_post(
    rng: random.Random, index: int, width: int, when: _dt.datetime, titles: set[str], words: int
) -> tuple[str, str]:
    """(file name, file text) of post number ``index`` (1-based)."""
    w = BlockWriter(rng)
    title = ""
    for _ in range(50):
        title = w.title(when.year)
        if title.lower() not in titles:
            break
    else:
        title = f"{title} ({index})"
    titles.add(title.lower())

    n_tags = rng.choices((1, 2, 3, 4), (2, 4, 4, 2))[0]
    tags: list[str] = []
    tag_weights = _TAG_WEIGHTS
    while len(tags) < n_tags:
        t = rng.choices(TAGS, tag_weights)[0]
        if t not in tags:
            tags.append(t)
    category = rng.choices(CATEGORIES, CATEGORY_WEIGHTS)[0]
    summary = w.plain_sentence() if rng.random() < 0.1 else None

    target = rng.randint(words - 60, words + 60)
    body = _post_body(w, target)

    fm = [
        "---",
        f"title: {_yaml_quote(title)}",
        f"date: {when:%Y-%m-%d %H:%M:%S}",
        f"tags: [{', '.join(tags)}]",
        f"category: {category}",
    ]
    if summary:
        fm.append(f"summary: {_yaml_quote(summary)}")
    fm.append("---")
    name = f"{when:%Y-%m-%d}-{_slugify(title)}-{index:0{width}d}.md"
    return name, "\n".join(fm) + "\n\n" + body
