"""``/comments/<slug>``: a post's thread with plain forms, no JavaScript.

The thread is paged by top-level comments, oldest first (``?page=``), with
links to older and newer ones. Each view parses its form, calls one Comments
use case and maps the result (a 303 to the comment's anchor, on the page that
shows it) or the domain error (the page again, with the message beside the
form, the typed text kept and the error's status).
"""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from werkzeug.wrappers import Response

from sidecar import deps
from sidecar.errors import DomainError, NotFound
from sidecar.extensions import (
    DELETE_RATE,
    EDIT_RATE,
    THREAD_RATE,
    comment_rate,
    commenter_key,
    limiter,
)
from sidecar.forms import page_number, submitted
from sidecar.models import Comment, User
from sidecar.pages.forms import CommentForm, DeleteForm, EditForm, new_key
from sidecar.pages.thread import build_tree, walk

__all__ = ["bp"]

bp = Blueprint("pages", __name__, url_prefix="/comments")
bp.add_app_template_global(new_key, "new_idempotency_key")

Page = tuple[str, int]


def _viewer() -> User | None:
    if not current_user.is_authenticated:
        return None
    user: User = current_user._get_current_object()  # type: ignore[attr-defined]
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
    )
    return page, status


@bp.get("/<slug>")
@limiter.shared_limit(THREAD_RATE, scope="thread-read")
def thread(slug: str) -> Page:
    return _thread_page(slug, CommentForm(formdata=None))


@bp.post("/<slug>")
@limiter.shared_limit(comment_rate, scope="comment-create", key_func=commenter_key)
@login_required
def create(slug: str) -> Page | Response:
    form = CommentForm()
    if not submitted(form):
        form.body.errors = [*form.body.errors, *form.parent_id.errors]
        return _thread_page(slug, form, 422)
    try:
        comment = deps.comments().create(
            _user(), slug, form.body.data or "", form.parent, idempotency_key=form.key
        )
    except DomainError as exc:
        form.body.errors = [exc.message]
        return _thread_page(slug, form, exc.status)
    return redirect(_anchor(comment, _user()), 303)


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
