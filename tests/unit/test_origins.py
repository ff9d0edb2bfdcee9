"""Who may open the live channel: the site's origins and the sidecar's own pages."""

from __future__ import annotations

import pytest

from sidecar.realtime.origins import origin_allowed

SITE = ["https://blog.example"]


@pytest.mark.parametrize(
    ("origin", "environ", "proxies", "allowed"),
    [
        ("https://blog.example", {"HTTP_HOST": "sidecar.example"}, 0, True),
        ("https://blog.example/", {"HTTP_HOST": "sidecar.example"}, 0, True),
        ("https://sidecar.example", {"HTTP_HOST": "sidecar.example"}, 0, True),  # dashboard
        ("https://evil.example", {"HTTP_HOST": "sidecar.example"}, 0, False),
        ("https://blog.example.evil", {"HTTP_HOST": "sidecar.example"}, 0, False),
        (None, {"HTTP_HOST": "sidecar.example"}, 0, False),
        ("", {"HTTP_HOST": "sidecar.example"}, 0, False),
        ("null", {"HTTP_HOST": "sidecar.example"}, 0, False),
        # Behind one trusted proxy, the public host is the forwarded one...
        (
            "https://sidecar.example",
            {"HTTP_HOST": "10.0.0.5:8001", "HTTP_X_FORWARDED_HOST": "sidecar.example"},
            1,
            True,
        ),
        # ...but an untrusted X-Forwarded-Host changes nothing.
        (
            "https://evil.example",
            {"HTTP_HOST": "sidecar.example", "HTTP_X_FORWARDED_HOST": "evil.example"},
            0,
            False,
        ),
    ],
)
def test_origin_rule(
    origin: str | None, environ: dict[str, str], proxies: int, allowed: bool
) -> None:
    assert origin_allowed(origin, environ, SITE, proxies) is allowed
