"""Every /api error is the JSON envelope with the right status; HTML pages get HTML."""

from __future__ import annotations

import re
from typing import Any

import pytest
from flask import Flask

from sidecar.models import Role
from tests.sidecar.conftest import ApiClient, MakeUser

THREAD = "/api/posts/hello/comments"


def envelope(response: Any, status: int, code: str) -> dict[str, Any]:
    """Check the response is the JSON error envelope; return its inner object."""
    assert response.status_code == status, response.get_data(as_text=True)[:300]
    assert response.mimetype == "application/json"
    body = response.get_json()
    assert set(body) == {"error"}
    error = body["error"]
    assert set(error) == {"code", "message", "fields"}
    assert error["code"] == code
    assert isinstance(error["message"], str) and error["message"]
    assert isinstance(error["fields"], dict)
    assert "<html" not in response.get_data(as_text=True).lower()
    return dict(error)


@pytest.mark.parametrize("path", ["/api/nope", "/api/posts/hello/nope", "/api/comments/abc"])
def test_an_unknown_api_route_is_a_json_404(api: ApiClient, path: str) -> None:
    for accept in (None, "text/html", "*/*"):  # even a browser's navigation gets JSON
        envelope(api.get(path, headers={"Accept": accept} if accept else {}), 404, "not_found")


def test_an_unknown_api_route_is_404_for_writes_too(api: ApiClient) -> None:
    envelope(api.post("/api/nope", json={}), 404, "not_found")
    envelope(api.delete("/api/comments/abc"), 404, "not_found")


TOO_BIG = 2**63  # one past the databases' largest integer
LARGEST = 10**9 - 1  # the largest id a URL may name


def test_an_id_too_large_for_the_database_is_a_json_404(
    app: Flask, api: ApiClient, make_user: MakeUser
) -> None:
    """It used to reach the query: SQLite's OverflowError, a 500."""
    app.config["PROPAGATE_EXCEPTIONS"] = False  # a crash answers 500, as in production
    api.login(make_user(role=Role.ADMIN))
    envelope(api.delete(f"/api/auth/tokens/{TOO_BIG}"), 404, "not_found")
    envelope(api.patch(f"/api/comments/{TOO_BIG}", json={"body": "x"}), 404, "not_found")
    envelope(api.delete(f"/api/comments/{TOO_BIG}"), 404, "not_found")
    for page in (f"/admin/users/{TOO_BIG}", f"/comments/hello/{TOO_BIG}/edit"):
        assert api.get(page).status_code == 404
    envelope(api.delete(f"/api/comments/{LARGEST}"), 404, "comment_not_found")
    envelope(api.delete(f"/api/comments/{LARGEST + 1}"), 404, "not_found")  # no such route
    envelope(api.delete(f"/api/comments/{2**31}"), 404, "not_found")  # past PostgreSQL's ids


@pytest.mark.parametrize(
    ("method", "path", "allowed"),
    [
        ("get", "/api/auth/login", {"POST"}),
        ("get", "/api/auth/logout", {"POST"}),
        ("delete", "/api/posts", {"GET"}),
        ("post", "/api/posts/hello", {"GET"}),
        ("patch", "/api/posts/hello/comments", {"GET", "POST"}),
        ("post", "/api/comments/1", {"PATCH", "DELETE"}),
        ("put", "/api/auth/me", {"GET"}),
    ],
)
def test_a_wrong_method_is_a_json_405_with_allow(
    api: ApiClient, method: str, path: str, allowed: set[str]
) -> None:
    # A browser session: the CSRF token is sent, so only the method is wrong.
    response = api.client.open(
        path, method=method.upper(), json={}, headers={"X-CSRFToken": api.csrf()}
    )
    envelope(response, 405, "method_not_allowed")
    assert allowed <= {m.strip() for m in response.headers["Allow"].split(",")}


@pytest.mark.parametrize(
    ("method", "path", "status"),
    [("post", "/api/nope", 404), ("delete", "/api/posts", 405), ("put", "/api/auth/me", 405)],
)
def test_routing_errors_win_over_the_csrf_check(
    app: Flask, method: str, path: str, status: int
) -> None:
    """A URL that does not exist (or takes no such method) says so, even without a
    CSRF token: there is nothing there to protect (Flask-WTF's own check skips it)."""
    response = getattr(app.test_client(), method)(path, json={})
    envelope(response, status, {404: "not_found", 405: "method_not_allowed"}[status])


@pytest.mark.parametrize(
    "path",
    ["/api/comments/preview", "/api/auth/register", "/api/auth/login", "/api/posts/hello/comments"],
)
def test_a_body_over_64_kib_is_a_json_413(api: ApiClient, path: str) -> None:
    big = b'{"body": "' + b"x" * (64 * 1024) + b'"}'
    envelope(api.post(path, data=big, content_type="application/json"), 413, "too_large")


