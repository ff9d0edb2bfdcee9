"""Mail to moderators about held comments, with approve and reject links.

- Each moderator chooses (``User.moderation_mail``): ``off`` (the default),
  ``immediate`` (a mail as comments are held; while one is waiting to go out,
  newly held comments join it) or ``digest`` (at most one a day).
- ``held`` is called in the transaction that holds a comment (a new one, or
  an edit sent back for review); the mail is written when it is sent, from
  what is still held and was not in this moderator's previous mail.
- Each comment in it has an approve and a reject link, signed for that
  moderator and their session version (a demotion, ban or logout bumps it,
  so their links stop), expiring after ``LINK_MAX_AGE``; a link works once:
  after either is used the comment is no longer held, and both say so.
- A link opens a page with a button (mail scanners fetch links; a GET never
  moderates); the button applies the action through ``Moderation``, audited
  and announced like the dashboard's.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from flask import render_template
from sqlalchemy import func, select

from sidecar.database import DbSession, now_utc
from sidecar.errors import Conflict, Invalid
from sidecar.models import Action, Comment, OutboxMail, Role, Status, User
from sidecar.services.mail import Message
from sidecar.services.outbox import Composer, enqueue, pending
from sidecar.services.signed_links import SignedLinks
from sidecar.services.unit import transaction

__all__ = ["MAIL_CHOICES", "ModeratorMail", "Ticket"]

MAIL_CHOICES = ("off", "immediate", "digest")
LINK_MAX_AGE = 7 * 24 * 3600
DIGEST_EVERY = timedelta(days=1)
LISTED = 50  # held comments listed in one mail; the rest are counted
_ACTIONS = {"approve": Action.APPROVE, "reject": Action.REJECT}


class AlreadyDealtWith(Conflict):
    code = "already_moderated"


@dataclass(frozen=True)
class Ticket:
    """What a moderation link asks for: who, which action, which comment."""

    moderator: User
    action: Action
    comment: Comment


def _stamp(edited_at: datetime | None) -> str | None:
    return None if edited_at is None else edited_at.isoformat()


class ModeratorMail:
    def __init__(self, session: DbSession, secret: str, links: dict[str, str]) -> None:
        self.session = session
        self.links = links
        self._links = SignedLinks(
            secret,
            "frostpress.moderate",
            LINK_MAX_AGE,
            kind="moderation",
            renew="; use the queue",
        )

    # -- settings ---------------------------------------------------------------------
    def choose(self, moderator: User, choice: str) -> None:
        if choice not in MAIL_CHOICES:
            raise Invalid(
                "Choose off, immediate or digest.",
                fields={"moderation_mail": " or ".join(MAIL_CHOICES)},
            )
        with transaction(self.session):
            moderator.moderation_mail = choice

    # -- in the transaction that holds a comment --------------------------------------
    def held(self) -> None:
        """Queue (or let a queued one carry it) each subscribed moderator's mail.

        In the request that holds a comment: three reads however many
        moderators there are (who wants mail, whose mail waits already, when
        each digest went last).
        """
        moderators = list(
            self.session.scalars(
                select(User).where(
                    User.role.in_((Role.MODERATOR.value, Role.ADMIN.value)),
                    User.moderation_mail.in_(("immediate", "digest")),
                    User.banned_at.is_(None),
                )
            )
        )
        if not moderators:
            return
        waiting, last_sent = pending(self.session, "held_comments", {m.email for m in moderators})
        now = now_utc()
        for moderator in moderators:
            if moderator.email in waiting:
                continue
            mail = enqueue(self.session, "held_comments", moderator.email, uid=moderator.id)
            if moderator.moderation_mail == "digest":
                last = last_sent.get(moderator.email)
                mail.next_attempt_at = max(now, (last or now) + DIGEST_EVERY)

    def _last_sent(self, moderator: User) -> datetime | None:
        found: datetime | None = self.session.scalar(
            select(func.max(OutboxMail.sent_at)).where(
                OutboxMail.kind == "held_comments", OutboxMail.recipient == moderator.email
            )
        )
        return found

    # -- the links --------------------------------------------------------------------
    def link(self, moderator: User, action: str, comment: Comment) -> str:
        token = self._links.sign(
            {
                "u": moderator.id,
                "v": moderator.session_version,
                "a": action,
                "c": comment.id,
                "e": _stamp(comment.edited_at),
            }
        )
        return self.links["moderate"].format(token=token)

    def ticket(self, token: str) -> Ticket:
        """The link's request, if it may still be carried out (else why not)."""
        data = self._links.read(token)
        moderator = self.session.get(User, data.get("u"))
        if (
            moderator is None
            or moderator.session_version != data.get("v")
            or not moderator.is_moderator
            or not moderator.is_active
            or data.get("a") not in _ACTIONS
        ):
            raise Invalid("This moderation link is not valid any more.", code="token_invalid")
        comment = self.session.get(Comment, data.get("c"))
        if comment is None or comment.status != Status.PENDING.value:
            raise AlreadyDealtWith("This comment was dealt with already.")
        if data.get("e") != _stamp(comment.edited_at):  # the mail showed other words
            raise Conflict(
                "This comment was edited after this mail was sent; review it in the queue.",
                code="comment_edited",
            )
        return Ticket(moderator, _ACTIONS[data["a"]], comment)

    # -- the mail, written by the outbox worker ---------------------------------------
    def composers(self) -> dict[str, Composer]:
        return {"held_comments": self.compose}

    def compose(self, mail: OutboxMail, data: dict[str, Any]) -> Message | None:
        moderator = self.session.get(User, data.get("uid"))
        if (
            moderator is None
            or moderator.email != mail.recipient
            or not moderator.is_moderator
            or not moderator.is_active
            or moderator.moderation_mail == "off"
        ):
            return None
        since = self._last_sent(moderator)
        held = select(Comment).where(Comment.status == Status.PENDING.value)
        if since is not None:
            held = held.where(Comment.updated_at > since)
        total = self.session.scalar(select(func.count()).select_from(held.subquery())) or 0
        comments = list(self.session.scalars(held.order_by(Comment.id).limit(LISTED)))
        if not comments:
            return None
        items = [
            {
                "author": c.author_name + (" (guest)" if c.is_guest else ""),
                "post": c.post_slug,
                "text": c.body_source,
                "approve": self.link(moderator, "approve", c),
                "reject": self.link(moderator, "reject", c),
            }
            for c in comments
        ]
        subject = (
            "A comment is waiting for review"
            if total == 1
            else f"{total} comments are waiting for review"
        )
        context = {
            "items": items,
            "more": total - len(items),
            "queue": self.links["queue"],
            "subject": subject,
        }
        return Message(
            mail.recipient,
            subject,
            render_template("mail/held.txt", **context),
            html=render_template("mail/held.html", **context),
        )
