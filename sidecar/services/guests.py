"""Guests: comments without an account.

- Where ``GUESTS`` allows it (``moderated``: every guest comment waits for a
  moderator; ``open``: published as the moderation policy would an account's,
  so held only under ``all``), a reader comments with a name and, optionally,
  an email address (never shown; for reply mail) and a website (shown as a
  ``nofollow ugc`` link; http and https only).
- The name may not read as any account's username: case, accents, spacing,
  punctuation and look-alike characters from other scripts are ignored
  (``sidecar.names``), so "Admin", "ADM1N" and Cyrillic "аdmin" are all
  refused while an account named admin exists.
- Nobody can sign in as a guest, so the browser that wrote the comment gets a
  signed token (``edit_token``) instead: it edits or deletes that comment, and
  only that one, until the edit window closes. It names the comment and a
  secret stored on it, which deleting the comment clears, so no token made
  for a deleted comment works again.
"""

from __future__ import annotations

import secrets
import unicodedata
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import exists, select

from sidecar.database import DbSession
from sidecar.errors import Conflict, Forbidden, Invalid
from sidecar.models import Comment, User
from sidecar.names import name_key
from sidecar.services.signed_links import SignedLinks

__all__ = [
    "GUEST_NAME_MAX",
    "Guest",
    "GuestTokens",
    "NameTaken",
    "check_name",
    "new_secret",
]

GUEST_NAME_MAX = 60


class NameTaken(Conflict):
    code = "name_taken"


class EditTokenExpired(Forbidden):
    code = "edit_window_closed"


class EditTokenInvalid(Forbidden):
    code = "edit_token_invalid"


@dataclass(frozen=True)
class Guest:
    """What a guest tells about themselves, already validated by the schema."""

    name: str
    email: str | None = None
    website: str | None = None


def check_name(session: DbSession, name: str) -> str:
    """``name``, stripped, if a guest may use it; refused if it reads as an account's."""
    name = " ".join(name.split())
    if any(unicodedata.category(ch) in ("Cc", "Cf", "Co", "Cs") for ch in name):
        # Direction overrides and invisible characters: a name that reads otherwise.
        raise Invalid(
            "A name may not contain invisible or control characters.",
            fields={"guest.name": "invisible or control characters"},
        )
    key = name_key(name)
    if not key:
        raise Invalid(
            "A name needs at least one letter or digit.",
            fields={"guest.name": "needs a letter or a digit"},
        )
    taken = session.scalar(select(exists().where(User.name_key == key)))
    if taken:
        raise NameTaken(
            f"{name!r} is, or looks like, the name of an account here. Choose another "
            "name, or sign in if it is yours.",
            fields={"guest.name": "looks like a registered username"},
        )
    return name


def new_secret() -> str:
    return secrets.token_hex(16)


class GuestTokens:
    """The signed tokens that let a guest's browser change its own comments."""

    def __init__(self, secret: str, window: timedelta) -> None:
        minutes = int(window.total_seconds() // 60)
        self._tokens = SignedLinks(
            secret,
            "frostpress.guest-edit",
            int(window.total_seconds()),
            expired=lambda: EditTokenExpired(
                f"Comments can be changed for {minutes} minutes after posting."
            ),
            invalid=lambda: EditTokenInvalid("This edit token is not valid."),
        )

    def issue(self, comment: Comment) -> str:
        assert comment.guest_secret is not None, "only a guest's comment has an edit token"
        return self._tokens.sign({"c": comment.id, "s": comment.guest_secret})

    def check(self, token: str, comment: Comment) -> None:
        """Refuse unless ``token`` was made for ``comment`` and is still in its window."""
        data = self._tokens.read(token)
        if (
            data.get("c") != comment.id
            or comment.guest_secret is None
            or not secrets.compare_digest(str(data.get("s", "")), comment.guest_secret)
        ):
            raise EditTokenInvalid("This edit token is not for this comment.")
