"""People: find accounts, change roles (admins), ban and unban."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from werkzeug.wrappers import Response

from sidecar import deps
from sidecar.admin.base import bp, page_number, user
from sidecar.admin.forms import PlainForm, RoleForm
from sidecar.errors import DomainError
from sidecar.extensions import MODERATION_RATE, commenter_key, limiter
from sidecar.forms import submitted
from sidecar.models import Role
from sidecar.services.moderation import QueueFilter

__all__: list[str] = []


@bp.get("/users")
def users() -> str:
    args = request.args
    found = deps.people().search(
        text=args.get("q", "")[:100], role=args.get("role", ""), page=page_number(args)
    )
    return render_template(
        "admin/users.html", found=found, args=args, roles=[r.value for r in Role]
    )


@bp.get("/users/<int:user_id>")
def person(user_id: int) -> str:
    person = deps.people().get(user_id)
    comments = deps.moderation().queue(
        QueueFilter(status="all", author=person.username, page=page_number(request.args))
    )
    history = deps.audit_log().entries(target_type="user", target_id=person.id, per_page=20)
    return render_template(
        "admin/user.html",
        person=person,
        comments=comments,
        history=history,
        role_form=RoleForm(formdata=None, role=person.role),
        plain=PlainForm(formdata=None),
    )


def _act(user_id: int, form_ok: bool, act: object) -> Response:
    if form_ok:
        try:
            message = act()  # type: ignore[operator]
            flash(message, "success")
        except DomainError as exc:
            flash(exc.message, "error")
    else:
        flash("That was not a valid change; nothing was done.", "error")
    return redirect(url_for(".person", user_id=user_id), 303)


@bp.post("/users/<int:user_id>/role")
@limiter.shared_limit(MODERATION_RATE, scope="moderation", key_func=commenter_key)
def change_role(user_id: int) -> Response:
    form = RoleForm()
    ok = submitted(form)

    def act() -> str:
        changed = deps.people().set_role(user(), user_id, Role(form.role.data))
        return f"{changed.username} is now {changed.role}."

    return _act(user_id, ok, act)


@bp.post("/users/<int:user_id>/ban")
@limiter.shared_limit(MODERATION_RATE, scope="moderation", key_func=commenter_key)
def ban(user_id: int) -> Response:
    ok = submitted(PlainForm())

    def act() -> str:
        rejected = deps.people().ban(user(), user_id)
        return f"Banned; {rejected} pending comments left the queue."

    return _act(user_id, ok, act)


@bp.post("/users/<int:user_id>/unban")
@limiter.shared_limit(MODERATION_RATE, scope="moderation", key_func=commenter_key)
def unban(user_id: int) -> Response:
    ok = submitted(PlainForm())

    def act() -> str:
        return f"{deps.people().unban(user(), user_id).username} may sign in again."

    return _act(user_id, ok, act)
