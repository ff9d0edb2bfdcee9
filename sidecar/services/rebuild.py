"""Rebuilding the static site from the dashboard.

In production (``BUILD_HOOK_URL`` set, e.g. a Netlify build hook) a rebuild is
a POST to that URL, and its answer is what the admin sees; the CDN's CI does
the building. Without it (development) the sidecar runs ``frostpress build``
for its own project and reports how that went, file and line included. Every
rebuild is written to the audit log, which is also where "the last build" is
read from. Only admins may rebuild.

Scheduled posts publish themselves: CI rebuilds the site on a schedule, and
with ``SCHEDULED_REBUILD_SECONDS`` (on by default in production when
``BUILD_HOOK_URL`` is set) each sidecar process also checks that often whether
the first post held back for its date has come due (``next_due`` in the
site's manifest, or the checkout), and then asks for one rebuild for it.
"""

from __future__ import annotations

import logging
import os
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from sidecar.database import DbSession
from sidecar.errors import Forbidden
from sidecar.models import Action, AuditEntry, Role, User
from sidecar.services.audit import AuditLog
from sidecar.services.catalog import PostCatalog
from sidecar.services.unit import transaction

if TYPE_CHECKING:
    from flask import Flask

__all__ = ["DueRebuild", "Outcome", "Rebuilder", "build_site", "init_app"]

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Outcome:
    ok: bool
    summary: str  # one line: what happened
    detail: str  # the build's own words, or the hook's answer


class Rebuilder:
    def __init__(
        self, session: DbSession, root: Path, hook_url: str | None, *, timeout: float = 300
    ) -> None:
        self.session = session
        self.root = root
        self.hook_url = hook_url
        self.timeout = timeout

    @property
    def mode(self) -> str:
        return "hook" if self.hook_url else "local"

    def last(self) -> AuditEntry | None:
        return AuditLog(self.session).latest(Action.REBUILD)

    def run(self, actor: User) -> Outcome:
        if actor.role != Role.ADMIN.value:
            raise Forbidden("Only admins can rebuild the site.")
        started = time.monotonic()
        outcome = self.build()
        seconds = time.monotonic() - started
        with transaction(self.session):
            verdict = "ok" if outcome.ok else "failed"
            detail = f"{verdict} in {seconds:.1f} s: {outcome.summary}"
            AuditLog(self.session).record(actor, Action.REBUILD, "site", 0, detail)
        return outcome

    def build(self) -> Outcome:
        """Ask for a rebuild (the hook, or a local build), unrecorded."""
        return build_site(self.root, self.hook_url, self.timeout)


def build_site(root: Path, hook_url: str | None, timeout: float = 300) -> Outcome:
    """POST the build hook, or without one run ``frostpress build`` for ``root``."""
    return _call_hook(hook_url) if hook_url else _build_here(root, timeout)


def _build_here(root: Path, timeout: float) -> Outcome:
    try:
        done = subprocess.run(
            [sys.executable, "-m", "frostpress", "build", "--root", str(root)],
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )
    except subprocess.TimeoutExpired:
        return Outcome(False, f"the build took longer than {timeout:.0f} s", "")
    words = (done.stdout + done.stderr).strip()
    lines = [line for line in words.splitlines() if line.strip()]
    if done.returncode == 0:
        return Outcome(True, lines[-1] if lines else "built", words[-4000:])
    errors = [line for line in lines if ": " in line and not line.startswith("Built")]
    summary = errors[0] if errors else f"frostpress build exited with {done.returncode}"
    return Outcome(False, summary, words[-4000:])


def _call_hook(hook_url: str) -> Outcome:
    # http(s) only: settings_from_env refuses any other BUILD_HOOK_URL.
    request = urllib.request.Request(hook_url, data=b"{}", method="POST")  # noqa: S310
    request.add_header("Content-Type", "application/json")
    try:
        with urllib.request.urlopen(request, timeout=15) as response:  # noqa: S310
            body = response.read(2000).decode("utf-8", "replace")
            return Outcome(True, f"build hook answered {response.status}", body)
    except urllib.error.HTTPError as error:
        body = error.read(2000).decode("utf-8", "replace")
        return Outcome(False, f"build hook answered {error.code}", body)
    except (urllib.error.URLError, OSError) as error:
        return Outcome(False, f"build hook unreachable: {error}", "")


class DueRebuild:
    """Asks for one rebuild when the first post held back for its date comes due."""

    def __init__(
        self,
        catalog: PostCatalog,
        build: Callable[[], Outcome],
        *,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self.catalog = catalog
        self.build = build
        self.clock = clock
        self._asked: datetime | None = None  # the due date a rebuild was asked for

    def check(self) -> Outcome | None:
        """The rebuild's outcome if one was asked for now, else None. A failed one is
        asked for again at the next check."""
        due = self.catalog.next_due()
        if due is None or due > self.clock() or due == self._asked:
            return None
        outcome = self.build()
        if outcome.ok:
            self._asked = due
            log.info("post due at %s: rebuild asked for: %s", due.isoformat(), outcome.summary)
        else:
            log.warning("post due at %s: rebuild failed: %s", due.isoformat(), outcome.summary)
        return outcome


def init_app(app: Flask) -> None:
    """Check for due posts every ``SCHEDULED_REBUILD_SECONDS`` (0: never), from a
    thread each process starts on its first request (so forked workers have one)."""
    production = app.config.get("SIDECAR_ENV") == "production"
    hook = app.config.get("BUILD_HOOK_URL")
    interval = app.config.setdefault(
        "SCHEDULED_REBUILD_SECONDS", 60.0 if production and hook else 0.0
    )
    if interval <= 0:
        return
    started: dict[str, int] = {}

    def due() -> DueRebuild:
        catalog: PostCatalog = app.extensions["sidecar.catalog"]
        return DueRebuild(catalog, lambda: build_site(catalog.config.root, hook))

    def loop(watch: DueRebuild) -> None:
        while True:
            time.sleep(interval)
            try:
                watch.check()
            except Exception:  # never let the schedule die
                log.exception("checking for due posts failed")

    @app.before_request
    def start_due_rebuilds() -> None:
        if started.get("pid") != os.getpid():
            started["pid"] = os.getpid()
            threading.Thread(target=loop, args=(due(),), name="due-rebuild", daemon=True).start()
