"""Which pages may open the live channel: the site's origins, and the sidecar's own.

Browsers always send ``Origin`` on a websocket or cross-origin request and
pages cannot forge it, so this is the gate against other sites' pages
(cross-site websocket hijacking). The sidecar's own pages (the dashboard) are
same-origin: their ``Origin`` names the host the request was sent to.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any
from urllib.parse import urlsplit

from werkzeug.sansio.utils import host_is_trusted

__all__ = ["origin_allowed"]


def _own_host(environ: Mapping[str, Any], trusted_proxies: int) -> str:
    forwarded = [h.strip() for h in str(environ.get("HTTP_X_FORWARDED_HOST", "")).split(",") if h]
    if trusted_proxies and len(forwarded) >= trusted_proxies:
        return forwarded[-trusted_proxies]
    return str(environ.get("HTTP_HOST", ""))


def origin_allowed(
    origin: str | None,
    environ: Mapping[str, Any],
    site_origins: Sequence[str],
    trusted_proxies: int = 0,
    trusted_hosts: Sequence[str] | None = None,
) -> bool:
    """``trusted_hosts``: the sidecar's own pages count only on those hosts, so a
    page on a rebound DNS name (Host and Origin both the attacker's) is refused."""
    if not origin:
        return False
    origin = origin.rstrip("/")
    if origin in site_origins:
        return True
    netloc = urlsplit(origin).netloc
    if not netloc or netloc != _own_host(environ, trusted_proxies):
        return False
    return trusted_hosts is None or host_is_trusted(netloc, trusted_hosts)
