"""Freezing into build/: the tree, the atomic swap, the lock, incremental = cold."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

import pytest

from frostpress.build.output import build_lock
from frostpress.errors import BuildFailed, BuildLocked
from tests.conftest import Project
from tests.trees import inodes, tree

BAD_POSTS = {
    "impossible date": ("---\ntitle: Broken\ndate: 2026-14-03\n---\n\nBody.\n", 3),
    "unreadable date": ("---\ntitle: Broken\ndate: soon\n---\n\nBody.\n", 3),
    "no title": ("---\ndate: 2026-05-01\n---\n\nBody.\n", 1),
    "tag not text": ("---\ntitle: T\ndate: 2026-05-01\ntags: [1]\n---\n\nBody.\n", 4),
    "broken link": ("---\ntitle: T\ndate: 2026-05-01\n---\n\nSee [x](/posts/helo/).\n", 6),
}


def file_of(url: str) -> str:
    return (url + "index.html" if url.endswith("/") else url).lstrip("/")


def cold(project: Project, tmp_path: Path, name: str) -> dict[str, bytes]:
    """The same content built from nothing into another directory."""
    out, cache = tmp_path / f"{name}-build", tmp_path / f"{name}-cache"
    project.builder(output_dir=out, cache_dir=cache).build()
    return tree(out)


def leftovers(project: Project) -> list[str]:
    return sorted(p.name for p in project.output.parent.glob(".build.new-*"))


@pytest.fixture
def small(project: Project) -> Project:
    project.add_media("cover.png")
    project.page("about")
    project.post(
        "2026-03-01-hello.md",
        title="Hello",
        date="2026-03-01 10:00:00",
        tags=["python"],
        category="Notes",
        aliases=["/2019/05/old-hello/"],
        cover="/media/cover.png",
        cover_alt="Frost",
    )
    for n in range(1, 7):
        project.post(
            f"2026-02-0{n}-p{n}.md", title=f"P{n}", date=f"2026-02-0{n} 10:00:00", tags=["python"]
        )
    return project


@pytest.fixture
def twelve(project: Project) -> Project:
    """Twelve posts, one tag each, one category: a change shows on few pages."""
    for n in range(1, 13):
        project.post(
            f"2026-01-{n:02d}-p{n:02d}.md",
            f"Body of post {n}.\n",
            title=f"Post {n}",
            date=f"2026-01-{n:02d} 10:00:00",
            tags=[f"t{n}"],
            category="Notes",
        )
    return project


def test_output_tree(small: Project) -> None:
    report = small.build()
    files = set(tree(small.output))
    for relpath in (
        "index.html",
        "page/2/index.html",
        "posts/hello/index.html",
        "posts/p1/index.html",
        "tags/index.html",
        "tags/python/index.html",
        "tags/python/page/2/index.html",
        "tags/python/feed.xml",
        "categories/index.html",
        "categories/notes/index.html",
        "archive/index.html",
        "about/index.html",
        "feed.xml",
        "rss.xml",
        "sitemap.xml",
        "robots.txt",
        "404.html",
        "_redirects",
        "2019/05/old-hello/index.html",
        "media/cover.png",
    ):
        assert relpath in files, relpath
    assert any(f.startswith("static/css/site.") and f.endswith(".css") for f in files)
    assert len(files) == report.pages == report.written
    specs = small.builder().prepare().specs
    assert files == {file_of(spec.url) for spec in specs}
    assert leftovers(small) == []


@pytest.mark.parametrize("problem", BAD_POSTS)
def test_failed_build_leaves_previous_build_untouched(small: Project, problem: str) -> None:
    small.build()
    before, before_inodes = tree(small.output), inodes(small.output)
    text, line = BAD_POSTS[problem]
    bad = small.raw_post("2026-05-01-bad.md", text)
    with pytest.raises(BuildFailed) as caught:
        small.build()
    assert [(e.path, e.line) for e in caught.value.errors] == [(bad, line)]
    assert tree(small.output) == before and inodes(small.output) == before_inodes
    assert leftovers(small) == []


@pytest.mark.parametrize(
    "broken, line, message",
    [
        ("{% extends 'base.html' %}\n{% block main %}\n{% if %}\n{% endblock %}\n", 3, ""),
        (
            "{% extends 'base.html' %}\n{% block main %}\n\n{{ post.no_such_field }}\n"
            "{% endblock %}\n",
            4,
            "no_such_field",
        ),
    ],
    ids=["syntax error", "undefined attribute"],
)
def test_template_error_is_reported_with_file_and_line(
    small: Project, broken: str, line: int, message: str
) -> None:
    small.build()
    before = tree(small.output)
    template = small.root / "site/templates/post.html"
    template.write_text(broken, encoding="utf-8")
    with pytest.raises(BuildFailed) as caught:
        small.build()
    [error] = caught.value.errors
    assert error.path.resolve() == template.resolve()
    assert error.line == line
    assert message in error.message
    assert str(error).startswith(f"{template}:{line}: template error")
    assert tree(small.output) == before
    assert leftovers(small) == []


def test_build_lock_blocks_a_second_build(small: Project) -> None:
    held, release = threading.Event(), threading.Event()

    def hold() -> None:
        with build_lock(small.output):
            held.set()
            release.wait(10)

    holder = threading.Thread(target=hold)
    holder.start()
    try:
        assert held.wait(10)
        with pytest.raises(BuildLocked), build_lock(small.output, timeout=0.2):
            pass
    finally:
        release.set()
        holder.join(10)
    with build_lock(small.output, timeout=0.2):
        pass  # free again once the holder let go


def test_concurrent_builds_both_succeed(small: Project, tmp_path: Path) -> None:
    small.build()
    small.post("2026-04-01-new.md", title="New one", date="2026-04-01 10:00:00", tags=["fresh"])
    results: list[object] = []

    def run() -> None:
        try:
            results.append(small.builder(output_dir=small.output).build())
        except BaseException as exc:  # reported below
            results.append(exc)

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert len(results) == 2
    assert not [r for r in results if isinstance(r, BaseException)], results
    assert tree(small.output) == cold(small, tmp_path, "cold")
    assert leftovers(small) == []


def test_editing_one_post_rewrites_only_what_shows_it(twelve: Project, tmp_path: Path) -> None:
    twelve.build()
    before = inodes(twelve.output)
    source = twelve.posts / "2026-01-06-p06.md"
    source.write_text(source.read_text().replace("Body of post 6.", "A new body, longer."))
    report = twelve.build()
    after = inodes(twelve.output)
    rewritten = {rel for rel, ino in after.items() if before.get(rel) != ino}
    showing_it = {
        "posts/p06/index.html",
        "posts/p05/index.html",
        "posts/p07/index.html",
        "page/2/index.html",
        "categories/notes/page/2/index.html",
        "tags/t6/index.html",
        "tags/t6/feed.xml",
        "feed.xml",
        "rss.xml",
        "sitemap.xml",
        "archive/index.html",
        "_frostpress/posts.json",  # the text search indexes
    }
    assert "posts/p06/index.html" in rewritten
    assert rewritten <= showing_it
    assert 1 <= report.written <= len(showing_it) and report.markdown_rendered == 1
    assert report.reused == report.pages - report.written > 30
    assert "A new body, longer." in twelve.read("posts/p06/index.html")
    assert tree(twelve.output) == cold(twelve, tmp_path, "cold")


def test_changing_a_template_rerenders_everything(twelve: Project, tmp_path: Path) -> None:
    twelve.build()
    base = twelve.root / "site/templates/base.html"
    base.write_text(base.read_text().replace("Built with frostpress.", "Made with care."))
    report = twelve.build()
    assert report.reused == 0 and report.written == report.pages
    assert "Made with care." in twelve.read("posts/p01/index.html")
    assert "Made with care." in twelve.read("tags/t1/index.html")
    assert tree(twelve.output) == cold(twelve, tmp_path, "cold")


def test_deleting_a_post_removes_its_pages(twelve: Project, tmp_path: Path) -> None:
    twelve.build()
    (twelve.posts / "2026-01-06-p06.md").unlink()
    report = twelve.build()
    assert not (twelve.output / "posts/p06").exists()
    assert not (twelve.output / "tags/t6").exists()
    assert "/posts/p06/" not in twelve.read("sitemap.xml")
    assert 'href="/posts/p05/"' in twelve.read("posts/p07/index.html")
    assert report.reused > report.written
    assert tree(twelve.output) == cold(twelve, tmp_path, "cold")


def test_adding_a_tag(twelve: Project, tmp_path: Path) -> None:
    twelve.build()
    source = twelve.posts / "2026-01-03-p03.md"
    source.write_text(source.read_text().replace("- t3\n", "- t3\n- extra\n"))
    report = twelve.build()
    assert "Post 3" in twelve.read("tags/extra/index.html")
    assert "Post 3" in twelve.read("tags/extra/feed.xml")
    assert 'href="/tags/extra/"' in twelve.read("tags/index.html")
    assert 'href="/tags/extra/"' in twelve.read("posts/p03/index.html")
    assert report.reused > report.written
    assert tree(twelve.output) == cold(twelve, tmp_path, "cold")


def test_two_cold_builds_are_byte_identical(small: Project, tmp_path: Path) -> None:
    small.post(
        "2026-04-01-rich.md",
        "Text[^1] with `code`.\n\n```python\nprint('hi')\n```\n\n"
        "## A heading\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\n[^1]: A footnote.\n",
        title="Rich",
        date="2026-04-01 10:00:00",
        tags=["python", "c++"],
    )
    first, second = cold(small, tmp_path, "one"), cold(small, tmp_path, "two")
    assert first == second and len(first) > 20


def snapshot_outside(project: Project) -> dict[str, bytes]:
    """Every file under the test's directory except build/, caches, the lock and stage."""
    top = project.root.parent
    return {
        rel: data
        for rel, data in tree(top).items()
        if not rel.startswith(("blog/build/", "blog/.cache/", "blog/.build."))
    }


