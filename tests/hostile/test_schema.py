"""The API against its own OpenAPI document, fuzzed by schemathesis, in-process.

Every operation of ``/api/openapi.json`` is called with generated requests
(bounded per operation) from a signed-in browser session (its cookie and the
CSRF header); no answer may be a 5xx, and every answer must match the schema
the document gives for its status. Each call is one "api" try.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from flask import Flask
from hypothesis import HealthCheck, given, settings
from schemathesis.core.result import Ok
from schemathesis.specs.openapi.checks import response_schema_conformance

from sidecar.extensions import limiter
from sidecar.models import User
from tests.hostile.report import Report
from tests.sidecar.conftest import ApiClient

EXAMPLES = 25  # per operation
AGENT = "frostpress-hostile-suite"
BROWSER = {"REMOTE_ADDR": "127.0.0.1"}  # the Flask test client's address, where it signed in
BOUNDED = settings(
    max_examples=EXAMPLES,
    deadline=None,
    database=None,
    suppress_health_check=list(HealthCheck),
)


@pytest.fixture
def sidecar_config() -> Iterator[dict[str, Any]]:
    yield {"RATELIMIT_ENABLED": False}  # the fuzzer is not what the limits are for
    # The limiter is one object per process and init_app keeps its last
    # "enabled" as the next app's default: switch it back on for the next test.
    limiter.enabled = True


def session_of(app: Flask, user: User) -> tuple[dict[str, str], dict[str, str]]:
    """A signed-in session: its cookies and the CSRF header."""
    api = ApiClient(app.test_client())
    # The session is bound to its browser's agent and address (Flask-Login's
    # session protection): the fuzzer's requests come from the same.
    login = {"login": user.username, "password": "correct horse battery"}
    response = api.post("/api/auth/login", json=login, headers={"User-Agent": AGENT})
    assert response.status_code == 200, response.get_json()
    cookies = {}
    for name in ("session", "remember_token"):
        cookie = api.client.get_cookie(name)
        if cookie is not None:
            cookies[name] = cookie.value
    return cookies, {"X-CSRFToken": api.csrf(), "User-Agent": AGENT}


def fuzz(operation: Any, cookies: dict[str, str], headers: dict[str, str]) -> tuple[int, list[str]]:
    """Call ``operation`` with generated requests: (calls made, what went wrong)."""
    label = f"{operation.method.upper()} {operation.path}"
    failures: list[str] = []
    calls = 0

    @BOUNDED
    @given(case=operation.as_strategy())
    def call(case: Any) -> None:
        nonlocal calls
        response = case.call(cookies=cookies, headers=headers, environ_base=BROWSER)
        calls += 1
        if response.status_code >= 500:
            failures.append(f"{label} answered {response.status_code}: {case.as_curl_command()}")
            return
        try:
            case.validate_response(response, checks=[response_schema_conformance])
        except Exception as exc:  # schemathesis raises a group of failed checks
            failures.append(f"{label} {response.status_code} off its schema: {exc}"[:800])

    call()
    return calls, failures


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_every_operation_answers_as_documented(app: Flask, ada: User, hostile: Report) -> None:
    schema = schemathesis.openapi.from_wsgi("/api/openapi.json", app)
    operations = []
    for result in schema.get_all_operations():
        assert isinstance(result, Ok), result.err()  # the schema does not describe it
        operations.append(result.ok())
    assert len(operations) >= 15
    # Signing out ends the session the later operations use: those go last.
    operations.sort(key=lambda op: op.path == "/api/auth/logout")
    session = session_of(app, ada)
    failures: list[str] = []
    calls = 0
    for operation in operations:
        made, failed = fuzz(operation, *session)
        calls += made
        failures += failed
    hostile.add("api", calls, len(failures), "; ".join(failures[:3]))
    assert not failures, "\n".join(failures)
