"""The ``frostpress`` command, through click's CliRunner."""

from __future__ import annotations

import html
import re
import socket
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from click.testing import CliRunner, Result

from frostpress.cli import main
from tests.conftest import Project
from tests.trees import tree

BAD_DATE_AND_TAG = "---\ntitle: Broken\ndate: soon\ntags: [1]\n---\n\nBody.\n"
BROKEN_LINK = "---\ntitle: Links\ndate: 2020-05-02\n---\n\nSee [this](/posts/helo/).\n"


@pytest.fixture(autouse=True)
def _no_environment_overrides(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("FROSTPRESS_BASE_URL", raising=False)
    monkeypatch.delenv("FROSTPRESS_SIDECAR_URL", raising=False)


def run(project: Project, *args: str) -> Result:
    return CliRunner().invoke(main, [args[0], "--root", str(project.root), *args[1:]])


@pytest.fixture
def blog(project: Project) -> Project:
    project.page("about")
    project.post("2020-05-01-hello.md", title="Hello", date="2020-05-01 10:00:00", tags=["python"])
    return project


def add_problems(project: Project) -> list[str]:
    """Three problems in two files; return the ``path:line:`` each must be shown with."""
    project.raw_post("2020-06-01-broken.md", BAD_DATE_AND_TAG)
    project.raw_post("2020-05-02-links.md", BROKEN_LINK)
    return [
        "content/posts/2020-05-02-links.md:6: link to /posts/helo/ points nowhere",
        "content/posts/2020-06-01-broken.md:3: cannot read 'soon' as a date",
        "content/posts/2020-06-01-broken.md:4: 'tags' item 1 (1) is not text",
    ]


def test_new_creates_a_post_that_builds(project: Project) -> None:
    tz = ZoneInfo("Europe/London")
    days = {datetime.now(tz).strftime("%Y-%m-%d")}
    result = run(project, "new", "A title")
    days.add(datetime.now(tz).strftime("%Y-%m-%d"))
    assert result.exit_code == 0, result.output
    created = sorted(project.posts.glob("*.md"))
    assert [p.name for p in created] in [[f"{day}-a-title.md"] for day in days]
    assert result.stdout.strip() == f"content/posts/{created[0].name}"
    text = created[0].read_text(encoding="utf-8")
    assert text.startswith('---\ntitle: "A title"\ndate: ')
    built = run(project, "build", "--quiet")
    assert built.exit_code == 0, built.output
    page = project.read("posts/a-title/index.html")
    assert "<h1>A title</h1>" in page


def test_new_with_a_date_and_quotes(project: Project) -> None:
    result = run(project, "new", 'Say "hi": a post', "--date", "2020-01-02")
    assert result.exit_code == 0, result.output
    path = project.posts / "2020-01-02-say-hi-a-post.md"
    assert path.is_file()
    assert run(project, "build", "-q").exit_code == 0
    page = html.unescape(project.read("posts/say-hi-a-post/index.html"))
    assert '<h1>Say "hi": a post</h1>' in page
    again = run(project, "new", 'Say "hi": a post', "--date", "2020-01-02")
    assert again.exit_code != 0 and "already exists" in again.output
    assert path.read_text(encoding="utf-8").count("---") == 2


@pytest.mark.parametrize(
    ("title", "slug"),
    [
        ("日本語", "ri-ben-yu"),
        ("ブログ", "burogu"),
        ("Привет, мир", "privet-mir"),
        ("Καλημέρα κόσμε", "kalimera-kosme"),
        ("Straße und Öl", "strasse-und-ol"),
    ],
)
def test_new_transliterates_a_title_in_any_script(project: Project, title: str, slug: str) -> None:
    result = run(project, "new", title, "--date", "2020-01-02")
    assert result.exit_code == 0, result.output
    assert (project.posts / f"2020-01-02-{slug}.md").is_file()
    assert run(project, "build", "-q").exit_code == 0
    assert f"<h1>{title}</h1>" in project.read(f"posts/{slug}/index.html")


def test_new_takes_a_chosen_slug_and_refuses_an_unsafe_one(project: Project) -> None:
    result = run(project, "new", "日本語", "--date", "2020-01-02", "--slug", "nihongo")
    assert result.exit_code == 0, result.output
    assert (project.posts / "2020-01-02-nihongo.md").is_file()
    for bad in ("../escape", "Upper", "with space", ""):
        refused = run(project, "new", "A title", "--slug", bad)
        assert refused.exit_code == 1 and isinstance(refused.exception, SystemExit)
        assert "--slug" in refused.output and "lower-case letters" in refused.output
    emoji = run(project, "new", "???")
    assert emoji.exit_code == 1 and "choose one with --slug" in emoji.output
    assert [p.name for p in project.posts.glob("*.md")] == ["2020-01-02-nihongo.md"]


def test_check_ok_writes_no_build(blog: Project) -> None:
    result = run(blog, "check")
    assert result.exit_code == 0, result.output
    assert re.fullmatch(r"OK: \d+ pages, no problems\.\n", result.stdout)
    assert not blog.output.exists()
    assert not list(blog.root.glob(".build.new-*"))


@pytest.mark.parametrize("command", ["check", "build"])
def test_problems_are_listed_with_path_and_line(blog: Project, command: str) -> None:
    expected = add_problems(blog)
    result = run(blog, command)
    assert result.exit_code == 1
    lines = [line for line in result.stderr.splitlines() if ".md:" in line]
    assert len(lines) == len(expected)
    for line, start in zip(lines, expected, strict=True):
        assert line.startswith(start), line
        assert re.match(r"^content/posts/[\w.-]+\.md:\d+: \S", line)
    assert "Build failed: 3 problems" in result.stderr
    assert isinstance(result.exception, SystemExit)  # reported, not raised
    assert not blog.output.exists()


def test_failed_build_keeps_the_previous_build(blog: Project) -> None:
    assert run(blog, "build", "-q").exit_code == 0
    before = tree(blog.output)
    add_problems(blog)
    assert run(blog, "build", "-q").exit_code == 1
    assert tree(blog.output) == before


def test_build_reports_what_it_did(blog: Project) -> None:
    result = run(blog, "build")
    assert result.exit_code == 0, result.output
    assert re.search(
        r"Built (\d+) pages into .+ in [\d.]+s \(\1 written, 0 unchanged", result.stdout
    )
    again = run(blog, "build")
    assert re.search(r"Built (\d+) pages .*\(0 written, \1 unchanged, 0 Markdown", again.stdout)


def test_build_drafts(blog: Project) -> None:
    blog.post("2020-05-03-wip.md", title="Work in progress", date="2020-05-03 10:00:00", draft=True)
    assert run(blog, "build", "-q").exit_code == 0
    assert not (blog.output / "posts/wip").exists()
    result = run(blog, "build", "-q", "--drafts")
    assert result.exit_code == 0, result.output
    page = blog.read("posts/wip/index.html")
    assert "Work in progress" in page and "Draft" in page
    assert "Draft" in blog.read("index.html")
    assert "Draft" not in blog.read("posts/hello/index.html")
    assert run(blog, "build", "-q").exit_code == 0
    assert not (blog.output / "posts/wip").exists()


def test_build_output_directory(blog: Project, tmp_path: Path) -> None:
    target = tmp_path / "elsewhere" / "site"
    result = run(blog, "build", "-q", "--output", str(target))
    assert result.exit_code == 0, result.output
    assert (target / "posts/hello/index.html").is_file()
    assert (target / "about/index.html").is_file()
    assert not blog.output.exists()
    assert result.stdout == ""


def test_unknown_root_is_an_error(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["check", "--root", str(tmp_path)])
    assert result.exit_code == 1 and isinstance(result.exception, SystemExit)
    assert "site/site.toml: not found" in result.output


def test_tags_and_categories_in_other_scripts_get_their_pages(project: Project) -> None:
    project.post("2020-01-02-tokyo.md", tags=["日本", "Россия"], category="Ελλάδα")
    built = run(project, "build", "-q")
    assert built.exit_code == 0, built.output
    assert "日本" in project.read("tags/ri-ben/index.html")
    assert "Россия" in project.read("tags/rossiya/index.html")
    assert "Ελλάδα" in project.read("categories/ellada/index.html")


def refused(result: Result) -> str:
    """What a command that stopped on a deliberate error said (a traceback fails)."""
    assert isinstance(result.exception, SystemExit), result.exception
    assert result.exit_code == 1, result.output
    return result.output


COMMANDS = [["build"], ["check"], ["new", "A title"], ["serve", "--port", "1"], ["dev"]]


@pytest.mark.parametrize("command", COMMANDS, ids=lambda c: c[0])
def test_every_command_reports_a_broken_site_toml_with_its_line(
    blog: Project, command: list[str]
) -> None:
    toml = blog.root / "site/site.toml"
    toml.write_text(toml.read_text(encoding="utf-8") + "\ntitle = \n", encoding="utf-8")
    line = toml.read_text(encoding="utf-8").count("\n")
    said = refused(run(blog, *command))
    assert f"site/site.toml:{line}: not valid TOML" in said


@pytest.mark.parametrize("command", [["build"], ["check"]], ids=lambda c: c[0])
def test_missing_front_end_packages_are_reported_with_the_fix(
    blog: Project, command: list[str]
) -> None:
    (blog.root / "node_modules").unlink()
    said = refused(run(blog, *command))
    assert "site/site.toml: [assets.vendor] 'js/socket.io.js'" in said
    assert "npm ci" in said and str(blog.root) not in said


@pytest.mark.parametrize("command", [["serve"], ["dev"]], ids=lambda c: c[0])
def test_a_port_in_use_is_reported(blog: Project, command: list[str]) -> None:
    assert run(blog, "build", "-q").exit_code == 0
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = run(blog, *command, "--port", str(port))
    assert result.exit_code == 1 and isinstance(result.exception, SystemExit)


def test_an_output_that_cannot_be_written_is_reported(blog: Project, tmp_path: Path) -> None:
    (tmp_path / "a-file").write_text("not a directory", encoding="utf-8")
    said = refused(run(blog, "build", "-q", "--output", str(tmp_path / "a-file" / "site")))
    assert "a-file" in said