def test_hostile_tags_and_categories_stay_inside_build(project: Project) -> None:
    project.post(
        title="Hostile",
        slug="hostile",
        tags=["../../etc", "a/../../b", "..x"],
        category="../../../tmp/evil",
    )
    before = snapshot_outside(project)
    project.build()
    assert snapshot_outside(project) == before
    for path in project.output.rglob("*"):
        assert path.resolve().is_relative_to(project.output.resolve())
    assert (project.output / "tags/etc/index.html").is_file()
    assert (project.output / "categories/tmp-evil/index.html").is_file()


@pytest.mark.parametrize(
    "fields",
    [
        {"slug": ".."},
        {"slug": "../../x"},
        {"aliases": ["/../x/"]},
        {"aliases": ["/a/../../x/"]},
        {"aliases": ["/%2e%2e/%2e%2e/x/"]},
        {"aliases": ["//evil.example/x/"]},
        {"aliases": ["/a\\..\\..\\x/"]},
    ],
    ids=str,
)
def test_hostile_slugs_and_aliases_write_nothing_outside(
    project: Project, fields: dict[str, Any]
) -> None:
    project.post(title="Good", slug="good")
    project.build()
    previous = tree(project.output)
    project.post(title="Hostile", **fields)
    before = snapshot_outside(project)
    try:
        project.build()
    except BuildFailed as failed:
        assert failed.errors and all(error.line for error in failed.errors)
        assert tree(project.output) == previous
    assert snapshot_outside(project) == before
    for path in project.output.rglob("*"):
        assert path.resolve().is_relative_to(project.output.resolve())
    assert leftovers(project) == []


