"""The links in reply mail: stop it (one click, or a button), confirm a guest's.

- ``/comments/unsubscribe/<token>``: GET shows what the link stops and a
  button (mail scanners fetch links; a GET never unsubscribes); POST stops it,
  from the button or straight from a mail client's one-click
  ``List-Unsubscribe-Post`` (RFC 8058), so it needs no CSRF token: the signed
  link is the permission. Using it again changes nothing and says so.
- ``/comments/notify/confirm/<token>``: a guest's address confirmed for reply
  mail (the double opt-in): GET shows a button (with a CSRF token), POST
  confirms; a second use says it is confirmed already.
- ``/comments/moderate/<token>``: a moderator's approve or reject link from a
  held-comments mail: GET shows the comment and a button (with a CSRF token),
  POST does it; once the comment is no longer held, the link says so.
"""

from __future__ import annotations

from flask import Blueprint, render_template
from flask_wtf import FlaskForm
from werkzeug.wrappers import Response

from sidecar import deps
from sidecar.errors import DomainError
from sidecar.extensions import MODERATION_RATE, limiter
from sidecar.forms import submitted

__all__ = ["bp"]

bp = Blueprint("mail_links", __name__, url_prefix="/comments")

LINK_RATE = "20 per minute;200 per hour"

Page = tuple[str, int]


def _message(title: str, message: str, status: int = 200, **more: object) -> Page:
    site = deps.catalog().config
    back = (site.base_url, f"Go to {site.title}")
    return render_template("auth/message.html", title=title, message=message, back=back, **more), (
        status
    )


def _title(slug: str) -> str:
    found = deps.catalog().post(slug)
    return f"“{found.title if found else slug}”"


def _what(post: str | None) -> str:
    return "all mail from us" if post is None else f"reply mail from {_title(post)}"


@bp.get("/unsubscribe/<token>")
@limiter.limit(LINK_RATE)
def unsubscribe_form(token: str) -> Page:
    try:
        email, post = deps.notifications().unsubscribe_target(token)
    except DomainError as exc:
        return _message("Link not valid", exc.message, exc.status)
    return render_template("pages/unsubscribe.html", email=email, what=_what(post)), 200


@bp.post("/unsubscribe/<token>")
@limiter.limit(LINK_RATE)
def unsubscribe(token: str) -> Page | Response:
    try:
        done = deps.notifications().unsubscribe(token)
    except DomainError as exc:
        return _message("Link not valid", exc.message, exc.status)
    return _message("Unsubscribed", f"{done.email} gets no more {_what(done.post)}.")


@bp.get("/notify/confirm/<token>")
@limiter.limit(LINK_RATE)
def confirm_form(token: str) -> Page:
    try:
        subscription = deps.notifications().to_confirm(token)
    except DomainError as exc:
        return _message("Reply mail", exc.message, exc.status)
    return render_template(
        "pages/confirm_replies.html",
        email=subscription.email,
        post=_title(subscription.post_slug),
        form=FlaskForm(),
    ), 200


@bp.post("/notify/confirm/<token>")
@limiter.limit(LINK_RATE)
def confirm(token: str) -> Page:
    submitted(FlaskForm())  # its CSRF token: the page's button, not another site
    try:
        subscription = deps.notifications().confirm(token)
    except DomainError as exc:
        return _message("Reply mail", exc.message, exc.status)
    return _message(
        "Reply mail confirmed",
        f"{subscription.email} will hear of replies to your comment on "
        f"{_title(subscription.post_slug)}.",
    )


@bp.get("/moderate/<token>")
@limiter.limit(LINK_RATE)
def moderate_form(token: str) -> Page:
    try:
        ticket = deps.moderator_mail().ticket(token)
    except DomainError as exc:
        return _message("Moderation link", exc.message, exc.status)
    return render_template(
        "pages/moderate.html",
        ticket=ticket,
        form=FlaskForm(),
        post=_title(ticket.comment.post_slug),
    ), 200


@bp.post("/moderate/<token>")
@limiter.limit(MODERATION_RATE)
def moderate(token: str) -> Page:
    submitted(FlaskForm())  # its CSRF token: the button on the page, not another site
    try:
        ticket = deps.moderator_mail().ticket(token)
        deps.moderation().apply(ticket.moderator, ticket.action, [ticket.comment.id])
    except DomainError as exc:
        return _message("Moderation link", exc.message, exc.status)
    done = "approved" if ticket.action.value == "approve" else "rejected"
    return _message("Done", f"The comment by {ticket.comment.author_name} is {done}.")
