"""Mistakes in content/ fail the whole build, listed together with file and line."""

from __future__ import annotations

from pathlib import Path

import pytest

from frostpress.errors import BrokenLinkError, BuildFailed, DuplicateSlugError, FrontMatterError
from tests.conftest import Project
from tests.factories import write_raw

DATE_HINT = "write YYYY-MM-DD or YYYY-MM-DD HH:MM:SS (optionally with +HH:MM)"


def failures(project: Project) -> list[str]:
    """Build, expect failure, return every reported problem as 'path:line: message'."""
    with pytest.raises(BuildFailed) as info:
        project.build()
    return info.value.report(project.root).splitlines()


def only_failure(project: Project) -> str:
    problems = failures(project)
    assert len(problems) == 1, problems
    return problems[0]


def post_text(*header: str, body: str = "Hello.\n") -> str:
    return "---\n" + "".join(f"{line}\n" for line in header) + "---\n\n" + body


# -- required fields and field types ------------------------------------------------


@pytest.mark.parametrize(
    ("header", "line", "fragment"),
    [
        (["date: 2024-01-01"], 1, "'title' is required: add a line 'title: ...'"),
        (
            ["title: 2024", "date: 2024-01-01"],
            2,
            "'title' must be text, not 2024; put it in quotes",
        ),
        (["title: Hello"], 1, "'date' is required: add 'date: YYYY-MM-DD'"),
        (["title: Hello", "date: yesterday"], 3, f"cannot read 'yesterday' as a date: {DATE_HINT}"),
        # YAML 1.1 reads 12:30 as the sexagesimal integer 750.
        (["title: Hello", "date: 12:30"], 3, f"as a date: {DATE_HINT}"),
        (["title: Hello", "date: 2024-01-01", "updated: soon"], 4, "cannot read 'soon' as a date"),
        (
            ["title: Hello", "date: 2024-01-01", "tags: [python, 42]"],
            4,
            "'tags' item 2 (42) is not text; put it in quotes",
        ),
        (
            ["title: Hello", "date: 2024-01-01", "tags: 7"],
            4,
            "'tags' must be a list such as [a, b]",
        ),
        (
            ["title: Hello", "date: 2024-01-01", "draft: maybe"],
            4,
            "'draft' must be true or false, not 'maybe'",
        ),
        (["title: Hello", "date: 2024-01-01", 'slug: "???"'], 4, "is not usable in a URL"),
    ],
)
def test_bad_field_is_reported_at_its_line(
    project: Project, header: list[str], line: int, fragment: str
) -> None:
    project.raw_post("bad.md", post_text(*header))
    problem = only_failure(project)
    assert problem.startswith(f"content/posts/bad.md:{line}: "), problem
    assert fragment in problem


def test_impossible_calendar_date_is_a_content_error(project: Project) -> None:
    # YAML matches 2024-13-45 as a timestamp and fails to construct it.
    project.raw_post("bad.md", post_text("title: Hello", "date: 2024-13-45"))
    problem = only_failure(project)
    assert problem.startswith("content/posts/bad.md:3: cannot read")
    assert DATE_HINT in problem


@pytest.mark.parametrize(
    ("header", "line"),
    [
        (["title: Building: the short version", "date: 2024-01-01"], 2),
        (["title: Hello", "  date: 2024-01-01"], 3),
        (["title: Hello", "date: 2024-01-01", "tags:", "  - a", " - b"], 6),
        (['title: "unclosed', "date: 2024-01-01", "tags: [a]"], 2),
    ],
    ids=["colon-in-value", "indented-key", "bad-list-indent", "unclosed-quote"],
)
def test_invalid_yaml_points_at_the_problem_line(
    project: Project, header: list[str], line: int
) -> None:
    project.raw_post("bad.md", post_text(*header))
    problem = only_failure(project)
    assert problem.startswith(f"content/posts/bad.md:{line}: invalid YAML in front matter: ")
    assert "quote values that contain ':'" in problem


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("Just words, no header.\n", "missing front matter: start the file with a line '---'"),
        ("---\ntitle: Hello\ndate: 2024-01-01\n\nBody.\n", "front matter is never closed"),
    ],
)
def test_broken_front_matter_fence(project: Project, text: str, fragment: str) -> None:
    project.raw_post("bad.md", text)
    problem = only_failure(project)
    assert problem.startswith("content/posts/bad.md:1: ") and fragment in problem


@pytest.mark.parametrize("alias", ["../x", "//evil", "relative", "/a/../b/"])
def test_unsafe_alias_is_rejected(project: Project, alias: str) -> None:
    project.raw_post(
        "bad.md", post_text("title: Hello", "date: 2024-01-01", f'aliases: ["/fine/", "{alias}"]')
    )
    problem = only_failure(project)
    assert problem.startswith(f"content/posts/bad.md:4: alias {alias!r} must be a site path")


