"""Signed tokens for links in mail and a guest's edit rights: one kind per salt.

A token carries a small dict and the time it was signed, under the app's
secret and a salt naming its kind, so a token of one kind is never accepted
as another. Reading one checks the signature and the age and answers the
payload, or raises the kind's own refusal: expired, or not valid (altered,
truncated, signed with another secret or salt, or not a dict).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

from sidecar.errors import DomainError, Invalid

__all__ = ["SignedLinks"]

Refusal = Callable[[], DomainError]


class SignedLinks:
    """Tokens of one kind: ``sign`` a payload, ``read`` it back within ``max_age`` seconds."""

    def __init__(
        self,
        secret: str,
        salt: str,
        max_age: int,
        *,
        kind: str = "",
        renew: str = "",
        expired: Refusal | None = None,
        invalid: Refusal | None = None,
    ) -> None:
        self._serializer = URLSafeTimedSerializer(secret, salt=salt)
        self.max_age = max_age
        self._expired = expired or (
            lambda: Invalid(f"This {kind} link has expired{renew}.", code="token_expired")
        )
        self._invalid = invalid or (
            lambda: Invalid(f"This {kind} link is not valid.", code="token_invalid")
        )

    def sign(self, payload: dict[str, Any]) -> str:
        return str(self._serializer.dumps(payload))

    def read(self, token: str) -> dict[str, Any]:
        try:
            data = self._serializer.loads(token, max_age=self.max_age)
        except SignatureExpired:
            raise self._expired() from None
        except BadSignature:
            raise self._invalid() from None
        if not isinstance(data, dict):
            raise self._invalid()
        return data
