"""The overview, the moderation queue and the audit log."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from werkzeug.wrappers import Response

from sidecar import deps
from sidecar.admin.base import bp, page_number, submitted, user
from sidecar.admin.forms import ModerateForm
from sidecar.errors import DomainError
from sidecar.models import Action, Status
from sidecar.services.moderation import QueueFilter

__all__: list[str] = []

_FILTERS = ("status", "post", "author", "q")


@bp.get("/")
def overview() -> str:
    moderation = deps.moderation()
    return render_template("admin/overview.html", pending=moderation.pending_count())


def _queue_filter() -> QueueFilter:
    args = request.args
    return QueueFilter(
        status=args.get("status", Status.PENDING.value) or Status.PENDING.value,
        post=args.get("post", "")[:200],
        author=args.get("author", "")[:40],
        text=args.get("q", "")[:200],
        page=page_number(args),
    )


@bp.get("/queue")
def queue() -> tuple[str, int]:
    wanted = _queue_filter()
    found = deps.moderation().queue(wanted)  # Invalid (422) for an unknown status
    return render_template(
        "admin/queue.html",
        found=found,
        wanted=wanted,
        statuses=["all", *(s.value for s in Status)],
        form=ModerateForm(formdata=None),
    ), 200


@bp.post("/queue")
def moderate() -> Response:
    form = ModerateForm()
    back = {k: request.args[k] for k in (*_FILTERS, "page") if request.args.get(k)}
    valid = submitted(form)
    # A row's own button says "action:id"; the bulk button uses the ticked boxes.
    one_action, _, one_id = request.form.get("one", "").partition(":")
    if valid and one_action in set(Action) and one_id.isdigit():
        action, ids = Action(one_action), [int(one_id)]
    elif valid and form.ids.data:
        action, ids = Action(form.action.data), form.ids.data
    else:
        flash("Choose one or more comments and an action.", "error")
        return redirect(url_for(".queue", **back), 303)
    try:
        changed = deps.moderation().apply(user(), action, ids)
    except DomainError as exc:
        flash(exc.message, "error")
        return redirect(url_for(".queue", **back), 303)
    noun = "comment" if len(changed) == 1 else "comments"
    flash(f"{action.value.title()}: {len(changed)} {noun}.", "success")
    return redirect(url_for(".queue", **back), 303)


@bp.get("/audit")
def audit() -> str:
    args = request.args
    found = deps.audit_log().entries(
        action=args.get("action", "") if args.get("action") in set(Action) else "",
        actor=args.get("actor", "")[:40],
        target_type=args.get("target", "") if args.get("target") in ("comment", "user") else "",
        page=page_number(args),
    )
    return render_template(
        "admin/audit.html", found=found, actions=[a.value for a in Action], args=args
    )
