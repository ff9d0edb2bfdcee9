"""Incremental builds equal cold ones, byte for byte, for every kind of edit.

The theme here shows everything a theme can reach: every field of every post
on the list cards, custom fields by key and all of them in a loop, the body,
the neighbours' custom fields on a post, the pages' own fields in the
navigation. Each edit kind is tried alone, then a seeded random sequence of
them, each build compared with a cold build of the same content.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import Project
from tests.factories import front_matter
from tests.trees import tree

SHOW_ALL = """
<div class="everything">
  {{ post.title }} {{ post.date }} {{ post.updated }} {{ post.word_count }} {{ post.reading_time }}
  {{ post.cover }} {{ post.cover_alt }} {{ post.draft }} {{ post.summary_text }}
  tags={% for t in post.tags %}{{ t.slug }}:{{ t.name }},{% endfor %}
  category={{ post.category.name if post.category else "" }}
  mood={{ post.meta.get("mood", "") }} shade={{ post.shade if "shade" in post.meta else "" }}
  all={% for k, v in post.meta|dictsort %}{{ k }}={{ v }};{% endfor %}
  in-order={% for k in post.meta %}{{ k }},{% endfor %}
  body={{ post.html|length }} toc={{ post.toc_html|length }}
</div>
"""

NEIGHBOURS = """
{% if newer %}<p class="newer">{{ newer.meta.get("mood") }} {{ newer.word_count }}</p>{% endif %}
{% for r in related %}<p class="related">{{ r.title }} {{ r.summary_text }}</p>{% endfor %}
"""

NAV = (
    '{% for p in nav_pages %}<span class="nav">{{ p.title }} {{ p.meta.get("icon", "") }}'
    "{% for k in p.meta %}{{ k }},{% endfor %}</span>{% endfor %}"
)


@dataclass
class Site:
    """The content as the test models it: file name → (front matter, body)."""

    project: Project
    posts: dict[str, tuple[dict[str, Any], str]] = field(default_factory=dict)
    pages: dict[str, tuple[dict[str, Any], str]] = field(default_factory=dict)

    def write(self) -> None:
        for folder, documents in (
            (self.project.posts, self.posts),
            (self.project.pages, self.pages),
        ):
            folder.mkdir(parents=True, exist_ok=True)
            for old in folder.glob("*.md"):
                if old.name not in documents:
                    old.unlink()
            for name, (fields, body) in documents.items():
                text = front_matter(fields) + "\n" + body
                path = folder / name
                if not path.exists() or path.read_text(encoding="utf-8") != text:
                    path.write_text(text, encoding="utf-8")


def _body(n: int, extra: str = "") -> str:
    return f"## Part {n}\n\nThe first paragraph of post {n}.\n\nA second paragraph.{extra}\n"


@pytest.fixture
def site(project: Project) -> Site:
    templates = project.root / "site/templates"
    card = templates / "partials/post_card.html"
    card.write_text(card.read_text().replace("</article>", SHOW_ALL + "</article>"))
    post = templates / "post.html"
    post.write_text(
        post.read_text().replace(
            "{% if newer or older %}", NEIGHBOURS + "{% if newer or older %}", 1
        )
    )
    base = templates / "base.html"
    base.write_text(
        base.read_text().replace("{% for p in nav_pages %}", NAV + "{% for p in nav_pages %}", 1)
    )
    project.add_media("cover.png")
    model = Site(project)
    for n in range(1, 13):
        fields: dict[str, Any] = {
            "title": f"Post {n}",
            "date": f"2026-01-{n:02d} 10:00:00",
            "tags": [f"t{n % 4}", "all"],
            "category": "Notes" if n % 2 else "Essays",
        }
        if n % 3 == 0:
            fields["mood"] = f"mood {n}"
        model.posts[f"2026-01-{n:02d}-p{n:02d}.md"] = (fields, _body(n))
    model.pages["about.md"] = ({"title": "About", "icon": "i"}, "About this blog.\n")
    model.pages["now.md"] = ({"title": "Now"}, "What I do now.\n")
    model.write()
    return model


def assert_incremental_equals_cold(site: Site, tmp_path: Path, label: str) -> None:
    site.write()
    site.project.build()
    out, cache = tmp_path / f"cold-{label}", tmp_path / f"cache-{label}"
    site.project.builder(output_dir=out, cache_dir=cache).build()
    incremental, cold = tree(site.project.output), tree(out)
    assert sorted(incremental) == sorted(cold), label
    differing = [name for name in cold if incremental[name] != cold[name]]
    assert differing == [], f"{label}: stale pages {differing}"


Edit = Callable[[Site, random.Random], None]


def _any_post(site: Site, rng: random.Random) -> tuple[dict[str, Any], str, str]:
    name = rng.choice(sorted(site.posts))
    fields, body = site.posts[name]
    return dict(fields), body, name


def _set(field_name: str, value: Callable[[random.Random], Any]) -> Edit:
    def edit(site: Site, rng: random.Random) -> None:
        fields, body, name = _any_post(site, rng)
        fields[field_name] = value(rng)
        site.posts[name] = (fields, body)

    return edit


def _drop(field_name: str) -> Edit:
    def edit(site: Site, rng: random.Random) -> None:
        fields, body, name = _any_post(site, rng)
        fields.pop(field_name, None)
        site.posts[name] = (fields, body)

    return edit


def _toggle(field_name: str, value: Any) -> Edit:
    """Set the field on a post, or take it back where an earlier edit set it:
    the second edit of a kind publishes the draft, or drops the cover, again."""
    set_it = _set(field_name, lambda _rng: value)

    def edit(site: Site, rng: random.Random) -> None:
        having = sorted(name for name, (fields, _) in site.posts.items() if field_name in fields)
        if not having:
            return set_it(site, rng)
        fields, body = site.posts[having[0]]
        site.posts[having[0]] = ({k: v for k, v in fields.items() if k != field_name}, body)

    return edit


def _summary_edit(site: Site, rng: random.Random) -> None:
    fields, body, name = _any_post(site, rng)
    site.posts[name] = (
        fields,
        body.replace("The first paragraph", f"A new opening {rng.randint(0, 99)}"),
    )


def _word_count_edit(site: Site, rng: random.Random) -> None:
    fields, body, name = _any_post(site, rng)
    site.posts[name] = (fields, body + "\nMore words here, " * rng.randint(1, 40) + "\n")


def _heading_edit(site: Site, rng: random.Random) -> None:
    fields, body, name = _any_post(site, rng)
    site.posts[name] = (fields, body.replace("## Part", f"## Section {rng.randint(0, 9)}"))


def _reorder(site: Site, rng: random.Random) -> None:
    """A page's fields in the opposite order: the navigation loops over them in
    file order, and no page but its own shows its body."""
    fields, body = site.pages["about.md"]
    fields = {**fields, "badge": fields.get("badge", "b")}
    site.pages["about.md"] = (dict(reversed(fields.items())), body)


def _rename(site: Site, rng: random.Random) -> None:
    fields, body, name = _any_post(site, rng)
    del site.posts[name]
    site.posts[name.replace(".md", f"-r{rng.randint(0, 99)}.md")] = (fields, body)


def _delete(site: Site, rng: random.Random) -> None:
    if len(site.posts) > 3:
        del site.posts[rng.choice(sorted(site.posts))]


def _new_post(site: Site, rng: random.Random) -> None:
    n = rng.randint(13, 999)
    fields = {
        "title": f"New {n}",
        "date": f"2026-0{rng.randint(1, 2)}-{rng.randint(1, 28):02d} 09:00:00",
        "tags": [f"t{n % 5}"],
        "mood": "fresh",
    }
    site.posts[f"2026-02-01-new-{n}.md"] = (fields, _body(n))


def _page_field(site: Site, rng: random.Random) -> None:
    fields, body = site.pages["about.md"]
    site.pages["about.md"] = ({**fields, "icon": f"icon {rng.randint(0, 99)}"}, body)


def _page_title(site: Site, rng: random.Random) -> None:
    fields, body = site.pages["now.md"]
    site.pages["now.md"] = ({**fields, "title": f"Now {rng.randint(0, 99)}"}, body)


def _template_shows(site: Site, rng: random.Random) -> None:
    card = site.project.root / "site/templates/partials/post_card.html"
    text = card.read_text()
    marker = '<p class="flag">{{ post.meta.get("flag", "") }}</p>'
    card.write_text(
        text.replace(marker, "")
        if marker in text
        else text.replace("</article>", marker + "</article>")
    )


EDITS: dict[str, Edit] = {
    "title": _set("title", lambda r: f"Retitled {r.randint(0, 999)}"),
    "date": _set("date", lambda r: f"2026-0{r.randint(1, 3)}-{r.randint(1, 28):02d} 08:00:00"),
    "updated": _set("updated", lambda r: f"2026-04-{r.randint(1, 28):02d} 08:00:00"),
    "tags": _set("tags", lambda r: r.sample(["t0", "t1", "t2", "new", "all"], r.randint(0, 3))),
    "category": _set("category", lambda r: r.choice(["Notes", "Essays", "Links"])),
    "no-category": _drop("category"),
    "custom-field": _set("mood", lambda r: f"mood {r.randint(0, 999)}"),
    "custom-field-removed": _drop("mood"),
    "custom-field-shown-by-attribute": _set("shade", lambda r: f"shade {r.randint(0, 9)}"),
    "field-only-in-the-loop": _set("colour", lambda r: f"colour {r.randint(0, 9)}"),
    "flag-field": _set("flag", lambda r: f"flag {r.randint(0, 9)}"),
    "cover": _toggle("cover", "/media/cover.png"),
    "cover-alt": _set("cover_alt", lambda r: f"alt {r.randint(0, 9)}"),
    "draft": _toggle("draft", True),
    "slug": _set("slug", lambda r: f"chosen-{r.randint(0, 999)}"),
    "aliases": _set("aliases", lambda r: [f"/old/{r.randint(0, 999)}/"]),
    "summary": _summary_edit,
    "word-count": _word_count_edit,
    "heading": _heading_edit,
    "reorder-fields": _reorder,
    "rename": _rename,
    "delete": _delete,
    "new-post": _new_post,
    "page-field": _page_field,
    "page-title": _page_title,
    "template-starts-or-stops-showing": _template_shows,
}


@pytest.mark.parametrize("kind", sorted(EDITS))
def test_one_edit(site: Site, tmp_path: Path, kind: str) -> None:
    site.project.build()
    rng = random.Random(kind)
    for step in range(2):  # the second edit of a kind changes a value the first one set
        EDITS[kind](site, rng)
        assert_incremental_equals_cold(site, tmp_path, f"{kind}-{step}")


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_a_random_sequence_of_edits(site: Site, tmp_path: Path, seed: int) -> None:
    site.project.build()
    rng = random.Random(seed)
    for step in range(10):
        kinds = rng.sample(sorted(EDITS), rng.randint(1, 3))  # several edits in one build
        for kind in kinds:
            EDITS[kind](site, rng)
        assert_incremental_equals_cold(site, tmp_path, f"{seed}-{step}-{'+'.join(kinds)}")


def test_a_list_page_showing_only_titles_is_not_rewritten_for_a_body_edit(
    project: Project,
) -> None:
    """The recorded reads are exact: an edit to what no list shows rewrites no list."""
    for n in range(1, 6):
        project.post(
            f"2026-01-0{n}-p{n}.md",
            f"One.\n\nTwo {n}.\n",
            title=f"P{n}",
            date=f"2026-01-0{n} 10:00:00",
        )
    card = project.root / "site/templates/partials/post_card.html"
    card.write_text("<article><h2>{{ post.title }}</h2></article>\n")
    project.build()
    before = (project.output / "index.html").stat().st_ino
    source = project.posts / "2026-01-03-p3.md"
    source.write_text(source.read_text().replace("Two 3.", "Two, and more words than before."))
    project.build()
    assert (project.output / "index.html").stat().st_ino == before
    assert "more words" in project.read("posts/p3/index.html")
