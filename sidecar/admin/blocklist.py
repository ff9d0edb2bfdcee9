"""The site's blocklist: words, domains and networks whose comments are held."""

from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from werkzeug.wrappers import Response

from sidecar import deps
from sidecar.admin.base import bp
from sidecar.admin.forms import BlockForm, PlainForm
from sidecar.errors import DomainError
from sidecar.extensions import MODERATION_RATE, commenter_key, limiter
from sidecar.forms import submitted

__all__: list[str] = []


@bp.get("/blocklist")
def blocklist() -> str:
    return render_template(
        "admin/blocklist.html",
        entries=deps.blocklist().entries(),
        form=BlockForm(formdata=None),
        remove=PlainForm(formdata=None),
    )


@bp.post("/blocklist")
@limiter.shared_limit(MODERATION_RATE, scope="moderation", key_func=commenter_key)
def block() -> Response:
    form = BlockForm()
    if submitted(form):
        try:
            item = deps.blocklist().add(form.kind.data or "", form.value.data or "")
        except DomainError as exc:
            flash(exc.message, "error")
        else:
            flash(f"Blocked {item.kind} {item.value}: new comments with it are held.", "success")
    else:
        flash("Choose a kind and give a value.", "error")
    return redirect(url_for(".blocklist"), 303)


@bp.post("/blocklist/<int:item_id>/remove")
@limiter.shared_limit(MODERATION_RATE, scope="moderation", key_func=commenter_key)
def unblock(item_id: int) -> Response:
    if submitted(PlainForm()):
        deps.blocklist().remove(item_id)
        flash("Removed from the blocklist.", "success")
    return redirect(url_for(".blocklist"), 303)