def test_a_file_put_into_build_by_hand_does_not_survive_rebuilds(project: Project) -> None:
    project.post(title="One", slug="one")
    project.build()
    (project.output / "stray.txt").write_text("put here by hand")
    (project.output / "posts" / "one" / "extra.html").write_text("<p>stray</p>")
    for number in range(3):  # the hand-placed files travel to the stage and back
        project.post(title=f"More {number}", slug=f"more-{number}")
        project.build()
    assert not (project.output / "stray.txt").exists()
    assert not (project.output / "posts" / "one" / "extra.html").exists()
    cold = project.builder(output_dir=project.root / "cold", cache_dir=project.root / "c2")
    cold.build()
    assert tree(project.output) == tree(project.root / "cold")


@pytest.mark.slow
def test_a_parallel_build_equals_a_serial_one(project: Project, tmp_path: Path) -> None:
    """Over PARALLEL_PAGES pages, workers freeze shares of the site: their pages must
    be the parent's, even for a post only the builder's clock calls published."""
    from datetime import UTC, datetime

    from frostpress.build.builder import Builder
    from frostpress.build.freeze import PARALLEL_PAGES

    for n in range(PARALLEL_PAGES + 20):
        project.post(title=f"Note {n}", slug=f"note-{n}", tags=[f"t{n % 7}"])
    project.post(title="From the future", slug="future", date="2030-03-01 09:00:00")
    later = datetime(2030, 6, 1, tzinfo=UTC)  # after that post, unlike the real clock
    outputs = {}
    for workers in (1, 2):
        config = project.config(output_dir=tmp_path / f"out-{workers}")
        report = Builder(config, workers=workers, now=lambda: later).build()
        assert report.pages > PARALLEL_PAGES
        outputs[workers] = tree(config.output_dir)
    assert "posts/future/index.html" in outputs[2]
    assert outputs[2] == outputs[1]


