"""Golden output: a tiny fixture site frozen and compared byte for byte.

The expected tree lives in ``tests/fixtures/golden/expected/``. When the look
or the output changes on purpose, regenerate it in its own commit::

    make golden        # FROSTPRESS_REGENERATE_GOLDEN=1 pytest tests/integration/test_golden.py
"""

from __future__ import annotations

import difflib
import os
import re
import shutil
from pathlib import Path

from frostpress.build.builder import Builder
from frostpress.config import load_config
from tests.conftest import NOW, REPO

FIXTURE = REPO / "tests" / "fixtures" / "golden"
EXPECTED = FIXTURE / "expected"
BASE_URL = "https://golden.example.test/"
# Static files published as they are (site/static, and node_modules through
# site.toml's [assets.vendor]) are compared with their sources instead of being
# copied here; their fingerprinted names are checked by the pages that link them.
SOURCES = {"js/socket.io.js": REPO / "node_modules/socket.io-client/dist/socket.io.min.js"}
FINGERPRINTED = re.compile(r"^static/(.+)\.[0-9a-f]{10}(\.\w+)$")


def _source(name: str) -> Path | None:
    match = FINGERPRINTED.match(name)
    if not match:
        return None
    logical = match.group(1) + match.group(2)
    source = SOURCES.get(logical, REPO / "site" / "static" / logical)
    return source if source.is_file() else None  # None: generated (Pygments)


def _files(root: Path) -> dict[str, bytes]:
    """Every built file except those copied from a source, which must match it."""
    files: dict[str, bytes] = {}
    for path in sorted(p for p in root.rglob("*") if p.is_file()):
        name = path.relative_to(root).as_posix()
        source = _source(name)
        if source is None:
            files[name] = path.read_bytes()
        else:
            assert path.read_bytes() == source.read_bytes(), f"{name} differs from {source}"
    return files


def _build_fixture(tmp_path: Path) -> Path:
    root = tmp_path / "golden"
    shutil.copytree(FIXTURE / "content", root / "content")
    shutil.copytree(REPO / "site", root / "site")
    (root / "node_modules").symlink_to(REPO / "node_modules")
    config = load_config(root, environ={"FROSTPRESS_BASE_URL": BASE_URL})
    Builder(config, workers=1, now=lambda: NOW).build()
    return config.output_dir


def test_fixture_site_freezes_to_the_expected_tree(tmp_path: Path) -> None:
    output = _build_fixture(tmp_path)
    if os.environ.get("FROSTPRESS_REGENERATE_GOLDEN"):
        shutil.rmtree(EXPECTED, ignore_errors=True)
        for name, data in _files(output).items():
            (EXPECTED / name).parent.mkdir(parents=True, exist_ok=True)
            (EXPECTED / name).write_bytes(data)
    assert len(list(output.glob("static/js/socket.io.*.js"))) == 1
    actual, expected = _files(output), _files(EXPECTED)
    assert sorted(actual) == sorted(expected), "a different set of files was built"
    for name, data in expected.items():
        if actual[name] != data:
            diff = "\n".join(
                difflib.unified_diff(
                    data.decode(errors="replace").splitlines(),
                    actual[name].decode(errors="replace").splitlines(),
                    f"expected/{name}",
                    f"built/{name}",
                    lineterm="",
                    n=2,
                )
            )
            raise AssertionError(
                f"{name} differs from the golden copy (make golden to accept):\n{diff[:4000]}"
            )


def test_two_cold_builds_are_byte_identical(tmp_path: Path) -> None:
    first = _files(_build_fixture(tmp_path / "one"))
    second = _files(_build_fixture(tmp_path / "two"))
    assert first == second
