"""Personal API tokens: created once, stored as a hash, revocable."""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from sqlalchemy import select, update

from sidecar.database import DbSession, now_utc
from sidecar.errors import NotFound
from sidecar.models import ApiToken, User
from sidecar.services.unit import transaction

__all__ = ["active_tokens", "authenticate_bearer", "create_token", "revoke_all", "revoke_token"]

PREFIX = "fp_"
_TOUCH_EVERY = timedelta(minutes=1)


def _hash(plaintext: str) -> str:
    return hashlib.sha256(plaintext.encode()).hexdigest()


def create_token(session: DbSession, user: User, name: str) -> tuple[ApiToken, str]:
    """The new token and its plaintext, which is never stored and shown once."""
    plaintext = PREFIX + secrets.token_urlsafe(32)
    with transaction(session):
        token = ApiToken(user_id=user.id, name=name.strip(), token_hash=_hash(plaintext))
        session.add(token)
    return token, plaintext


def revoke_token(session: DbSession, user: User, token_id: int) -> None:
    token = session.get(ApiToken, token_id)
    if token is None or token.user_id != user.id or token.revoked_at is not None:
        raise NotFound("No such token.", code="token_not_found")
    with transaction(session):
        token.revoked_at = now_utc()


def active_tokens(session: DbSession, user: User) -> list[ApiToken]:
    return list(
        session.scalars(
            select(ApiToken)
            .where(ApiToken.user_id == user.id, ApiToken.revoked_at.is_(None))
            .order_by(ApiToken.created_at, ApiToken.id)
        )
    )


def revoke_all(session: DbSession, user: User) -> None:
    """Revoke every token of ``user``, in the caller's transaction (a password reset
    or change, signing out everywhere: whoever had a token loses it too)."""
    session.execute(
        update(ApiToken)
        .where(ApiToken.user_id == user.id, ApiToken.revoked_at.is_(None))
        .values(revoked_at=now_utc())
        .execution_options(synchronize_session=False)
    )


def authenticate_bearer(session: DbSession, plaintext: str) -> User | None:
    if not plaintext.startswith(PREFIX):
        return None
    token = session.scalar(select(ApiToken).where(ApiToken.token_hash == _hash(plaintext)))
    if token is None or not token.is_active or not token.user.is_active:
        return None
    now = now_utc()
    if token.last_used_at is None or now - token.last_used_at > _TOUCH_EVERY:
        with transaction(session):
            token.last_used_at = now
    return token.user
