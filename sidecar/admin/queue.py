"""The overview, the moderation queue and the audit log."""

from __future__ import annotations

from typing import Any

from flask import flash, redirect, render_template, request, url_for
from werkzeug.wrappers import Response

from frostpress.web.views import post_path
from sidecar import deps
from sidecar.admin import charts
from sidecar.admin.base import bp, page_number, user
from sidecar.admin.forms import MAIL_LABELS, MailForm, ModerateForm
from sidecar.errors import DomainError
from sidecar.extensions import MODERATION_RATE, commenter_key, limiter
from sidecar.forms import submitted
from sidecar.models import Action, Status
from sidecar.services.moderation import COMMENT_ACTIONS, QueueFilter

__all__: list[str] = []

_FILTERS = ("status", "post", "author", "q")


@bp.get("/")
def overview() -> str:
    analytics = deps.analytics()
    catalog = deps.catalog()
    posts = catalog.index().posts
    counts = deps.comments().counts(p.slug for p in posts)
    titles = {post_path(p.slug): p.title for p in posts}
    views = analytics.views_per_day(30)
    comments = analytics.comments_per_day(30)
    signups = analytics.signups_per_day(30)
    top = [(titles.get(path, path), n) for path, n in analytics.top_paths(30, 10)]
    referrers = analytics.top_referrers(30, 10)
    return render_template(
        "admin/overview.html",
        pending=deps.moderation().pending_count(),
        totals={
            "views": sum(n for _, n in views),
            "comments": sum(n for _, n in comments),
            "signups": sum(n for _, n in signups),
        },
        charts=[
            (title, unit, series, charts.bars_by_day(series, title, unit, ident=ident))
            for title, unit, series, ident in (
                ("Views per day, last 30 days", "views", views, "c-views"),
                ("Comments per day", "comments", comments, "c-comments"),
                ("Sign-ups per day", "sign-ups", signups, "c-signups"),
            )
        ],
        rankings=[
            (title, charts.ranked_bars(rows, title, "views", ident=ident))
            for title, rows, ident in (
                ("Top pages, last 30 days", top, "c-top"),
                ("Top referrers, last 30 days", referrers, "c-refs"),
            )
        ],
        posts=sorted(((p, counts.get(p.slug, 0)) for p in posts), key=lambda pc: -pc[1]),
    )


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
        mail_form=MailForm(formdata=None, moderation_mail=user().moderation_mail),
    ), 200


@bp.post("/mail")
@limiter.shared_limit(MODERATION_RATE, scope="moderation", key_func=commenter_key)
def mail_settings() -> Response:
    """How often this moderator is mailed about held comments."""
    form = MailForm()
    if submitted(form):
        try:
            deps.moderator_mail().choose(user(), form.moderation_mail.data or "")
            label = MAIL_LABELS[form.moderation_mail.data or "off"]
            flash(f"Mail about held comments: {label.lower()}.", "success")
        except DomainError as exc:
            flash(exc.message, "error")
    else:
        flash("Choose how often to be mailed.", "error")
    return redirect(url_for(".queue"), 303)


@bp.post("/queue")
@limiter.shared_limit(MODERATION_RATE, scope="moderation", key_func=commenter_key)
def moderate() -> Response:
    form = ModerateForm()
    back: dict[str, Any] = {k: request.args[k] for k in (*_FILTERS, "page") if request.args.get(k)}
    valid = submitted(form)
    # A row's own button says "action:id"; the bulk button uses the ticked boxes.
    one_action, _, one_id = request.form.get("one", "").partition(":")
    if valid and one_action in COMMENT_ACTIONS and one_id.isdigit():
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
        target_type=args.get("target", "")
        if args.get("target") in ("comment", "user", "site")
        else "",
        page=page_number(args),
    )
    return render_template(
        "admin/audit.html", found=found, actions=[a.value for a in Action], args=args
    )