def test_a_body_just_under_the_limit_is_judged_on_its_content(api: ApiClient, ada: Any) -> None:
    api.login(ada)  # previews are for signed-in readers
    body = b'{"body": "' + b"x" * (60 * 1024) + b'"}'
    response = api.post("/api/comments/preview", data=body, content_type="application/json")
    error = envelope(response, 422, "invalid")
    assert "8000" in error["message"]


@pytest.mark.parametrize(
    "raw", [b"{not json", b'{"body": "unterminated', b"{'body': 'single quotes'}", b"{,}"]
)
def test_malformed_json_is_a_json_400(api: ApiClient, raw: bytes) -> None:
    response = api.post("/api/comments/preview", data=raw, content_type="application/json")
    envelope(response, 400, "bad_request")


@pytest.mark.parametrize("payload", [[1, 2], "just a string", 42])
def test_json_that_is_not_an_object_is_a_json_error(api: ApiClient, payload: Any) -> None:
    response = api.post("/api/comments/preview", json=payload)
    assert response.status_code in (400, 422)
    envelope(
        response, response.status_code, {400: "bad_request", 422: "invalid"}[response.status_code]
    )


def test_a_missing_csrf_token_is_a_json_400(app: Flask) -> None:
    client = app.test_client()
    error = envelope(client.post("/api/comments/preview", json={"body": "x"}), 400, "csrf_failed")
    assert "X-CSRFToken" in error["message"]
    wrong = client.post(
        "/api/comments/preview", json={"body": "x"}, headers={"X-CSRFToken": "forged"}
    )
    envelope(wrong, 400, "csrf_failed")


@pytest.fixture
def failing_app(app: Flask) -> Flask:
    """The app with throwaway routes that fail the way a bug would."""

    def boom() -> Any:
        raise RuntimeError("secret detail of the failure")

    app.add_url_rule("/api/boom", "api_boom", boom)
    app.add_url_rule("/boom", "html_boom", boom)
    app.config["PROPAGATE_EXCEPTIONS"] = False  # answer like production, not re-raise
    return app


def test_an_unexpected_exception_is_a_json_500(
    failing_app: Flask, caplog: pytest.LogCaptureFixture
) -> None:
    response = failing_app.test_client().get("/api/boom", headers={"X-Request-ID": "req-500-abc"})
    error = envelope(response, 500, "internal_error")
    assert "secret detail" not in response.get_data(as_text=True)
    assert "Traceback" not in response.get_data(as_text=True)
    assert error["fields"] == {}
    assert response.headers["X-Request-ID"] == "req-500-abc"
    assert "secret detail of the failure" in caplog.text  # logged, not shown


def test_an_unexpected_exception_on_a_page_is_an_html_500(failing_app: Flask) -> None:
    response = failing_app.test_client().get("/boom", headers={"Accept": "text/html"})
    assert response.status_code == 500
    assert response.mimetype == "text/html"
    assert "secret detail" not in response.get_data(as_text=True)


@pytest.mark.parametrize("path", ["/auth/nope", "/nope", "/comments/hello/nope"])
def test_html_pages_get_an_html_404(api: ApiClient, path: str) -> None:
    response = api.get(path, headers={"Accept": "text/html,application/xhtml+xml,*/*;q=0.8"})
    assert response.status_code == 404
    assert response.mimetype == "text/html"
    assert "<html" in response.get_data(as_text=True).lower()


def test_a_page_asked_for_as_json_gets_the_envelope(api: ApiClient) -> None:
    response = api.get("/auth/nope", headers={"Accept": "application/json"})
    envelope(response, 404, "not_found")


# -- text at the edge -----------------------------------------------------------------------
@pytest.mark.parametrize(
    ("path", "raw", "code"),
    [
        (THREAD, b'{"body": "nul \x00 byte"}', "nul_character"),  # a raw NUL in the JSON
        (THREAD, b'{"body": "nul \\u0000 escape"}', "nul_character"),  # the JSON escape
        (THREAD, b'{"body": "caf\xe9 in latin-1"}', "invalid_encoding"),
        (THREAD, b'{"body": "half \xf0\x9f\x98 an emoji"}', "invalid_encoding"),
        (THREAD, b'{"body": "surrogate \xed\xa0\x80"}', "invalid_encoding"),
        ("/api/comments/preview", b'{"body": "a\x00b"}', "nul_character"),
        (
            "/api/auth/register",
            b'{"email": "a@b.example", "username": "ad\x00a", "password": "long enough"}',
            "nul_character",
        ),
    ],
)
def test_nul_characters_and_invalid_utf8_are_422_and_stored_nowhere(
    api: ApiClient, make_user: MakeUser, path: str, raw: bytes, code: str
) -> None:
    api.login(make_user())
    response = api.post(path, data=raw, content_type="application/json")
    envelope(response, 422, code)
    assert api.get(THREAD).get_json()["items"] == []


