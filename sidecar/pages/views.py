"""``/comments/<slug>``: a post's thread with plain forms, no JavaScript.

The thread is paged by top-level comments, oldest first (``?page=``), with
links to older and newer ones. Each view parses its form, calls one Comments
use case and maps the result (a 303 to the comment's anchor, on the page that
shows it) or the domain error (the page again, with the message beside the
form, the typed text kept and the error's status).
"""

from __future__ import annotations

import marshmallow as ma
from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from werkzeug.wrappers import Response

from sidecar import deps
from sidecar.api.schemas import GuestSchema
from sidecar.errors import DomainError, Invalid, NotFound, flatten_messages
from sidecar.extensions import (
    DELETE_RATE,
    EDIT_RATE,
    THREAD_RATE,
    client_address,
    comment_rate,
    commenter_key,
    guest_email_key,
    limiter,
    login_manager,
    no_guest_email,
)
from sidecar.forms import page_number, submitted
from sidecar.models import Comment, User
from sidecar.pages.forms import CommentForm, DeleteForm, EditForm, new_key
from sidecar.pages.thread import build_tree, walk
from sidecar.services.guests import Guest
from sidecar.services.spam import Signals

__all__ = ["bp"]

bp = Blueprint("pages", __name__, url_prefix="/comments")
bp.add_app_template_global(new_key, "new_idempotency_key")
bp.add_app_template_global(lambda: deps.form_clock().issue(), "form_shown_at")

Page = tuple[str, int]


def _viewer() -> User | None:
    if not current_user.is_authenticated:
        return None
    user: User = current_user._get_current_object()
    return user


def _user() -> User:
    user = _viewer()
    assert user is not None  # login_required ran
    return user


def _page_arg(number: int) -> int | None:
    return number if number > 1 else None  # the first page's address has no ?page=


def _anchor(comment: Comment, viewer: User | None) -> str:
    """The address of ``comment`` on the thread page that shows it."""
    page = _page_arg(deps.comments().page_of(comment, viewer))
    return url_for(".thread", slug=comment.post_slug, page=page, _anchor=f"comment-{comment.id}")


def _thread_page(slug: str, form: CommentForm, status: int = 200) -> Page:
    viewer = _viewer()
    service = deps.comments()
    # The page the reader was on: forms post back to it, so an error shows there.
    found = service.thread(slug, viewer, page_number(request.args))  # 404 unless published
    post = deps.catalog().post(slug)
    if post is None:  # unpublished between the two lookups
        raise NotFound(f"There is no published post {slug!r}.")
    tree = build_tree(found.items, viewer, service)
    replyable = {node.comment.id for node in walk(tree) if node.can_reply}
    target = form.parent if form.parent in replyable else None
    page = render_template(
        "pages/thread.html",
        post=post,
        post_url=deps.catalog().url(post),
        tree=tree,
        found=found,
        here=_page_arg(found.page),
        count=service.counts([slug])[slug],
        viewer=viewer,
        form=form,
        blank=CommentForm(formdata=None),
        target=target,
        guests=service.rules.guests,
    )
    return page, status


@bp.get("/<slug>")
@limiter.shared_limit(THREAD_RATE, scope="thread-read")
def thread(slug: str) -> Page:
    return _thread_page(slug, CommentForm(formdata=None))


def _guest(form: CommentForm) -> Guest:
    """The guest the form describes, checked as the API checks one."""
    try:
        return Guest(**GuestSchema().load(form.guest))
    except ma.ValidationError as exc:
        raise Invalid(
            "Check your name, email and website.",
            fields=flatten_messages(exc.messages, "guest"),
        ) from None


def _show_error(form: CommentForm, error: DomainError) -> None:
    """The message above the comment box, each field's reason beside its field."""
    form.body.errors = [error.message]
    for name, reason in getattr(error, "fields", {}).items():
        field = getattr(form, name.replace(".", "_"), None)
        if field is not None and field is not form.body:
            field.errors = [reason]


