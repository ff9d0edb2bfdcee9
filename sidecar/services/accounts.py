"""Accounts: register, confirm, log in and out, reset passwords, roles and bans.

Privacy rules: registration and password reset answer the same way, after the
same work, whether or not an email is known: each queues one mail in its
transaction (``services.outbox``), and what the mail says, or whether there
is one at all, is decided later by the worker that writes it. Registering
signs the newcomer in at once, so it always makes an account: with an address
a confirmed account already has, a second, unconfirmed one, whose confirmation
mail tells the owner instead of carrying a link, and which can never be
confirmed (an address is unique among confirmed accounts). A failed login
takes as long for an unknown account as for a wrong password.
Email tokens are signed and expire; a reset token names the session version,
which the reset bumps, so it works once.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from sidecar.database import DbSession, now_utc
from sidecar.errors import Conflict, Forbidden, Invalid, Unauthorized
from sidecar.models import MailState, OutboxMail, Role, User
from sidecar.services.events import Publisher, RecordingPublisher
from sidecar.services.mail import Message
from sidecar.services.outbox import Composer, enqueue
from sidecar.services.signed_links import SignedLinks
from sidecar.services.throttle import Throttle
from sidecar.services.tokens import revoke_all
from sidecar.services.unit import transaction

__all__ = ["Accounts", "Confirmed", "InvalidCredentials", "Registration", "prepare_dummy_hash"]

CONFIRM_MAX_AGE = 3 * 24 * 3600
RESET_MAX_AGE = 3600
TOLD_LATELY = timedelta(days=1)  # one "someone tried to sign up" mail per address


class InvalidCredentials(Unauthorized):
    code = "invalid_credentials"


class AccountBanned(Forbidden):
    code = "banned"


@dataclass(frozen=True)
class Registration:
    """What a registration answers: never whether the email was already known.
    ``user`` is the new account, signed in at once (unconfirmed)."""

    email: str
    username: str
    user: User


@dataclass(frozen=True)
class Confirmed:
    """A confirmed account, and the post its owner was reading when they asked
    (a slug the link carries signed; the page links back to it if it exists)."""

    user: User
    post: str | None = None


class AlreadyConfirmed(Conflict):
    code = "already_confirmed"


class AddressTaken(Conflict):
    code = "email_taken"


def _owners_first() -> tuple[Any, ...]:
    """Accounts sharing an address: the confirmed one, then the newest."""
    return (User.email_confirmed_at.is_(None), User.id.desc())


_DUMMY_HASHES: dict[tuple[int, int, int], str] = {}


def prepare_dummy_hash(hasher: PasswordHasher) -> None:
    """Make the dummy hash when the app starts: made on the first failed login for
    an unknown name, it made that one answer measurably slower than the rest."""
    _dummy_hash(hasher)


def _dummy_hash(hasher: PasswordHasher) -> str:
    """A hash to verify against when there is no account, so a failed login for an
    unknown name takes as long as for a known one. Made once per set of parameters."""
    key = (hasher.time_cost, hasher.memory_cost, hasher.parallelism)
    if key not in _DUMMY_HASHES:
        _DUMMY_HASHES[key] = hasher.hash("not a real password")
    return _DUMMY_HASHES[key]


class Accounts:
    """The account use cases, with their collaborators given explicitly."""

    def __init__(
        self,
        session: DbSession,
        hasher: PasswordHasher,
        secret: str,
        links: dict[str, str],
        login_throttle: Throttle | None = None,
        events: Publisher | None = None,
    ) -> None:
        self.session = session
        self.events: Publisher = events if events is not None else RecordingPublisher()
        self.hasher = hasher
        self.links = links  # "confirm" / "reset": URL templates with {token}
        # Sign-in attempts per account, whether its username or its email was typed.
        self.login_throttle = login_throttle
        self._confirm = SignedLinks(
            secret,
            "frostpress.confirm-email",
            CONFIRM_MAX_AGE,
            kind="confirmation",
            renew="; ask for a new one",
        )
        self._reset = SignedLinks(
            secret,
            "frostpress.reset-password",
            RESET_MAX_AGE,
            kind="reset",
            renew="; ask for a new one",
        )

    # -- lookups ----------------------------------------------------------------------
    def by_login(self, login: str) -> User | None:
        login = login.strip()
        column = User.email if "@" in login else func.lower(User.username)
        query = select(User).where(column == login.lower()).order_by(*_owners_first()).limit(1)
        found: User | None = self.session.scalar(query)
        return found

    def _owner_of(self, email: str, other_than: int | None = None) -> User | None:
        """The confirmed account with ``email``, if any (not ``other_than``)."""
        query = select(User).where(User.email == email, User.email_confirmed_at.is_not(None))
        if other_than is not None:
            query = query.where(User.id != other_than)
        found: User | None = self.session.scalar(query.limit(1))
        return found

    # -- use cases ----------------------------------------------------------------------
    def register(
        self, email: str, username: str, password: str, post: str | None = None
    ) -> Registration:
        email = email.strip().lower()
        username = username.strip()
        taken = self.session.scalar(
            select(User).where(func.lower(User.username) == username.lower())
        )
        if taken is not None:
            raise Conflict(
                "That username is taken; choose another.",
                fields={"username": "already taken"},
                code="username_taken",
            )
        password_hash = self.hasher.hash(password)
        try:
            with transaction(self.session):
                # The same account and the same mail whether or not the address is
                # known: its composer finds out, when it writes the mail.
                user = User(email=email, username=username, password_hash=password_hash)
                self.session.add(user)
                self.session.flush()
                enqueue(self.session, "confirm_email", email, uid=user.id, post=post)
        except IntegrityError:
            # Another registration won a race for the same name.
            raise Conflict(
                "That username was just taken; choose another.",
                fields={"username": "already taken"},
                code="registration_conflict",
            ) from None
        return Registration(email, username, user)

    # -- the mails, written by the outbox worker when it sends them -------------------
    def composers(self) -> dict[str, Composer]:
        return {
            "confirm_email": self._confirm_mail,
            "signup_exists": self._signup_exists_mail,
            "password_reset": self._reset_mail,
        }

    def _confirm_mail(self, mail: OutboxMail, data: dict[str, Any]) -> Message | None:
        user = self.session.get(User, data.get("uid"))
        if user is None or user.email != mail.recipient or user.is_confirmed:
            return None
        if self._owner_of(user.email) is not None:
            # Someone registered with an address that has an account: tell its owner,
            # once a day at most, however many accounts or resends ask.
            if self._told_lately(mail):
                return None
            return self._signup_exists_mail(mail, data)
        token = self._confirm.sign({"uid": user.id, "email": user.email, "post": data.get("post")})
        return Message(
            user.email,
            "Confirm your email address",
            "Confirm your address to start commenting.\n\n"
            f"Confirm: {self.links['confirm'].format(token=token)}\n\n"
            "The link works for three days.",
        )

    def _told_lately(self, mail: OutboxMail) -> bool:
        """Whether this address was sent an account mail in the last day."""
        since = now_utc() - TOLD_LATELY
        earlier = self.session.scalar(
            select(OutboxMail.id)
            .where(
                OutboxMail.recipient == mail.recipient,
                OutboxMail.kind.in_(("confirm_email", "signup_exists")),
                OutboxMail.state == MailState.SENT.value,
                OutboxMail.sent_at > since,
                OutboxMail.id != mail.id,
            )
            .limit(1)
        )
        return earlier is not None

    def _signup_exists_mail(self, mail: OutboxMail, data: dict[str, Any]) -> Message | None:
        return Message(
            mail.recipient,
            "Someone tried to sign up with your address",
            "An account already exists for this address. If it was "
            "you, log in, or reset your password:\n" + self.links["reset_request"],
        )

    def _reset_mail(self, mail: OutboxMail, data: dict[str, Any]) -> Message | None:
        user = self.session.scalar(
            select(User).where(User.email == mail.recipient).order_by(*_owners_first()).limit(1)
        )
        if user is None:
            return None  # nobody to tell: the request answered as if there were
        token = self._reset.sign({"uid": user.id, "v": user.session_version})
        return Message(
            user.email,
            "Reset your password",
            "Choose a new password within an hour:\n" + self.links["reset"].format(token=token),
        )

    def resend_confirmation(self, user: User, post: str | None = None) -> None:
        """Queue the confirmation mail again (the first may be lost, or expired)."""
        if user.is_confirmed:
            raise AlreadyConfirmed("This email address is confirmed already.")
        with transaction(self.session):
            enqueue(self.session, "confirm_email", user.email, uid=user.id, post=post)

    def confirm_email(self, token: str) -> Confirmed:
        data = self._confirm.read(token)
        user = self.session.get(User, data.get("uid"))
        if user is None or user.email != data.get("email"):
            raise Invalid("This confirmation link is not valid.", code="token_invalid")
        if user.email_confirmed_at is None:
            taken = AddressTaken(
                "Another account has confirmed this address since; sign in to that one, "
                "or reset its password."
            )
            if self._owner_of(user.email, other_than=user.id) is not None:
                raise taken
            try:
                with transaction(self.session):
                    user.email_confirmed_at = now_utc()
            except IntegrityError:  # confirmed by the other account just now
                raise taken from None
        post = data.get("post")
        return Confirmed(user, post if isinstance(post, str) else None)

    def authenticate(self, login: str, password: str) -> User:
        user = self.by_login(login)
        if self.login_throttle is not None:
            # Unknown names get a budget of their own, spent the same way.
            key = f"user:{user.id}" if user else f"name:{login.strip().lower()[:254]}"
            self.login_throttle.spend(
                key, "Too many sign-in attempts for this account; wait a little and try again."
            )
        try:
            self.hasher.verify(user.password_hash if user else _dummy_hash(self.hasher), password)
        except (VerificationError, InvalidHashError):
            user = None
        else:
            if user is None:
                raise AssertionError("the dummy hash must never verify")
        if user is None:
            raise InvalidCredentials("Wrong login or password.")
        if user.banned_at is not None:
            raise AccountBanned("This account is banned.")
        with transaction(self.session):
            user.last_login_at = now_utc()
            if self.hasher.check_needs_rehash(user.password_hash):
                user.password_hash = self.hasher.hash(password)
        return user

    def end_sessions(self, user: User) -> None:
        """Sign out everywhere: every cookie issued so far and every API token stop
        working."""
        with transaction(self.session):
            user.session_version += 1
            revoke_all(self.session, user)
        self.events.end_live_access(user.id)

    def change_password(self, user: User, current: str, new: str) -> None:
        """Every session and API token of the account ends, this one's too."""
        try:
            self.hasher.verify(user.password_hash, current)
        except (VerificationError, InvalidHashError):
            raise InvalidCredentials("The current password is wrong.") from None
        with transaction(self.session):
            user.password_hash = self.hasher.hash(new)
            user.session_version += 1
            revoke_all(self.session, user)
        self.events.end_live_access(user.id)

    def request_password_reset(self, email: str) -> None:
        """Queue a reset mail: whether the address has an account is decided when the
        mail is written, so the request does the same work and answers the same."""
        with transaction(self.session):
            enqueue(self.session, "password_reset", email.strip().lower())

    def reset_password(self, token: str, new: str) -> User:
        data = self._reset.read(token)
        user = self.session.get(User, data.get("uid"))
        if user is None or user.session_version != data.get("v"):
            raise Invalid("This reset link has already been used.", code="token_used")
        with transaction(self.session):
            user.password_hash = self.hasher.hash(new)
            user.session_version += 1
            revoke_all(self.session, user)
            if user.email_confirmed_at is None and self._owner_of(user.email) is None:
                user.email_confirmed_at = now_utc()  # they proved they read the mail
        self.events.end_live_access(user.id)
        return user

    def create_admin(self, email: str, username: str, password: str) -> User:
        email = email.strip().lower()
        clash = self.session.scalar(
            select(User).where(
                (User.email == email) | (func.lower(User.username) == username.lower())
            )
        )
        if clash is not None:
            raise Conflict("An account with that email or username already exists.")
        with transaction(self.session):
            user = User(
                email=email,
                username=username.strip(),
                role=Role.ADMIN.value,
                password_hash=self.hasher.hash(password),
                email_confirmed_at=now_utc(),
            )
            self.session.add(user)
        return user