@pytest.mark.parametrize(
    ("shown", "before", "after"),
    [
        ('{{ post.meta.get("mood", "") }}', "mood: calm", "mood: stormy"),
        ("{{ post.cover_alt or '' }}", "cover_alt: A calm sea", "cover_alt: A stormy sea"),
        ('{{ post.meta.get("mood", "") }}', None, "mood: new"),
        ("{{ post.html|safe }}", "Later, a calm sea.", "Later, a rough sea."),
    ],
    ids=["custom-field", "cover-alt", "field-added", "whole-body"],
)
def test_a_field_a_theme_shows_on_cards_is_current_on_every_list(
    twelve: Project, tmp_path: Path, shown: str, before: str | None, after: str
) -> None:
    """A theme author shows a front-matter field on the list cards (as the
    README invites); changing it in one post reaches the home, tag, category
    and archive pages of an incremental build as it does a cold one."""
    card = twelve.root / "site/templates/partials/post_card.html"
    card.write_text(card.read_text().replace("</article>", f"<p class=mood>{shown}</p></article>"))
    twelve.add_media("cover.png")
    source = twelve.posts / "2026-01-12-p12.md"

    def front_matter(line: str) -> None:
        source.write_text(source.read_text().replace("title:", f"{line}\ntitle:", 1))

    if before is not None and before.startswith("Later"):  # a second paragraph: not the summary
        source.write_text(source.read_text() + f"\n{before}\n")
    elif before is not None:
        front_matter(before)
    twelve.build()
    if before is not None:
        source.write_text(source.read_text().replace(before, after))
    else:
        front_matter(after)
    twelve.build()
    value = after.split(": ", 1)[-1]
    for page in ("index.html", "tags/t12/index.html", "categories/notes/index.html"):
        assert value in twelve.read(page), page
    assert tree(twelve.output) == cold(twelve, tmp_path, "cold")
