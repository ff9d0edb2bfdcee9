"""Comments: who may write what, where, and who sees it.

- A comment needs a signed-in, confirmed, unbanned author (or, where
  ``GUESTS`` allows it, a guest: ``sidecar.services.guests``) and a post the
  engine publishes now; a reply's parent must be on the same post, and a
  reply deeper than ``max_depth`` attaches to the deepest allowed ancestor.
- The body is 1–8,000 characters, also once its tabs are expanded, rendered
  once at write time and stored sanitised beside its source
  (``sidecar.services.comment_rules``).
- Moderation: ``none`` approves at once, ``first`` holds a user's comments
  until one of them is approved, ``all`` holds every one; moderators are never
  held; guests' comments wait for a moderator unless ``GUESTS`` is ``open``
  (then only under ``all``). Authors may reply to their own held comments
  (nobody else sees them); such a reply waits with its parent, and is
  approved with it. A held comment queues the moderators' mail.
- Authors edit within the edit window (a guest with the comment's edit
  token), moderators any time; an author's edit of a public comment goes
  through the moderation policy again (held under ``all``: it leaves public
  view, keeping its place, until approved); deleting keeps a tombstone so
  replies stay readable.
- ``notify`` subscribes the author to reply mail, and a reply public at once
  is owed to its parent's subscribers (``sidecar.services.notifications``),
  in the comment's own transaction.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import exists, func, select
from sqlalchemy.exc import IntegrityError

from sidecar.database import DbSession, now_utc
from sidecar.errors import Conflict, DomainError, Forbidden, Invalid, NotFound, Unauthorized
from sidecar.models import Comment, Status, User
from sidecar.services import threads
from sidecar.services.catalog import PostCatalog
from sidecar.services.comment_rules import (
    CommentRules,
    announce,
    may_reply_to,
    validate_body,
)
from sidecar.services.events import ADMIN_ROOM, Publisher, RecordingPublisher, post_room
from sidecar.services.guests import Guest, GuestTokens, check_name, new_secret
from sidecar.services.moderator_mail import ModeratorMail
from sidecar.services.notifications import Notifications
from sidecar.services.paging import Page
from sidecar.services.payloads import comment_payload
from sidecar.services.rendering import render_comment
from sidecar.services.spam import Screening, Signals, body_hash
from sidecar.services.unit import transaction

__all__ = ["CommentNotFound", "Comments", "EditWindowClosed", "PostNotFound"]


class PostNotFound(NotFound):
    code = "post_not_found"


class CommentNotFound(NotFound):
    code = "comment_not_found"


class EditWindowClosed(Forbidden):
    code = "edit_window_closed"


class Comments:
    def __init__(
        self,
        session: DbSession,
        catalog: PostCatalog,
        rules: CommentRules,
        events: Publisher | None = None,
        guest_tokens: GuestTokens | None = None,
        notifications: Notifications | None = None,
        moderator_mail: ModeratorMail | None = None,
        screening: Screening | None = None,
    ) -> None:
        self.session = session
        self.catalog = catalog
        self.rules = rules
        self.events: Publisher = events if events is not None else RecordingPublisher()
        self.guest_tokens = guest_tokens or GuestTokens(new_secret(), rules.edit_window)
        self.notifications = notifications  # reply mail; None: none is sent
        self.moderator_mail = moderator_mail  # moderators' mail of held comments
        self.screening = screening or Screening()  # no checks: nothing held for spam

    def _announce(self, event: str, comment: Comment) -> None:
        announce(self.events, event, comment)

    def _post_or_404(self, slug: str) -> None:
        if self.catalog.post(slug) is None:
            raise PostNotFound(f"There is no published post {slug!r}.")

    def _comment_or_404(self, comment_id: int) -> Comment:
        comment = self.session.get(Comment, comment_id)
        if comment is None or (comment.status not in (Status.APPROVED, Status.PENDING)):
            raise CommentNotFound("No such comment.")
        return comment

    # -- reading ------------------------------------------------------------------------
    def thread(
        self,
        slug: str,
        viewer: User | None,
        page: int = 1,
        per_page: int = threads.DEFAULT_PER_PAGE,
        order: str = "oldest",
    ) -> Page[Comment]:
        """One page of the thread, by top-level comments, each with all its replies:
        approved comments, the viewer's own pending ones, and tombstones of deleted
        comments with something visible below them (so replies keep their place).
        ``total`` counts top-level comments."""
        self._post_or_404(slug)
        if order not in threads.ORDERS:
            raise Invalid("Unknown order.", fields={"order": " or ".join(threads.ORDERS)})
        if not 1 <= per_page <= threads.MAX_PER_PAGE or page < 1:
            raise Invalid(
                "No such page.",
                fields={"per_page": f"1 to {threads.MAX_PER_PAGE}", "page": "1 or more"},
            )
        return threads.trees(self.session, slug, viewer, page, per_page, order)

    def page_of(
        self, comment: Comment, viewer: User | None, per_page: int = threads.DEFAULT_PER_PAGE
    ) -> int:
        """The page of the thread (oldest first) that shows ``comment``."""
        root = threads.root_of(self.session, comment)
        return threads.page_of_root(self.session, root, viewer, per_page)

    def counts(self, slugs: Iterable[str]) -> dict[str, int]:
        wanted = list(dict.fromkeys(slugs))
        rows = self.session.execute(
            select(Comment.post_slug, func.count())
            .where(Comment.post_slug.in_(wanted), Comment.status == Status.APPROVED.value)
            .group_by(Comment.post_slug)
        )
        found = {slug: count for slug, count in rows}
        return {slug: int(found.get(slug, 0)) for slug in wanted}

    # -- writing ------------------------------------------------------------------------
    def _check_author(self, author: User) -> None:
        if not author.is_active:
            raise Forbidden("This account is banned.", code="banned")
        if not author.is_confirmed:
            raise Forbidden(
                "Confirm your email address before commenting.", code="email_unconfirmed"
            )

    def _status_for(self, author: User | None) -> str:
        if author is None:  # a guest
            held = self.rules.guests != "open" or self.rules.moderation == "all"
            return Status.PENDING.value if held else Status.APPROVED.value
        if author.is_moderator or self.rules.moderation == "none":
            return Status.APPROVED.value
        if self.rules.moderation == "all":
            return Status.PENDING.value
        approved_before = self.session.scalar(
            select(
                exists().where(
                    Comment.author_id == author.id, Comment.status == Status.APPROVED.value
                )
            )
        )
        return Status.APPROVED.value if approved_before else Status.PENDING.value

    def _parent(self, author: User | None, slug: str, parent_id: int | None) -> Comment | None:
        if parent_id is None:
            return None
        parent = self.session.get(Comment, parent_id)
        if parent is None or parent.post_slug != slug or not may_reply_to(parent, author):
            raise Invalid(
                "The comment you reply to is not on this post.",
                fields={"parent_id": "no such comment on this post"},
            )
        while parent.depth >= self.rules.max_depth - 1 and parent.parent_id is not None:
            parent = self.session.get(Comment, parent.parent_id)  # deepest allowed ancestor
            assert parent is not None
        return parent

    def _replayed(
        self, author: User | None, guest: Guest | None, key: str | None, slug: str, body: str
    ) -> Comment | None:
        """The comment an earlier request with this key created, if any.

        A guest's key counts only with the same name and address: a replay is
        answered with a new edit token, so it must not hand one out for someone
        else's comment to whoever learns its key and body.
        """
        if key is None:
            return None
        by = Comment.author_id.is_(None) if author is None else Comment.author_id == author.id
        earlier = self.session.scalar(select(Comment).where(by, Comment.idempotency_key == key))
        if earlier is None:
            return None
        someone_else = author is None and (
            guest is None or (earlier.guest_name, earlier.guest_email) != (guest.name, guest.email)
        )
        if someone_else or earlier.post_slug != slug or earlier.body_source != body:
            raise Conflict(
                "This idempotency key was used for a different comment; send a new key.",
                code="idempotency_key_reused",
            )
        return earlier

    def _check_guest(self, guest: Guest | None) -> Guest:
        if guest is None or self.rules.guests == "off":
            raise Unauthorized("Sign in to comment.")
        return Guest(check_name(self.session, guest.name), guest.email, guest.website)

    def create(
        self,
        author: User | None,
        slug: str,
        body: str,
        parent_id: int | None = None,
        *,
        guest: Guest | None = None,
        idempotency_key: str | None = None,
        notify: bool = False,
        signals: Signals | None = None,
    ) -> Comment:
        """A new comment by ``author``, or by ``guest`` when nobody is signed in;
        with ``idempotency_key``, sending it again (the answer was lost) returns
        the first comment instead of making a second. ``notify``: mail the
        author replies to it (a guest's address is asked to confirm first).
        ``signals``: what the request tells the spam checks."""
        self._post_or_404(slug)
        if author is not None:
            self._check_author(author)
            guest = None
        else:
            guest = self._check_guest(guest)
            if notify and not guest.email:
                raise Invalid(
                    "Give an email address to hear of replies.",
                    fields={"guest.email": "needed for reply mail"},
                )
        body = validate_body(body)
        if (earlier := self._replayed(author, guest, idempotency_key, slug, body)) is not None:
            return earlier
        parent = self._parent(author, slug, parent_id)
        # A reply to a comment still held waits with it (nobody else can see it).
        held_parent = parent is not None and parent.status == Status.PENDING.value
        status = Status.PENDING.value if held_parent else self._status_for(author)
        body_html = render_comment(body)
        reasons = self.screening.new(author, guest, slug, body, body_html, signals)
        if reasons:
            status = (Status.SPAM if "honeypot" in reasons else Status.PENDING).value
        try:
            with transaction(self.session):
                comment = Comment(
                    post_slug=slug,
                    author_id=author.id if author else None,
                    author=author,
                    guest_name=guest.name if guest else None,
                    guest_email=guest.email if guest else None,
                    guest_website=guest.website if guest else None,
                    guest_secret=new_secret() if guest else None,
                    parent_id=parent.id if parent else None,
                    depth=parent.depth + 1 if parent else 0,
                    body_source=body,
                    body_html=body_html,
                    body_hash=body_hash(body),
                    spam_reasons=",".join(reasons) or None,
                    status=status,
                    idempotency_key=idempotency_key,
                )
                self.session.add(comment)
                self.session.flush()
                self._mail_for(comment, author, guest, notify)
        except IntegrityError:
            # The same key, sent twice at once: the other request stored it.
            earlier = self._replayed(author, guest, idempotency_key, slug, body)
            if earlier is None:
                raise
            return earlier
        if comment.status != Status.SPAM.value:  # a bot's is for nobody's eyes
            self._announce("comment:new", comment)
        return comment

    def _mail_for(
        self, comment: Comment, author: User | None, guest: Guest | None, notify: bool
    ) -> None:
        """In the comment's transaction: its author's subscription, the notices its
        parent's subscribers are owed if it is public at once, the moderators' mail
        if it is held."""
        if self.moderator_mail is not None and comment.status == Status.PENDING.value:
            self.moderator_mail.held()
        if self.notifications is None:
            return
        if notify and not comment.spam_reasons:  # spam asks nobody's address to confirm
            email = author.email if author is not None else (guest.email if guest else None)
            if email:
                self.notifications.subscribe(comment, email, author)
        self.notifications.replies_approved([comment])

    def edit_refusal(self, user: User, comment: Comment) -> DomainError | None:
        """Why ``user`` may not edit ``comment`` now, or None if they may."""
        if comment.is_deleted:
            return CommentNotFound("No such comment.")
        if user.is_moderator:
            return None
        if comment.author_id != user.id:
            return Forbidden("Only the author or a moderator can edit this comment.")
        if not user.is_active:
            return Forbidden("This account is banned.", code="banned")
        if now_utc() - comment.created_at > self.rules.edit_window:
            minutes = int(self.rules.edit_window.total_seconds() // 60)
            return EditWindowClosed(f"Comments can be edited for {minutes} minutes after posting.")
        return None

    def delete_refusal(self, user: User, comment: Comment) -> DomainError | None:
        if comment.is_deleted:
            return CommentNotFound("No such comment.")
        if user.is_moderator or comment.author_id == user.id:
            return None
        return Forbidden("Only the author or a moderator can delete this comment.")

    def get(self, comment_id: int, slug: str | None = None) -> Comment:
        """One live comment; with ``slug``, only if it is on that post."""
        comment = self._comment_or_404(comment_id)
        if slug is not None and comment.post_slug != slug:
            raise CommentNotFound("No such comment on this post.")
        return comment

    def edit(self, user: User, comment_id: int, body: str, *, slug: str | None = None) -> Comment:
        comment = self.get(comment_id, slug)
        if (refusal := self.edit_refusal(user, comment)) is not None:
            raise refusal
        body = validate_body(body)
        return self._rewrite(
            comment, body, held=self._edit_needs_review(user, comment), screened=user
        )

    def guest_edit(
        self, token: str, comment_id: int, body: str, *, slug: str | None = None
    ) -> Comment:
        """A guest's edit, with the token their comment came with; reviewed again as
        a new guest comment would be."""
        comment = self._guest_comment(token, comment_id, slug)
        body = validate_body(body)
        held = (
            comment.status == Status.APPROVED.value
            and self._status_for(None) == Status.PENDING.value
        )
        return self._rewrite(comment, body, held=held, screened=None)

    def _guest_comment(self, token: str, comment_id: int, slug: str | None) -> Comment:
        comment = self.get(comment_id, slug)
        if not comment.is_guest:
            raise Forbidden("Only the author or a moderator can change this comment.")
        self.guest_tokens.check(token, comment)
        return comment

    def _rewrite(
        self, comment: Comment, body: str, *, held: bool, screened: User | None
    ) -> Comment:
        """Store an edit by ``screened`` (None: the guest), which the spam checks see
        as they see a new comment (its form's timing aside): what they find holds it."""
        body_html = render_comment(body)
        reasons = self.screening.edit(screened, comment, body, body_html)
        held = held or (bool(reasons) and comment.status == Status.APPROVED.value)
        with transaction(self.session):
            comment.body_source = body
            comment.body_html = body_html
            comment.body_hash = body_hash(body)
            if reasons:
                comment.spam_reasons = ",".join(reasons)
            comment.edited_at = now_utc()
            if held:
                comment.status = Status.PENDING.value
                if self.moderator_mail is not None:
                    self.moderator_mail.held()
        if held:
            # Readers keep its place (its replies hang there), not its words; the
            # moderators get it in their queue, as they would a new comment.
            placeholder = comment_payload(comment, placeholder=True)
            self.events.publish(post_room(comment.post_slug), "comment:updated", placeholder)
            self.events.publish(ADMIN_ROOM, "moderation:new", comment_payload(comment))
        else:
            self._announce("comment:updated", comment)
        return comment

    def _edit_needs_review(self, user: User, comment: Comment) -> bool:
        """An author's edit of a public comment goes through the policy a new comment
        would: held under ``all``, and under ``first`` while the author is untrusted
        (never, in fact, for an approved comment: its approval made them trusted)."""
        if comment.status != Status.APPROVED.value or user.id != comment.author_id:
            return False
        return self._status_for(user) == Status.PENDING.value

    def delete(self, user: User, comment_id: int, *, slug: str | None = None) -> Comment:
        comment = self.get(comment_id, slug)
        if (refusal := self.delete_refusal(user, comment)) is not None:
            raise refusal
        return self._remove(comment)

    def guest_delete(self, token: str, comment_id: int, *, slug: str | None = None) -> Comment:
        return self._remove(self._guest_comment(token, comment_id, slug))

    def _remove(self, comment: Comment) -> Comment:
        was_public = comment.status == Status.APPROVED.value
        with transaction(self.session):
            comment.tombstone()
            if self.notifications is not None:
                self.notifications.forget([comment])
        if was_public:
            self._announce("comment:deleted", comment)
        return comment

    @staticmethod
    def preview(body: str) -> str:
        return render_comment(validate_body(body))
