"""Rebuilding the static site from the dashboard.

In production (``BUILD_HOOK_URL`` set, e.g. a Netlify build hook) a rebuild is
a POST to that URL, and its answer is what the admin sees; the CDN's CI does
the building. Without it (development) the sidecar runs ``frostpress build``
for its own project and reports how that went, file and line included. Every
rebuild is written to the audit log, which is also where "the last build" is
read from. Only admins may rebuild.
"""

from __future__ import annotations

import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.orm import Session

from sidecar.errors import Forbidden
from sidecar.models import Action, AuditEntry, Role, User
from sidecar.services.audit import AuditLog
from sidecar.services.unit import transaction

__all__ = ["Outcome", "Rebuilder"]


@dataclass(frozen=True)
class Outcome:
    ok: bool
    summary: str  # one line: what happened
    detail: str  # the build's own words, or the hook's answer


class Rebuilder:
    def __init__(
        self, session: Session, root: Path, hook_url: str | None, *, timeout: float = 300
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
        outcome = self._call_hook() if self.hook_url else self._build_here()
        seconds = time.monotonic() - started
        with transaction(self.session):
            verdict = "ok" if outcome.ok else "failed"
            detail = f"{verdict} in {seconds:.1f} s: {outcome.summary}"
            AuditLog(self.session).record(actor, Action.REBUILD, "site", 0, detail)
        return outcome

    def _build_here(self) -> Outcome:
        try:
            done = subprocess.run(
                [sys.executable, "-m", "frostpress", "build", "--root", str(self.root)],
                capture_output=True,
                text=True,
                timeout=self.timeout,
                check=False,
            )
        except subprocess.TimeoutExpired:
            return Outcome(False, f"the build took longer than {self.timeout:.0f} s", "")
        words = (done.stdout + done.stderr).strip()
        lines = [line for line in words.splitlines() if line.strip()]
        if done.returncode == 0:
            return Outcome(True, lines[-1] if lines else "built", words[-4000:])
        errors = [line for line in lines if ": " in line and not line.startswith("Built")]
        summary = errors[0] if errors else f"frostpress build exited with {done.returncode}"
        return Outcome(False, summary, words[-4000:])

    def _call_hook(self) -> Outcome:
        assert self.hook_url is not None
        # http(s) only: settings_from_env refuses any other BUILD_HOOK_URL.
        request = urllib.request.Request(self.hook_url, data=b"{}", method="POST")  # noqa: S310
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
