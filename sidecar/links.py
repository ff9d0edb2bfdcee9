"""Links the sidecar hands out (in mails, feeds, pages): always on ``PUBLIC_URL``.

Never ``url_for(..., _external=True)``: that takes the host from the request
(or a forwarded header), and an attacker chooses those. These work outside a
request too (the outbox worker writes mails in the background).
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from flask import current_app

__all__ = ["public_url"]


def public_url(endpoint: str, **values: Any) -> str:
    """The absolute URL of ``endpoint`` on the configured public origin."""
    base = urlsplit(current_app.config["PUBLIC_URL"])
    adapter = current_app.url_map.bind(base.netloc, url_scheme=base.scheme)
    return adapter.build(endpoint, values, force_external=True)
