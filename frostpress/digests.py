"""The build's two kinds of hash, each defined once.

- :func:`content_hash` names bytes by what they are (static assets' file
  names carry it), so it is the plain SHA-256 any tool would compute.
- :func:`fingerprint` keys the build's own records (caches, dependency
  digests): several parts, each ended by NUL so ``("ab", "c")`` and
  ``("a", "bc")`` differ, shortened where a short key is enough.
"""

from __future__ import annotations

import hashlib

__all__ = ["content_hash", "fingerprint"]


def content_hash(data: bytes) -> str:
    """The SHA-256 of ``data``, in hex."""
    return hashlib.sha256(data).hexdigest()


def fingerprint(*parts: str | bytes, length: int = 64) -> str:
    """A key that changes whenever any part does (hex, ``length`` digits)."""
    digest = hashlib.sha256()
    for part in parts:
        digest.update(part.encode() if isinstance(part, str) else part)
        digest.update(b"\x00")
    return digest.hexdigest()[:length]
