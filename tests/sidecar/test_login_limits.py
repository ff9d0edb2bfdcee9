"""One budget of sign-in attempts per account, whatever name is typed and wherever.

Before, the form had no per-account limit at all, and the API's was keyed on
the typed string: ``mallory`` and ``mallory@example.org`` were two budgets.
"""

from __future__ import annotations

from typing import Any

from flask import Flask

from sidecar.models import User
from tests.sidecar.browser import Browser
from tests.sidecar.conftest import ApiClient, MakeUser, error_of

WRONG = "not the password"


def _api_login(api: ApiClient, login: str, password: str = WRONG) -> Any:
    return api.post("/api/auth/login", json={"login": login, "password": password})


def test_username_and_email_spend_one_budget(api: ApiClient, ada: User) -> None:
    for login in ["ada", "ADA", "ada@example.test", " Ada ", "ada@EXAMPLE.test"]:
        assert _api_login(api, login).status_code == 401
    refused = _api_login(api, "ada", "correct horse battery")
    assert refused.status_code == 429
    assert error_of(refused)["code"] == "rate_limited"
    assert int(refused.headers["Retry-After"]) >= 1


def test_the_form_and_the_api_share_the_budget(api: ApiClient, browser: Browser, ada: User) -> None:
    for _ in range(3):
        response = browser.submit("/auth/login", login="ada", password=WRONG)
        assert response.status_code == 401
    for _ in range(2):
        assert _api_login(api, "ada@example.test").status_code == 401
    page = browser.submit("/auth/login", login="ada@example.test", password=WRONG)
    assert page.status_code == 429
    assert "Too many sign-in attempts" in page.get_data(as_text=True)
    assert "Retry-After" in page.headers


def test_other_accounts_keep_their_own_budget(
    api: ApiClient, ada: User, make_user: MakeUser
) -> None:
    other = make_user(username="grace")
    for _ in range(5):
        _api_login(api, "ada")
    assert _api_login(api, "ada").status_code == 429
    assert _api_login(api, other.username, "correct horse battery").status_code == 200


def test_unknown_accounts_are_limited_the_same_way(app: Flask, ada: User) -> None:
    def attempts(login: str, address: str) -> list[Any]:
        client = app.test_client()
        client.environ_base["REMOTE_ADDR"] = address  # not the per-address budget
        return [_api_login(ApiClient(client), login) for _ in range(6)]

    known, unknown = attempts("ada", "192.0.2.1"), attempts("nobody-here", "192.0.2.2")
    assert [r.status_code for r in known] == [r.status_code for r in unknown] == [401] * 5 + [429]
    assert [r.get_json() for r in known] == [r.get_json() for r in unknown]


def test_with_its_storage_away_the_budget_is_kept_in_memory() -> None:
    import pytest

    from sidecar.errors import TooManyRequests
    from sidecar.services.throttle import Throttle

    def unreachable() -> Any:
        raise ConnectionError("Redis is away")

    throttle = Throttle("login-account", "2 per minute", unreachable)
    throttle.spend("user:1", "slow down")
    throttle.spend("user:1", "slow down")
    with pytest.raises(TooManyRequests) as refused:
        throttle.spend("user:1", "slow down")
    assert refused.value.headers["Retry-After"]
