"""Rebuilding the static site: the last build, and a button (admins)."""

from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from werkzeug.wrappers import Response

from sidecar import deps
from sidecar.admin.base import bp, user
from sidecar.admin.forms import PlainForm
from sidecar.errors import DomainError
from sidecar.extensions import MODERATION_RATE, commenter_key, limiter
from sidecar.forms import submitted

__all__: list[str] = []


@bp.get("/site")
def site() -> str:
    rebuilder = deps.rebuilder()
    return render_template(
        "admin/site.html", rebuilder=rebuilder, last=rebuilder.last(), form=PlainForm(formdata=None)
    )


@bp.post("/site/rebuild")
@limiter.shared_limit(MODERATION_RATE, scope="moderation", key_func=commenter_key)
def rebuild() -> Response:
    if submitted(PlainForm()):
        try:
            outcome = deps.rebuilder().run(user())
        except DomainError as exc:
            flash(exc.message, "error")
        else:
            flash(("Rebuilt: " if outcome.ok else "The rebuild failed: ") + outcome.summary)
    return redirect(url_for(".site"), 303)
