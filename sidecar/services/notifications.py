"""Reply mail: "email me replies", sent once replies are approved, batched, and
stopped with one click.

- ``subscribe`` (in the comment's transaction): an account's address is
  confirmed already; a guest's gets a "confirm reply mail" link first (double
  opt-in), at most ``CONFIRM_ASKS`` a day per address, never to an address
  that unsubscribed from everything.
- ``replies_approved`` (in the transaction that approves them, or creates
  them approved): each confirmed subscriber of the parent is owed a notice,
  except the reply's own author; nothing is owed for a comment nobody else
  can see. The notices are carried by one ``reply_mail`` per address in the
  outbox, due at once or, when the address had one less than ``batch`` ago,
  then: a busy thread sends at most one mail per ``batch`` per person.
- The mail is written when it is sent (``compose_replies``), from the notices
  still owed and the replies still public, with plain-text and HTML parts
  from templates, a link to stop mail from each post and from everything, and
  ``List-Unsubscribe`` with ``List-Unsubscribe-Post`` (one click, RFC 8058).
- Links are signed: an unsubscribe link (``UNSUBSCRIBE_MAX_AGE``) may be used
  again harmlessly; a confirmation link (``CONFIRM_MAX_AGE``) works once. Both
  open a page with a button: a mail scanner's fetch changes nothing.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from flask import render_template
from sqlalchemy import Select, delete, func, select

from sidecar.database import DbSession, now_utc
from sidecar.errors import Conflict, Invalid
from sidecar.models import (
    Comment,
    MailOptOut,
    OutboxMail,
    ReplyNotice,
    Status,
    Subscription,
    User,
)
from sidecar.services.catalog import PostCatalog
from sidecar.services.mail import Message
from sidecar.services.outbox import Composer, enqueue, pending
from sidecar.services.signed_links import SignedLinks
from sidecar.services.unit import transaction

__all__ = ["Notifications", "Unsubscribed"]

UNSUBSCRIBE_MAX_AGE = 180 * 24 * 3600
CONFIRM_MAX_AGE = 3 * 24 * 3600
CONFIRM_ASKS = 3  # "confirm reply mail" requests per address per day
BATCH = timedelta(minutes=10)


class AlreadyConfirmed(Conflict):
    code = "already_confirmed"


@dataclass(frozen=True)
class Unsubscribed:
    email: str
    post: str | None  # None: from everything


class Notifications:
    def __init__(
        self,
        session: DbSession,
        secret: str,
        links: dict[str, str],
        catalog: PostCatalog | None = None,
        batch: timedelta = BATCH,
    ) -> None:
        self.session = session
        self.links = links
        self.catalog = catalog
        self.batch = batch
        self._unsubscribe = SignedLinks(
            secret, "frostpress.unsubscribe", UNSUBSCRIBE_MAX_AGE, kind="unsubscribe"
        )
        self._confirm = SignedLinks(
            secret, "frostpress.confirm-replies", CONFIRM_MAX_AGE, kind="confirmation"
        )

    # -- asking for mail (in the caller's transaction) ---------------------------------
    def subscribe(self, comment: Comment, email: str, user: User | None = None) -> None:
        email = email.strip().lower()
        opted_out = self.session.scalar(select(MailOptOut).where(MailOptOut.email == email))
        if opted_out is not None:
            if user is None:
                return  # a guest cannot undo an address's "no more mail"
            self.session.delete(opted_out)  # the address's owner asks again
        subscription = Subscription(
            comment_id=comment.id,
            post_slug=comment.post_slug,
            email=email,
            user_id=user.id if user else None,
            confirmed_at=now_utc() if user else None,
        )
        self.session.add(subscription)
        self.session.flush()
        if subscription.confirmed_at is None and not self._asked_lately(email):
            enqueue(self.session, "confirm_replies", email, sid=subscription.id)

    def _asked_lately(self, email: str) -> bool:
        since = now_utc() - timedelta(days=1)
        asked = self.session.scalar(
            select(func.count()).where(
                OutboxMail.recipient == email,
                OutboxMail.kind == "confirm_replies",
                OutboxMail.created_at > since,
            )
        )
        return int(asked or 0) >= CONFIRM_ASKS

    def replies_approved(self, replies: Iterable[Comment]) -> None:
        """Owe each confirmed subscriber of these replies' parents a notice.

        A bulk approval of many replies costs a fixed handful of queries, not a
        few per reply: the subscriptions, the notices owed already and the
        addresses' reply mail are each read once for the whole batch.
        """
        approved = [
            r for r in replies if r.parent_id is not None and r.status == Status.APPROVED.value
        ]
        if not approved:
            return
        by_parent: dict[int, list[Subscription]] = {}
        for subscription in self.session.scalars(
            select(Subscription).where(
                Subscription.comment_id.in_({r.parent_id for r in approved}),
                Subscription.confirmed_at.is_not(None),
            )
        ):
            by_parent.setdefault(subscription.comment_id, []).append(subscription)
        if not by_parent:
            return
        notices = select(ReplyNotice.subscription_id, ReplyNotice.reply_id).where(
            ReplyNotice.subscription_id.in_([s.id for group in by_parent.values() for s in group]),
            ReplyNotice.reply_id.in_([r.id for r in approved]),
        )
        owed = {(sid, rid) for sid, rid in self.session.execute(notices)}
        to_mail: set[str] = set()
        for reply in approved:
            for subscription in by_parent.get(reply.parent_id or 0, []):
                if self._own(reply, subscription) or (subscription.id, reply.id) in owed:
                    continue
                self.session.add(ReplyNotice(subscription_id=subscription.id, reply_id=reply.id))
                owed.add((subscription.id, reply.id))
                to_mail.add(subscription.email)
        if to_mail:
            self._schedule(to_mail)

    @staticmethod
    def _own(reply: Comment, subscription: Subscription) -> bool:
        if reply.author is not None:
            return (
                reply.author_id == subscription.user_id or reply.author.email == subscription.email
            )
        return (reply.guest_email or "").lower() == subscription.email

    def _schedule(self, emails: set[str]) -> None:
        """One reply mail waiting per address; due a batch after the last one sent."""
        # a mail already waiting will carry these notices too
        waiting, last_sent = pending(self.session, "reply_mail", emails)
        now = now_utc()
        for email in sorted(emails - waiting):
            last = last_sent.get(email)
            mail = enqueue(self.session, "reply_mail", email)
            mail.next_attempt_at = max(now, last + self.batch) if last else now

    def forget(self, comments: Iterable[Comment]) -> None:
        """Deleted comments' subscribers hear no more of their replies."""
        wanted = [c.id for c in comments]
        if not wanted:
            return
        self._drop(select(Subscription.id).where(Subscription.comment_id.in_(wanted)))

    def _drop(self, subscriptions: Select[int]) -> None:
        """Delete these subscriptions and the notices owed on them (caller's transaction)."""
        ids = list(self.session.scalars(subscriptions))
        if ids:
            self.session.execute(delete(ReplyNotice).where(ReplyNotice.subscription_id.in_(ids)))
            self.session.execute(delete(Subscription).where(Subscription.id.in_(ids)))

    # -- the links in the mails --------------------------------------------------------
    def unsubscribe_link(self, email: str, post: str | None) -> str:
        token = self._unsubscribe.sign({"e": email, "p": post})
        return self.links["unsubscribe"].format(token=token)

    def unsubscribe_target(self, token: str) -> tuple[str, str | None]:
        """The address and post (None: everything) an unsubscribe link stops."""
        data = self._unsubscribe.read(token)
        if not isinstance(data.get("e"), str):
            raise Invalid("This unsubscribe link is not valid.", code="token_invalid")
        post = data.get("p")
        return data["e"], post if isinstance(post, str) else None

    def unsubscribe(self, token: str) -> Unsubscribed:
        """Stop reply mail to the link's address: from its post, or from everything
        (and turn away later requests to confirm reply mail to it)."""
        email, post = self.unsubscribe_target(token)
        wanted = select(Subscription.id).where(Subscription.email == email)
        if post is not None:
            wanted = wanted.where(Subscription.post_slug == post)
        with transaction(self.session):
            self._drop(wanted)
            if post is None and not self.session.scalar(
                select(MailOptOut.id).where(MailOptOut.email == email)
            ):
                self.session.add(MailOptOut(email=email))
        return Unsubscribed(email, post)

    def confirm(self, token: str) -> Subscription:
        """A guest's address, confirmed for reply mail by the link sent to it."""
        subscription = self.to_confirm(token)
        with transaction(self.session):
            subscription.confirmed_at = now_utc()
        return subscription

    def to_confirm(self, token: str) -> Subscription:
        """The subscription a confirmation link is for, if it still waits for it."""
        data = self._confirm.read(token)
        subscription = self.session.get(Subscription, data.get("s"))
        if subscription is None or subscription.email != data.get("e"):
            raise Invalid("This confirmation link is not valid any more.", code="token_invalid")
        if subscription.confirmed_at is not None:
            raise AlreadyConfirmed("Reply mail is confirmed already for this comment.")
        return subscription

    # -- the mails, written by the outbox worker ---------------------------------------
    def composers(self) -> dict[str, Composer]:
        return {"reply_mail": self.compose_replies, "confirm_replies": self.compose_confirm}

    def _post(self, slug: str) -> tuple[str, str]:
        """A post's title and URL, for the mail (the slug, if it is not published now)."""
        post = self.catalog.post(slug) if self.catalog is not None else None
        if post is None or self.catalog is None:
            return slug, ""
        return post.title, self.catalog.url(post)

    def compose_replies(self, mail: OutboxMail, data: dict[str, Any]) -> Message | None:
        notices = list(
            self.session.scalars(
                select(ReplyNotice)
                .join(Subscription, ReplyNotice.subscription_id == Subscription.id)
                .where(
                    Subscription.email == mail.recipient,
                    Subscription.confirmed_at.is_not(None),
                    ReplyNotice.sent_at.is_(None),
                )
                .order_by(ReplyNotice.id)
            )
        )
        now = now_utc()
        for notice in notices:
            notice.sent_at = now  # committed with the mail's "sent", undone if it fails
        replies = [n.reply for n in notices if n.reply.status == Status.APPROVED.value]
        if not replies:
            return None
        posts: dict[str, dict[str, Any]] = {}
        for reply in replies:
            title, url = self._post(reply.post_slug)
            entry = posts.setdefault(
                reply.post_slug,
                {
                    "title": title,
                    "url": url,
                    "unsubscribe": self.unsubscribe_link(mail.recipient, reply.post_slug),
                    "replies": [],
                },
            )
            entry["replies"].append(
                {
                    "author": reply.author_name,
                    "text": reply.body_source,
                    "link": f"{url}#comment-{reply.id}" if url else "",
                }
            )
        everything = self.unsubscribe_link(mail.recipient, None)
        one_post = len(posts) == 1
        header_link = next(iter(posts.values()))["unsubscribe"] if one_post else everything
        title = next(iter(posts.values()))["title"]
        subject = (
            f"New reply to your comment on “{title}”"
            if len(replies) == 1
            else f"{len(replies)} new replies to your comments"
        )
        context = {"posts": list(posts.values()), "everything": everything, "subject": subject}
        return Message(
            mail.recipient,
            subject,
            render_template("mail/replies.txt", **context),
            html=render_template("mail/replies.html", **context),
            headers=(
                ("List-Unsubscribe", f"<{header_link}>"),
                ("List-Unsubscribe-Post", "List-Unsubscribe=One-Click"),
            ),
        )

    def compose_confirm(self, mail: OutboxMail, data: dict[str, Any]) -> Message | None:
        subscription = self.session.get(Subscription, data.get("sid"))
        if (
            subscription is None
            or subscription.email != mail.recipient
            or subscription.confirmed_at is not None
        ):
            return None
        title, _ = self._post(subscription.post_slug)
        token = self._confirm.sign({"s": subscription.id, "e": subscription.email})
        context = {
            "title": title,
            "confirm": self.links["confirm_replies"].format(token=token),
            "everything": self.unsubscribe_link(mail.recipient, None),
        }
        return Message(
            mail.recipient,
            f"Confirm reply mail for your comment on “{title}”",
            render_template("mail/confirm_replies.txt", **context),
            html=render_template("mail/confirm_replies.html", **context),
        )