@pytest.mark.parametrize(
    "text",
    ["Sale: 100%00 genuine", "In JSON a NUL is written \\u0000", "C strings end in \\0"],
)
def test_text_that_only_mentions_nul_is_kept(
    api: ApiClient, make_user: MakeUser, text: str
) -> None:
    api.login(make_user())
    response = api.post(THREAD, json={"body": text})
    assert response.status_code == 201, response.get_json()
    assert text in response.get_json()["body_html"]


# -- rate limits ----------------------------------------------------------------------------
def test_the_seventh_comment_in_a_minute_is_a_json_429(api: ApiClient, make_user: MakeUser) -> None:
    api.login(make_user())
    for n in range(6):
        assert api.post(THREAD, json={"body": f"comment {n}"}).status_code == 201
    response = api.post(THREAD, json={"body": "one too many"})
    envelope(response, 429, "rate_limited")
    assert int(response.headers["Retry-After"]) > 0
    assert len(api.get(THREAD).get_json()["items"]) == 6

    neighbour = ApiClient(api.client.application.test_client())  # same address, own budget
    neighbour.login(make_user())
    assert neighbour.post(THREAD, json={"body": "my first today"}).status_code == 201


# -- request ids ----------------------------------------------------------------------------
def test_the_request_id_is_echoed_when_safe_or_replaced(api: ApiClient) -> None:
    cases = {
        "abc12345": True,
        "req-2026.11.01_0001": True,
        "0123456789abcdef" * 2: True,
        "short": False,
        "has spaces in it": False,
        "<script>alert(1)</script>": False,
        "x" * 65: False,
    }
    for request_id, echoed in cases.items():
        for path in ("/api/posts", "/api/nope"):
            given = api.get(path, headers={"X-Request-ID": request_id}).headers["X-Request-ID"]
            if echoed:
                assert given == request_id
            else:
                assert given != request_id and re.fullmatch(r"[A-Za-z0-9._-]{8,64}", given)


def test_a_request_id_is_generated_for_every_response(api: ApiClient) -> None:
    seen = set()
    for path in ("/api/posts", "/api/nope", "/auth/login", "/auth/nope"):
        response = api.get(path)
        assert re.fullmatch(r"[A-Za-z0-9._-]{8,64}", response.headers["X-Request-ID"])
        seen.add(response.headers["X-Request-ID"])
    assert len(seen) == 4
    posted = api.post("/api/comments/preview", data=b"{bad", content_type="application/json")
    assert posted.status_code == 400 and posted.headers["X-Request-ID"]


@pytest.mark.parametrize(
    ("method", "path", "kwargs", "status", "code"),
    [
        ("get", "/api/auth/me", {}, 401, "unauthorized"),
        ("post", "/api/posts/hello/comments", {"json": {"body": "x"}}, 401, "unauthorized"),
        ("delete", "/api/comments/1", {}, 401, "unauthorized"),
        ("get", "/api/posts/nope", {}, 404, "post_not_found"),
        ("get", "/api/posts/nope/comments", {}, 404, "post_not_found"),
        ("get", "/api/counts", {}, 422, "invalid"),
        ("post", "/api/auth/login", {"json": {}}, 422, "invalid"),
        (
            "post",
            "/api/auth/login",
            {"json": {"login": "x", "password": "y"}},
            401,
            "invalid_credentials",
        ),
        (
            "post",
            "/api/comments/preview",
            {"data": b'{"body": "\xff"}', "content_type": "application/json"},
            422,
            "invalid_encoding",
        ),
    ],
)
def test_domain_errors_use_the_envelope(
    api: ApiClient, method: str, path: str, kwargs: dict[str, Any], status: int, code: str
) -> None:
    envelope(getattr(api, method)(path, **kwargs), status, code)


@pytest.mark.parametrize(
    "body",
    [b'{"name": "a\\u0000b"}', b'{"name": "caf\xe9"}'],
    ids=["nul", "latin-1"],
)
def test_a_chunked_body_is_checked_like_any_other(
    app: Flask, api: ApiClient, make_user: MakeUser, body: bytes
) -> None:
    """Without Content-Length (Transfer-Encoding: chunked) the guard was skipped."""
    import io

    api.login(make_user())
    response = api.client.post(
        "/api/auth/tokens",
        input_stream=io.BytesIO(body),
        content_type="application/json",
        headers={"X-CSRFToken": api.csrf(), "Transfer-Encoding": "chunked"},
        environ_overrides={"wsgi.input_terminated": True},
    )
    assert response.status_code == 422, response.get_json()
    assert api.get("/api/auth/tokens").get_json()["items"] == []
