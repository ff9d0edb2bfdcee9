"""``/comments/<slug>``: a post's whole thread with plain forms, no JavaScript.

Each view parses its form, calls one Comments use case and maps the result
(a 303 to the comment's anchor) or the domain error (the page again, with the
message beside the form, the typed text kept and the error's status).
"""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_login import current_user, login_required
from werkzeug.wrappers import Response

from sidecar import deps
from sidecar.errors import DomainError, NotFound
from sidecar.extensions import COMMENT_RATE, EDIT_RATE, commenter_key, limiter
from sidecar.forms import submitted
from sidecar.models import Comment, User
from sidecar.pages.forms import CommentForm, DeleteForm, EditForm
from sidecar.pages.thread import build_tree, walk

__all__ = ["bp"]

bp = Blueprint("pages", __name__, url_prefix="/comments")

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


def _anchor(comment: Comment) -> str:
    return url_for(".thread", slug=comment.post_slug, _anchor=f"comment-{comment.id}")


def _thread_page(slug: str, form: CommentForm, status: int = 200) -> Page:
    viewer = _viewer()
    service = deps.comments()
    comments = service.thread(slug, viewer)  # PostNotFound for drafts, future, unknown
    post = deps.catalog().post(slug)
    if post is None:  # unpublished between the two lookups
        raise NotFound(f"There is no published post {slug!r}.")
    tree = build_tree(comments, viewer, service)
    replyable = {node.comment.id for node in walk(tree) if node.can_reply}
    target = form.parent if form.parent in replyable else None
    page = render_template(
        "pages/thread.html",
        post=post,
        post_url=deps.catalog().url(post),
        tree=tree,
        count=sum(1 for comment in comments if not comment.is_removed),
        viewer=viewer,
        form=form,
        blank=CommentForm(formdata=None),
        target=target,
    )
    return page, status


@bp.get("/<slug>")
def thread(slug: str) -> Page:
    return _thread_page(slug, CommentForm(formdata=None))


@bp.post("/<slug>")
@limiter.shared_limit(COMMENT_RATE, scope="comment-create", key_func=commenter_key)
@login_required
def create(slug: str) -> Page | Response:
    form = CommentForm()
    if not submitted(form):
        form.body.errors = [*form.body.errors, *form.parent_id.errors]
        return _thread_page(slug, form, 422)
    try:
        comment = deps.comments().create(_user(), slug, form.body.data or "", form.parent)
    except DomainError as exc:
        form.body.errors = [exc.message]
        return _thread_page(slug, form, exc.status)
    return redirect(_anchor(comment), 303)


@bp.get("/<slug>/<int:comment_id>/edit")
@login_required
def edit_form(slug: str, comment_id: int) -> Page:
    service = deps.comments()
    comment = service.get(comment_id, slug)
    if (refusal := service.edit_refusal(_user(), comment)) is not None:
        raise refusal
    form = EditForm(formdata=None, body=comment.body_source)
    return render_template("pages/edit.html", slug=slug, comment_id=comment_id, form=form), 200


@bp.post("/<slug>/<int:comment_id>/edit")
@limiter.shared_limit(EDIT_RATE, scope="comment-edit", key_func=commenter_key)
@login_required
def edit(slug: str, comment_id: int) -> Page | Response:
    form = EditForm()
    if not submitted(form):
        return render_template("pages/edit.html", slug=slug, comment_id=comment_id, form=form), 422
    try:
        comment = deps.comments().edit(_user(), comment_id, form.body.data or "", slug=slug)
    except DomainError as exc:
        form.body.errors = [exc.message]
        page = render_template("pages/edit.html", slug=slug, comment_id=comment_id, form=form)
        return page, exc.status
    return redirect(_anchor(comment), 303)


@bp.get("/<slug>/<int:comment_id>/delete")
@login_required
def delete_form(slug: str, comment_id: int) -> Page:
    service = deps.comments()
    comment = service.get(comment_id, slug)
    if (refusal := service.delete_refusal(_user(), comment)) is not None:
        raise refusal
    page = render_template(
        "pages/delete.html", slug=slug, comment_id=comment_id, form=DeleteForm(), comment=comment
    )
    return page, 200


@bp.post("/<slug>/<int:comment_id>/delete")
@login_required
def delete(slug: str, comment_id: int) -> Page | Response:
    form = DeleteForm()
    submitted(form)  # the CSRF token is all there is to check
    try:
        deps.comments().delete(_user(), comment_id, slug=slug)
    except DomainError as exc:
        page = render_template(
            "pages/delete.html", slug=slug, comment_id=comment_id, form=form, error=exc.message
        )
        return page, exc.status
    flash("The comment is deleted.")
    return redirect(url_for(".thread", slug=slug, _anchor="comments"), 303)
