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

import functools
from collections.abc import Callable
from typing import Any

from flask import Blueprint, render_template
from flask_wtf import FlaskForm

from sidecar import deps
from sidecar.errors import DomainError
from sidecar.extensions import MODERATION_RATE, limiter
from sidecar.forms import submitted

__all__ = ["bp"]

bp = Blueprint("mail_links", __name__, url_prefix="/comments")

LINK_RATE = "20 per minute;200 per hour"

Page = tuple[str, int]
View = Callable[..., Page]


def _message(title: str, message: str, status: int = 200) -> Page:
    site = deps.catalog().config
    back = (site.base_url, f"Go to {site.title}")
    return render_template("auth/message.html", title=title, message=message, back=back), status


def _refused_as(title: str) -> Callable[[View], View]:
    """A link not valid (expired, altered, used) answers a page so titled, with the reason."""

    def decorate(view: View) -> View:
        @functools.wraps(view)
        def wrapper(*args: Any, **kwargs: Any) -> Page:
            try:
                return view(*args, **kwargs)
            except DomainError as exc:
                return _message(title, exc.message, exc.status)

        return wrapper

    return decorate


def _ask(title: str, question: str, button: str, *, csrf: bool = True, **more: object) -> Page:
    """The page a link's GET shows: what it will do, and the button that does it."""
    form = FlaskForm() if csrf else None
    page = render_template(
        "pages/mail_link.html", title=title, question=question, button=button, form=form, **more
    )
    return page, 200


def _title(slug: str) -> str:
    found = deps.catalog().post(slug)
    return f"“{found.title if found else slug}”"


def _what(post: str | None) -> str:
    return "reply mail from any post" if post is None else f"reply mail from {_title(post)}"


@bp.get("/unsubscribe/<token>")
@limiter.limit(LINK_RATE)
@_refused_as("Link not valid")
def unsubscribe_form(token: str) -> Page:
    email, post = deps.notifications().unsubscribe_target(token)
    # no CSRF token: a mail client's one-click POST carries none, the link is the permission
    return _ask("Unsubscribe", f"Stop {_what(post)} to {email}?", "Unsubscribe", csrf=False)


@bp.post("/unsubscribe/<token>")
@limiter.limit(LINK_RATE)
@_refused_as("Link not valid")
def unsubscribe(token: str) -> Page:
    done = deps.notifications().unsubscribe(token)
    return _message("Unsubscribed", f"{done.email} gets no more {_what(done.post)}.")


@bp.get("/notify/confirm/<token>")
@limiter.limit(LINK_RATE)
@_refused_as("Reply mail")
def confirm_form(token: str) -> Page:
    subscription = deps.notifications().to_confirm(token)
    post = _title(subscription.post_slug)
    question = f"Send {subscription.email} a mail when someone replies to your comment on {post}?"
    return _ask("Confirm reply mail", question, "Confirm")


@bp.post("/notify/confirm/<token>")
@limiter.limit(LINK_RATE)
@_refused_as("Reply mail")
def confirm(token: str) -> Page:
    submitted(FlaskForm())  # its CSRF token: the page's button, not another site
    subscription = deps.notifications().confirm(token)
    return _message(
        "Reply mail confirmed",
        f"{subscription.email} will hear of replies to your comment on "
        f"{_title(subscription.post_slug)}.",
    )


@bp.get("/moderate/<token>")
@limiter.limit(LINK_RATE)
@_refused_as("Moderation link")
def moderate_form(token: str) -> Page:
    ticket = deps.moderator_mail().ticket(token)
    verb = ticket.action.value.title()
    return _ask(
        f"{verb} this comment?",
        "",
        verb,
        comment=ticket.comment,
        post=_title(ticket.comment.post_slug),
    )


@bp.post("/moderate/<token>")
@limiter.limit(MODERATION_RATE)
@_refused_as("Moderation link")
def moderate(token: str) -> Page:
    submitted(FlaskForm())  # its CSRF token: the button on the page, not another site
    ticket = deps.moderator_mail().ticket(token)
    deps.moderation().apply(ticket.moderator, ticket.action, [ticket.comment.id])
    done = "approved" if ticket.action.value == "approve" else "rejected"
    return _message("Done", f"The comment by {ticket.comment.author_name} is {done}.")