@bp.post("/<slug>")
@limiter.shared_limit(comment_rate, scope="comment-create", key_func=commenter_key)
@limiter.shared_limit(
    comment_rate, scope="comment-guest-email", key_func=guest_email_key, exempt_when=no_guest_email
)
def create(slug: str) -> Page | Response:
    service = deps.comments()
    viewer = _viewer()
    if viewer is None and service.rules.guests == "off":
        refused: Response = login_manager.unauthorized()
        return refused
    form = CommentForm()
    if not submitted(form):
        form.body.errors = [*form.body.errors, *form.parent_id.errors]
        return _thread_page(slug, form, 422)
    try:
        comment = service.create(
            viewer,
            slug,
            form.body.data or "",
            form.parent,
            guest=None if viewer else _guest(form),
            idempotency_key=form.key,
            notify=bool(form.notify.data),
            signals=Signals(client_address(), form.hp.data or "", form.started.data),
        )
    except DomainError as exc:
        _show_error(form, exc)
        return _thread_page(slug, form, exc.status)
    if comment.is_guest and comment.status != "approved":
        flash(
            "Thank you: your comment is held for review, and appears once a moderator approves it."
        )
        return redirect(
            url_for(".thread", slug=slug, page=request.args.get("page"), _anchor="comments"), 303
        )
    return redirect(_anchor(comment, viewer), 303)


@bp.get("/<slug>/<int:comment_id>/edit")
@login_required
def edit_form(slug: str, comment_id: int) -> Page:
    service = deps.comments()
    comment = service.get(comment_id, slug)
    if (refusal := service.edit_refusal(_user(), comment)) is not None:
        raise refusal
    form = EditForm(formdata=None, body=comment.body_source)
    return _edit_page(slug, comment_id, form), 200


def _back_to(slug: str, comment_id: int) -> str:
    """The way back to a comment on its thread page, or to the thread if it is gone."""
    try:
        return _anchor(deps.comments().get(comment_id, slug), _viewer())
    except DomainError:
        return url_for(".thread", slug=slug, _anchor="comments")


def _edit_page(slug: str, comment_id: int, form: EditForm) -> str:
    back = _back_to(slug, comment_id)
    return render_template(
        "pages/edit.html", slug=slug, comment_id=comment_id, form=form, back=back
    )


@bp.post("/<slug>/<int:comment_id>/edit")
@limiter.shared_limit(EDIT_RATE, scope="comment-edit", key_func=commenter_key)
@login_required
def edit(slug: str, comment_id: int) -> Page | Response:
    form = EditForm()
    if not submitted(form):
        return _edit_page(slug, comment_id, form), 422
    try:
        comment = deps.comments().edit(_user(), comment_id, form.body.data or "", slug=slug)
    except DomainError as exc:
        form.body.errors = [exc.message]
        return _edit_page(slug, comment_id, form), exc.status
    return redirect(_anchor(comment, _user()), 303)


@bp.get("/<slug>/<int:comment_id>/delete")
@login_required
def delete_form(slug: str, comment_id: int) -> Page:
    service = deps.comments()
    comment = service.get(comment_id, slug)
    if (refusal := service.delete_refusal(_user(), comment)) is not None:
        raise refusal
    page = render_template(
        "pages/delete.html",
        slug=slug,
        comment_id=comment_id,
        form=DeleteForm(),
        comment=comment,
        back=_back_to(slug, comment_id),
    )
    return page, 200


@bp.post("/<slug>/<int:comment_id>/delete")
@limiter.shared_limit(DELETE_RATE, scope="comment-delete", key_func=commenter_key)
@login_required
def delete(slug: str, comment_id: int) -> Page | Response:
    form = DeleteForm()
    submitted(form)  # the CSRF token is all there is to check
    try:
        deps.comments().delete(_user(), comment_id, slug=slug)
    except DomainError as exc:
        page = render_template(
            "pages/delete.html",
            slug=slug,
            comment_id=comment_id,
            form=form,
            error=exc.message,
            back=_back_to(slug, comment_id),
        )
        return page, exc.status
    flash("The comment is deleted.")
    return redirect(url_for(".thread", slug=slug, _anchor="comments"), 303)
