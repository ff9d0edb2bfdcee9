"""`make` installs the front-end packages only when node_modules/ does not hold
what package-lock.json names: a fresh clone with a cached node_modules/ pays
nothing, a changed lock installs again."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

from tests.conftest import REPO


def project(tmp_path: Path) -> tuple[Path, Path]:
    """A copy of the Makefile, the lock and node_modules/, and a PATH whose
    `npm` only notes that it was asked."""
    root = tmp_path / "repo"
    root.mkdir()
    for name in ("Makefile", "package.json", "package-lock.json"):
        shutil.copy(REPO / name, root / name)
    shutil.copytree(REPO / "node_modules", root / "node_modules", symlinks=True)
    (root / "node_modules/.installed-stamp").unlink(missing_ok=True)
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    npm = bin_dir / "npm"
    npm.write_text(f'#!/bin/sh\necho "$@" >> {tmp_path / "npm-calls"}\n', encoding="utf-8")
    npm.chmod(0o755)
    for tool in ("touch", "sh"):
        found = shutil.which(tool)
        assert found is not None
        (bin_dir / tool).symlink_to(found)
    return root, bin_dir


def make_node(root: Path, bin_dir: Path) -> None:
    make = shutil.which("make")
    assert make is not None
    subprocess.run(
        [make, "--no-print-directory", "node_modules/.installed-stamp", f"PYTHON={sys.executable}"],
        cwd=root,
        env={**os.environ, "PATH": str(bin_dir)},
        check=True,
        capture_output=True,
        timeout=60,
    )


def test_a_node_modules_matching_the_lock_is_kept(tmp_path: Path) -> None:
    root, bin_dir = project(tmp_path)
    make_node(root, bin_dir)
    assert (root / "node_modules/.installed-stamp").is_file()
    assert not (tmp_path / "npm-calls").exists()


def test_a_changed_lock_or_a_missing_package_installs_again(tmp_path: Path) -> None:
    root, bin_dir = project(tmp_path)
    lock = json.loads((root / "package-lock.json").read_text(encoding="utf-8"))
    name = next(k for k in lock["packages"] if k)
    lock["packages"][name]["version"] = "0.0.0-changed"
    (root / "package-lock.json").write_text(json.dumps(lock), encoding="utf-8")
    make_node(root, bin_dir)
    assert (tmp_path / "npm-calls").read_text(encoding="utf-8").startswith("ci ")

    (tmp_path / "npm-calls").unlink()
    shutil.copy(REPO / "package-lock.json", root / "package-lock.json")
    shutil.rmtree(root / "node_modules" / "ms")
    (root / "node_modules/.installed-stamp").unlink()
    make_node(root, bin_dir)
    assert (tmp_path / "npm-calls").read_text(encoding="utf-8").startswith("ci ")