def test_errors_are_front_matter_errors(project: Project) -> None:
    project.raw_post("bad.md", post_text("date: 2024-01-01"))
    with pytest.raises(BuildFailed) as info:
        project.build()
    [error] = info.value.errors
    assert isinstance(error, FrontMatterError)
    assert (error.path, error.line) == (project.posts / "bad.md", 1)


# -- accepted variants ------------------------------------------------------------


def test_comma_separated_tags_and_draft_no_are_accepted(project: Project) -> None:
    project.raw_post(
        "ok.md", post_text("title: Hello", "date: 2024-01-01", "tags: python, web dev", "draft: no")
    )
    project.build()
    [post] = project.index().posts
    assert [t.name for t in post.tags] == ["python", "web dev"]
    assert post.draft is False


def test_bom_and_crlf_line_endings_are_accepted(project: Project) -> None:
    text = "\ufeff" + post_text("title: Windows", "date: 2024-01-01", body="Hello.\n")
    (project.posts / "win.md").write_bytes(text.replace("\n", "\r\n").encode("utf-8"))
    project.build()
    [post] = project.index().posts
    assert (post.title, post.slug) == ("Windows", "win")


def test_crlf_file_reports_link_line(project: Project) -> None:
    text = post_text("title: Windows", "date: 2024-01-01", body="One.\n\n[x](/posts/nope/)\n")
    (project.posts / "win.md").write_bytes(text.replace("\n", "\r\n").encode("utf-8"))
    assert only_failure(project).startswith("content/posts/win.md:8: link to /posts/nope/")


def test_invalid_utf8_names_the_line(project: Project) -> None:
    raw = b"---\ntitle: Hello\ndate: 2024-01-01\n---\n\nFine.\ncaf\xe9 au lait\n"
    (project.posts / "latin1.md").write_bytes(raw)
    problem = only_failure(project)
    assert problem == "content/posts/latin1.md:7: not valid UTF-8: save the file as UTF-8"


# -- cross-file problems ----------------------------------------------------------


def test_duplicate_slug_names_both_files(project: Project) -> None:
    project.post(name="2024-01-01-hello.md")
    project.post(name="2024-02-01-hello.md")
    with pytest.raises(BuildFailed) as info:
        project.build()
    [error] = info.value.errors
    assert isinstance(error, DuplicateSlugError)
    text = error.format(project.root)
    assert text.startswith("content/posts/2024-02-01-hello.md:1: post slug 'hello'")
    assert "already used by 2024-01-01-hello.md" in text


def test_duplicate_slug_in_subfolders_tells_the_files_apart(project: Project) -> None:
    project.post(name="2023/hello.md")
    project.post(name="2024/hello.md")
    problem = only_failure(project)
    assert problem.startswith("content/posts/2024/hello.md:1: post slug 'hello'")
    assert "2023/hello.md" in problem


def test_explicit_slug_clash_is_reported(project: Project) -> None:
    project.post(name="one.md")
    project.raw_post("two.md", post_text("title: Two", "date: 2024-01-01", "slug: One"))
    assert "post slug 'one' is already used by one.md" in only_failure(project)


@pytest.mark.parametrize("slug", ["tags", "archive", "posts", "media"])
def test_reserved_page_slug(project: Project, slug: str) -> None:
    project.page(slug)
    problem = only_failure(project)
    assert problem.startswith(f"content/pages/{slug}.md:1: page slug '{slug}' is reserved")


def test_reserved_slug_set_in_front_matter_points_at_slug_line(project: Project) -> None:
    write_raw(project.pages, "old.md", post_text("title: Old", "slug: archive"))
    assert only_failure(project).startswith("content/pages/old.md:3: page slug 'archive'")


def test_missing_cover_is_a_broken_link_at_the_cover_line(project: Project) -> None:
    project.raw_post(
        "pic.md",
        post_text(
            "title: Pic", "date: 2024-01-01", "cover: /media/missing.png", "cover_alt: nothing"
        ),
    )
    with pytest.raises(BuildFailed) as info:
        project.build()
    [error] = info.value.errors
    assert isinstance(error, BrokenLinkError)
    assert error.format(project.root) == (
        "content/posts/pic.md:4: cover /media/missing.png not found: put the file in content/media/"
    )


