"""Hostile front matter and content files, through the ``frostpress`` command.

Each must give a clear build error naming the file (no traceback) and leave the
previous ``build/`` as it was, or build safely: nothing written outside ``build/``.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from frostpress.cli import main
from tests.conftest import Project
from tests.hostile.report import Report
from tests.trees import tree

LAUGHS = "lol: &a ['lol','lol','lol','lol','lol','lol','lol','lol','lol']\n" + "".join(
    f"l{n}: &{chr(98 + n)} [*{chr(97 + n)},*{chr(97 + n)},*{chr(97 + n)},*{chr(97 + n)},"
    f"*{chr(97 + n)},*{chr(97 + n)},*{chr(97 + n)},*{chr(97 + n)},*{chr(97 + n)}]\n"
    for n in range(8)  # 9**9 values once expanded: refused before anything expands them
)
HEAD = "---\ntitle: Attack\ndate: 2020-05-03\n"
ATTACKS: dict[str, bytes] = {
    "python object tag": (
        HEAD + "x: !!python/object/apply:os.system ['touch /tmp/pwned']\n---\nB.\n"
    ).encode(),
    "python name tag": (HEAD + "x: !!python/name:os.system\n---\nB.\n").encode(),
    "billion laughs": (HEAD + LAUGHS + "tags: *i\n---\nB.\n").encode(),
    "huge front matter": (
        HEAD + "".join(f"k{n}: {'v' * 200}\n" for n in range(2_000)) + "---\nB.\n"
    ).encode(),
    "binary file": b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 8,
    "invalid UTF-8": HEAD.encode() + b"summary: caf\xe9\n---\nB.\n",
    "slug traversal": (HEAD + "slug: ../../etc\n---\nB.\n").encode(),
    "slug absolute": (HEAD + "slug: /tmp/evil\n---\nB.\n").encode(),
    "cover traversal": (HEAD + "cover: ../../../../etc/passwd\n---\nB.\n").encode(),
    "cover absolute": (HEAD + "cover: /etc/passwd\n---\nB.\n").encode(),
    "alias traversal": (HEAD + "aliases: ['/../../x']\n---\nB.\n").encode(),
    "alias double slash": (HEAD + "aliases: ['//evil.example/x']\n---\nB.\n").encode(),
    "alias backslash": (HEAD + "aliases: ['/..\\\\..\\\\x']\n---\nB.\n").encode(),
    "alias absolute path": (HEAD + "aliases: ['/tmp/x']\n---\nB.\n").encode(),
}


@pytest.fixture
def site(project: Project) -> Project:
    project.post("2020-05-01-hello.md", title="Hello", date="2020-05-01 10:00:00")
    return project


@pytest.mark.parametrize("attack", ATTACKS)
def test_hostile_content_fails_clearly_or_builds_safely(
    site: Project, tmp_path: Path, attack: str, hostile: Report
) -> None:
    runner = CliRunner()
    build = ["build", "--root", str(site.root), "-q"]
    assert runner.invoke(main, build).exit_code == 0
    before = tree(site.output)
    name = "2020-05-03-attack.md"
    (site.posts / name).write_bytes(ATTACKS[attack])
    outside = {p for p in tree(tmp_path) if not p.startswith("blog/build/")}

    result = runner.invoke(main, build)
    problems = []
    if result.exit_code == 0:
        added = {p for p in tree(tmp_path) if not p.startswith("blog/build/")} - outside
        # the build's own cache and staging tree sit beside build/, by design
        added = {p for p in added if not p.startswith(("blog/.cache/", "blog/.build"))}
        if added:
            problems.append(f"wrote outside build/: {sorted(added)[:5]}")
    else:
        if f"content/posts/{name}" not in result.output:
            problems.append(f"the error does not name the file: {result.output[-300:]!r}")
        if "Traceback" in result.output or (result.exception and result.exit_code != 1):
            problems.append(f"crashed: {result.exception!r}")
        if tree(site.output) != before:
            problems.append("build/ changed after a failed build")
    assert not Path("/tmp/pwned").exists()
    hostile.add("input", 1, bool(problems), f"front matter {attack}: {problems}")
    assert not problems, (problems, result.output[-500:])
