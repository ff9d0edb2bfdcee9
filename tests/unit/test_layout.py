"""The project's shape: what is importable, and what the engine exposes."""

from __future__ import annotations

import subprocess
import sys

import frostpress
from tests.conftest import REPO


def test_site_folder_holds_data_only() -> None:
    # site/ would shadow the standard library's ``site`` module if it were a package.
    assert not list((REPO / "site").rglob("*.py"))


def test_engine_imports_no_web_server_or_sidecar_code() -> None:
    code = (
        "import sys, frostpress.build.builder, frostpress.cli; "
        "bad = [m for m in sys.modules if m.split('.')[0] in "
        "('sidecar', 'flask_socketio', 'socketio', 'flask_login', 'flask_wtf')]; "
        "print(','.join(bad))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=REPO, check=True
    )
    assert result.stdout.strip() == ""


def test_public_surface_changes_only_on_purpose() -> None:
    assert sorted(frostpress.__all__) == [
        "BuildFailed",
        "ContentError",
        "FrostpressError",
        "SiteConfig",
        "__version__",
        "load_config",
    ]