@pytest.mark.parametrize("cover", ["/media/c.png", "c.png", "media/c.png"])
def test_existing_cover_is_accepted(project: Project, cover: str) -> None:
    project.add_media("c.png")
    project.post(name="pic.md", cover=cover)
    project.build()
    post = project.index().post("pic")
    assert post is not None and post.cover == "/media/c.png"


def test_link_to_missing_post_counts_front_matter_lines(project: Project) -> None:
    project.raw_post(
        "a.md",
        post_text("title: A", "date: 2024-01-01", body="Intro.\n\nSee [this](/posts/nope/).\n"),
    )
    assert only_failure(project) == (
        "content/posts/a.md:8: link to /posts/nope/ points nowhere: link to an existing "
        "post (/posts/<slug>/), page or /media/ file"
    )


def test_link_without_trailing_slash_suggests_the_right_url(project: Project) -> None:
    project.post(name="real-slug.md")
    project.raw_post(
        "a.md", post_text("title: A", "date: 2024-01-01", body="See [it](/posts/real-slug).\n")
    )
    assert only_failure(project) == (
        "content/posts/a.md:6: link to /posts/real-slug points nowhere; "
        "did you mean /posts/real-slug/?"
    )


def test_broken_link_line_is_not_taken_from_an_earlier_longer_link(project: Project) -> None:
    project.post(name="real-slug.md")
    project.raw_post(
        "a.md",
        post_text(
            "title: A",
            "date: 2024-01-01",
            body="[ok](/posts/real-slug/)\n\n[bad](/posts/real-slug)\n",
        ),
    )
    assert only_failure(project).startswith("content/posts/a.md:8: link to /posts/real-slug ")


def test_links_to_existing_things_and_other_sites_pass(project: Project) -> None:
    project.add_media("c.png")
    project.page("about")
    project.post(name="real.md")
    project.post(
        name="a.md",
        body="[p](/posts/real/#part) [m](/media/c.png) [a](/about/) "
        "[t](/tags/) [w](https://example.org/x) [f](#top)\n",
    )
    project.build()


def test_protocol_relative_link_is_not_an_internal_link(project: Project) -> None:
    project.post(name="a.md", body="Load [it](//cdn.example.org/lib.js).\n")
    project.build()


# -- all together, nothing published ------------------------------------------------


def test_every_problem_is_reported_together_sorted_by_path(project: Project) -> None:
    project.raw_post("c.md", post_text("title: C", "date: 2024-01-01", "draft: maybe"))
    project.raw_post("a.md", post_text("title: 2024", "date: soon", "tags: [x, 3]"))
    project.raw_post("b.md", "no front matter\n")
    project.page("tags")
    assert failures(project) == [
        "content/pages/tags.md:1: page slug 'tags' is reserved for the site's own URLs: "
        "set another 'slug:'",
        "content/posts/a.md:2: 'title' must be text, not 2024; put it in quotes",
        f"content/posts/a.md:3: cannot read 'soon' as a date: {DATE_HINT}",
        "content/posts/a.md:4: 'tags' item 2 (3) is not text; put it in quotes",
        "content/posts/b.md:1: missing front matter: start the file with a line '---', "
        "then 'title: ...' and 'date: ...', then '---'",
        "content/posts/c.md:4: 'draft' must be true or false, not 'maybe'",
    ]


def test_link_errors_are_reported_with_front_matter_errors(project: Project) -> None:
    # The README's own example: a bad date in one file and a dead link in another.
    project.raw_post("a.md", post_text("title: A", "date: '2026-14-03'"))
    project.raw_post("b.md", post_text("title: B", "date: 2024-01-01", body="[x](/posts/helo/)\n"))
    problems = failures(project)
    assert [p.split(": ")[0] for p in problems] == ["content/posts/a.md:3", "content/posts/b.md:6"]


def snapshot(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in root.rglob("*") if p.is_file()}


def test_failed_build_leaves_previous_build_untouched(project: Project) -> None:
    project.post(name="good.md")
    project.build()
    before = snapshot(project.output)
    assert "posts/good/index.html" in before
    project.post(name="newer.md")
    project.raw_post("bad.md", post_text("title: Bad"))
    failures(project)
    assert snapshot(project.output) == before
    assert not list(project.root.glob(".build.new-*"))


def test_links_to_a_post_or_page_that_failed_to_load_are_not_reported_again(
    project: Project,
) -> None:
    project.raw_post("broken.md", post_text("title: Broken"))  # no date
    project.page("about", title=None)  # no title
    project.post(name="fine.md", body="See [this](/posts/broken/) and [that](/about/).\n")
    problems = failures(project)
    assert [p.split(": ")[0] for p in problems] == [
        "content/pages/about.md:1",
        "content/posts/broken.md:1",
    ], problems
