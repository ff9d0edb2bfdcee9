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


@pytest.mark.parametrize(
    ("origin", "host", "allowed"),
    [
        ("https://sidecar.example", "sidecar.example", True),
        ("https://blog.example", "sidecar.example", True),
        # DNS rebinding: a page on the attacker's name, resolved to the sidecar,
        # sends its own name as both Host and Origin.
        ("http://rebind.evil:8001", "rebind.evil:8001", False),
    ],
)
def test_the_sidecars_own_pages_count_only_on_trusted_hosts(
    origin: str, host: str, allowed: bool
) -> None:
    environ = {"HTTP_HOST": host}
    assert origin_allowed(origin, environ, SITE, 0, ["sidecar.example"]) is allowed
