"""CI's files run the same commands as the Makefile and netlify.toml (no drift)."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path
from typing import Any

import yaml

from frostpress.config import SiteConfig
from tests.conftest import REPO

WORKFLOW = REPO / ".github" / "workflows" / "ci.yml"


def workflow() -> dict[str, Any]:
    document: dict[Any, Any] = yaml.safe_load(WORKFLOW.read_text())
    # YAML 1.1 reads the key "on" as True.
    document["on"] = document.pop(True, document.get("on"))
    return document


def netlify() -> dict[str, Any]:
    return tomllib.loads((REPO / "netlify.toml").read_text())


def make_targets() -> dict[str, str]:
    """Each Makefile target with its recipe."""
    targets: dict[str, str] = {}
    current = None
    for line in (REPO / "Makefile").read_text().splitlines():
        match = re.match(r"^([a-z][\w-]*):", line)
        if match:
            current = match.group(1)
            targets[current] = ""
        elif current and line.startswith("\t"):
            targets[current] += line.strip() + "\n"
    return targets


def runs(job: dict[str, Any]) -> list[str]:
    return [step["run"].strip() for step in job["steps"] if "run" in step]


def uses(job: dict[str, Any], action: str) -> list[dict[str, Any]]:
    return [s for s in job["steps"] if str(s.get("uses", "")).startswith(action + "@")]


def test_ci_runs_on_every_push_and_pull_request_and_on_a_schedule() -> None:
    on = workflow()["on"]
    assert "push" in on and "pull_request" in on
    assert on.get("push") is None or not on["push"].get("branches"), "every branch"
    assert [entry["cron"] for entry in on["schedule"]]


def test_the_test_job_is_the_ci_script_and_the_script_is_make_test() -> None:
    job = workflow()["jobs"]["test"]
    assert runs(job) == ["bash .ci/run"]
    assert job["env"]["CI"] == "true"  # a missing PostgreSQL, Redis or browser fails
    script = (REPO / ".ci" / "run").read_text()
    assert re.search(r"^make test\b", script, re.M)
    for package in ("postgresql", "redis-server", "chromium"):
        assert package in script
    assert "$(PY) -m pytest" in make_targets()["test"]


def test_the_build_job_builds_as_netlify_does_and_keeps_the_render_cache() -> None:
    job = workflow()["jobs"]["build"]
    command = netlify()["build"]["command"]
    assert command in runs(job)
    assert "frostpress build" in make_targets()[command.split()[-1]]
    (cache,) = uses(job, "actions/cache")
    assert Path(cache["with"]["path"]) == SiteConfig.__dataclass_fields__["cache_dir"].default
    assert "hashFiles('content/**')" in cache["with"]["key"]
    assert cache["with"]["restore-keys"], "a changed post starts from the previous cache"
    steps = [s.get("name", s.get("uses", "")) for s in job["steps"]]
    assert steps.index("Render cache") < steps.index("Build (the same command as netlify.toml)")


def test_netlify_keeps_the_same_cache_with_its_build_plugin() -> None:
    (plugin,) = netlify()["plugins"]
    directory = REPO / plugin["package"]
    manifest = yaml.safe_load((directory / "manifest.yml").read_text())
    (cache_input,) = [i for i in manifest["inputs"] if i["name"] == "cache_dir"]
    default = SiteConfig.__dataclass_fields__["cache_dir"].default
    assert Path(cache_input["default"]) == default
    code = (directory / "index.js").read_text()
    for event in ("onPreBuild", "onPostBuild", "onSuccess"):
        assert f"async {event}(" in code
    assert "utils.cache.restore(" in code and "utils.cache.save(" in code
    assert "/api/site/content-changed" in code or "SIDECAR_CONTENT_HOOK_URL" in code


def test_the_scheduled_run_asks_for_a_build() -> None:
    job = workflow()["jobs"]["scheduled-publish"]
    assert "schedule" in job["if"]
    (script,) = runs(job)
    assert "NETLIFY_BUILD_HOOK" in script and "curl" in script
