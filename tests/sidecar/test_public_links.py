"""Links in mails come from PUBLIC_URL, and only trusted hosts are answered at all.

Before PUBLIC_URL, a reset requested with ``Host: evil.example`` mailed the
victim a link to evil.example carrying a valid reset token.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from flask import Flask

from sidecar import create_app
from sidecar.config import ConfigurationError, settings_from_env
from sidecar.models import User
from tests.sidecar.browser import Browser
from tests.sidecar.conftest import error_of

PUBLIC = "https://blog.example"


@pytest.fixture
def sidecar_config() -> dict[str, Any]:
    return {"PUBLIC_URL": PUBLIC, "TRUSTED_HOSTS": ["localhost", "blog.example"]}


def test_mailed_links_use_the_public_url_whatever_the_host(
    browser: Browser, ada: User, mail: Any
) -> None:
    response = browser.submit("/auth/reset", email=ada.email)
    assert response.status_code == 200
    bodies = [m.body for m in mail.sent]
    assert any(f"{PUBLIC}/auth/reset/" in body for body in bodies), bodies
    assert not any("http://localhost" in body for body in bodies)


@pytest.mark.parametrize("host", ["evil.example", "blog.example.evil", "localhost.evil"])
def test_an_untrusted_host_is_refused_before_anything_is_mailed(
    app: Flask, ada: User, mail: Any, host: str
) -> None:
    client = app.test_client()
    response = client.post("/auth/reset", data={"email": ada.email}, base_url=f"http://{host}")
    assert response.status_code == 400
    assert "<h1>400</h1>" in response.get_data(as_text=True)  # a page, not a 500
    assert mail.sent == []
    api = client.post("/api/auth/login", json={}, base_url=f"http://{host}")
    assert api.status_code == 400
    assert error_of(api)["code"] == "bad_request"


def test_a_forwarded_host_must_be_trusted_too(blog: Any, database_url: str) -> None:
    """Behind the proxy the forwarded host is the host: it is checked the same way."""
    app = create_app(
        {"TESTING": True, "SQLALCHEMY_DATABASE_URI": database_url},
        environ={
            "FROSTPRESS_ROOT": str(blog.root),
            "PUBLIC_URL": PUBLIC,
            "TRUSTED_PROXIES": "1",
        },
    )
    client = app.test_client()
    evil = client.get("/api/csrf", headers={"X-Forwarded-Host": "evil.example"})
    assert evil.status_code == 400
    assert error_of(evil)["code"] == "bad_request"
    fine = client.get("/api/csrf", headers={"X-Forwarded-Host": "blog.example"})
    assert fine.status_code == 200


def test_production_needs_a_public_https_url(tmp_path: Path) -> None:
    base = {
        "SIDECAR_ENV": "production",
        "SECRET_KEY": "x" * 40,
        "MAIL_SERVER": "smtp.example",
    }
    with pytest.raises(ConfigurationError, match="PUBLIC_URL must be set"):
        settings_from_env(base, tmp_path)
    with pytest.raises(ConfigurationError, match="https"):
        settings_from_env({**base, "PUBLIC_URL": "http://blog.example"}, tmp_path)
    settings = settings_from_env({**base, "PUBLIC_URL": "https://blog.example/"}, tmp_path)
    assert settings["PUBLIC_URL"] == "https://blog.example"
    assert settings["TRUSTED_HOSTS"] == ["blog.example"]


@pytest.mark.parametrize(
    "value", ["blog.example", "ftp://blog.example", "https://blog.example/blog", "https://"]
)
def test_a_public_url_must_be_an_origin(tmp_path: Path, value: str) -> None:
    with pytest.raises(ConfigurationError, match="PUBLIC_URL must be an origin"):
        settings_from_env({"PUBLIC_URL": value}, tmp_path)


def test_production_lists_the_sidecars_own_host_as_trusted(tmp_path: Path) -> None:
    settings = settings_from_env(
        {
            "SIDECAR_ENV": "production",
            "SECRET_KEY": "x" * 40,
            "MAIL_SERVER": "smtp.example",
            "PUBLIC_URL": "https://blog.example",
            "SITE_ORIGIN": "https://www.blog.example",
            "TRUSTED_HOSTS": "sidecar.blog.example",
        },
        tmp_path,
    )
    assert settings["TRUSTED_HOSTS"] == [
        "sidecar.blog.example",
        "blog.example",
        "www.blog.example",
    ]
