"""Rate limits and health against a real Redis, including Redis dying and coming back.

DESIGN.md, "Redis unreachable": rate limits fall back to conservative in-process
limits (never off, never 500), and ``/api/health`` reports ``degraded``.

These tests are about Redis, so they run on SQLite only. Note that the sidecar's
``limiter`` is one object per process: every app made in this process shares it,
and each ``create_app`` points it at that app's storage. Two apps in one process
therefore share whatever storage the newest one has; only the order of events
below (hits made before the second app exists) shows that counts live in Redis,
and ``test_two_sidecar_processes_share_login_limits`` uses a real second process.
"""

from __future__ import annotations

import json
import select
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from http.cookiejar import CookieJar
from typing import Any

import pytest
from flask import Flask
from flask_limiter.constants import MAX_BACKEND_CHECKS

from sidecar.extensions import db
from tests.conftest import REPO, Project
from tests.servers import START_TIMEOUT, RedisServer
from tests.sidecar.conftest import ApiClient, MakeUser, make_app

WRONG = {"password": "not the password"}
PASSWORD = "correct horse battery"
LOGIN_PER_ACCOUNT = 5  # "5 per minute" keyed by the login value
LOGIN_PER_ADDRESS = 10  # "10 per minute" per client address
# Flask-Limiter re-checks a dead storage after 1, 2, 4 ... 2**MAX_BACKEND_CHECKS
# seconds (from the previous check), on the next request that comes along.
RECOVERY_DEADLINE = 2 ** (MAX_BACKEND_CHECKS + 1) + 5


@pytest.fixture
def database_url(sqlite_database_url: str) -> str:
    return sqlite_database_url


@pytest.fixture
def sidecar_config(redis_url: str) -> dict[str, Any]:
    return {"REDIS_URL": redis_url}


@pytest.fixture
def other_app(blog: Project, database_url: str, redis_url: str) -> Iterator[Any]:
    """``other_app()``: another sidecar app on the same database and Redis."""
    made: list[Flask] = []

    def make(**config: Any) -> Flask:
        app = make_app(blog, database_url, **{"REDIS_URL": redis_url, **config})
        made.append(app)
        return app

    yield make
    for app in made:
        with app.app_context():
            db.engine.dispose()


def client(app: Flask, address: str) -> ApiClient:
    """An API client that comes from ``address`` (rate limits are per address)."""
    test_client = app.test_client()
    test_client.environ_base["REMOTE_ADDR"] = address
    return ApiClient(test_client)


def login(api: ApiClient, name: str, password: str = WRONG["password"]) -> Any:
    return api.post("/api/auth/login", json={"login": name, "password": password})


def assert_rate_limited(response: Any) -> None:
    assert response.status_code == 429, response.get_json()
    assert response.get_json()["error"]["code"] == "rate_limited"
    assert set(response.get_json()["error"]) >= {"code", "message"}
    assert int(response.headers["Retry-After"]) >= 0


def limit_keys(redis_server: RedisServer) -> list[bytes]:
    with redis_server.client() as redis:
        return list(redis.scan_iter("LIMITS*"))


# -- shared limits ----------------------------------------------------------------------


def test_failed_logins_for_one_account_are_counted_across_apps(
    app: Flask, other_app: Any, redis_server: RedisServer
) -> None:
    first = client(app, "198.51.100.1")
    for _ in range(3):
        assert login(first, "ada").status_code == 401
    assert limit_keys(redis_server)  # the counts are in Redis ...
    # ... so an app made afterwards (with its own storage connection) sees them:
    # 3 + 2 = 5 failures, from two addresses, then both apps refuse the account.
    second = client(other_app(), "198.51.100.2")
    for _ in range(2):
        assert login(second, "ADA ").status_code == 401  # the same account, normalised
    assert_rate_limited(login(second, "ada"))
    assert_rate_limited(login(first, "ada"))
    assert login(first, "grace").status_code == 401  # other accounts are not affected


def test_failed_logins_from_one_address_are_counted_across_apps(app: Flask, other_app: Any) -> None:
    first = client(app, "198.51.100.3")
    for number in range(6):
        assert login(first, f"someone{number}").status_code == 401
    second = client(other_app(), "198.51.100.3")
    for number in range(6, LOGIN_PER_ADDRESS):
        assert login(second, f"someone{number}").status_code == 401
    assert_rate_limited(login(second, "someone-else"))
    assert_rate_limited(login(first, "someone-else"))
    assert login(client(app, "198.51.100.4"), "someone-else").status_code == 401


def test_without_redis_an_app_made_later_does_not_see_the_counts(
    blog: Project, sqlite_database_url: str
) -> None:
    """The control for the two tests above: they would fail without Redis."""
    apps = [make_app(blog, sqlite_database_url, RATELIMIT_STORAGE_URI="memory://")]
    try:
        first = client(apps[0], "198.51.100.5")
        for _ in range(3):
            assert login(first, "ada").status_code == 401
        apps.append(make_app(blog, sqlite_database_url, RATELIMIT_STORAGE_URI="memory://"))
        second = client(apps[1], "198.51.100.6")
        for _ in range(3):
            assert login(second, "ada").status_code == 401
    finally:
        for made in apps:
            with made.app_context():
                db.engine.dispose()


@contextmanager
def sidecar_process(blog: Project, database_url: str, redis_url: str) -> Iterator[str]:
    """Another sidecar, in a process of its own on a free port: yields its base URL."""
    script = (
        "import sys\n"
        "from sidecar import create_app\n"
        "from werkzeug.serving import make_server\n"
        "root, database, redis = sys.argv[1:4]\n"
        "config = {'TESTING': True, 'SQLALCHEMY_DATABASE_URI': database, 'REDIS_URL': redis,\n"
        "          'ARGON2_PROFILE': 'fast', 'MODERATION': 'none'}\n"
        "environ = {'FROSTPRESS_ROOT': root, 'SIDECAR_INSTANCE': root + '/instance'}\n"
        "server = make_server('127.0.0.1', 0, create_app(config, environ=environ))\n"
        "print(server.port, flush=True)\n"
        "server.serve_forever()\n"
    )
    log = blog.root / "sidecar-process.log"
    with log.open("w") as errors:
        process = subprocess.Popen(
            [sys.executable, "-c", script, str(blog.root), database_url, redis_url],
            stdout=subprocess.PIPE, stderr=errors, text=True, cwd=REPO,
        )  # fmt: skip
    assert process.stdout is not None
    try:
        ready, _, _ = select.select([process.stdout], [], [], START_TIMEOUT)
        port = process.stdout.readline().strip() if ready else ""
        assert port.isdigit(), f"the second sidecar did not start:\n{log.read_text()}"
        yield f"http://127.0.0.1:{port}"
    finally:
        process.terminate()
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        process.stdout.close()


class HttpApi:
    """A browser-like client of a real server: cookies and the CSRF token."""

    def __init__(self, base: str) -> None:
        self.base = base
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(CookieJar()))
        with self.opener.open(f"{base}/api/csrf", timeout=10) as response:
            self.token = json.load(response)["csrf_token"]

    def login(self, name: str) -> tuple[int, dict[str, Any], Any]:
        request = urllib.request.Request(
            f"{self.base}/api/auth/login",
            data=json.dumps({"login": name, **WRONG}).encode(),
            headers={"Content-Type": "application/json", "X-CSRFToken": self.token},
        )
        try:
            with self.opener.open(request, timeout=10) as response:
                return response.status, json.load(response), response.headers
        except urllib.error.HTTPError as error:
            with error:
                return error.code, json.load(error), error.headers


def test_two_sidecar_processes_share_login_limits(
    app: Flask, blog: Project, database_url: str, redis_url: str
) -> None:
    with sidecar_process(blog, database_url, redis_url) as base:
        remote = HttpApi(base)
        local = client(app, "127.0.0.1")
        statuses = [
            login(local, "ada").status_code if turn % 2 else remote.login("ada")[0]
            for turn in range(LOGIN_PER_ACCOUNT)
        ]
        assert statuses == [401] * LOGIN_PER_ACCOUNT
        status, body, headers = remote.login("ada")
        assert status == 429 and body["error"]["code"] == "rate_limited"
        assert int(headers["Retry-After"]) >= 0
        assert_rate_limited(login(local, "ada"))


# -- health -----------------------------------------------------------------------------


def test_health_reports_redis(api: ApiClient, redis_server: RedisServer) -> None:
    up = api.get("/api/health")
    assert up.status_code == 200
    assert up.get_json() == {
        "status": "ok",
        "checks": {
            "database": "ok",
            "redis": "ok",
            "realtime": "in process",
            "content": "checkout",
        },
    }

    redis_server.stop()
    down = api.get("/api/health")
    assert down.status_code == 200
    assert down.get_json() == {
        "status": "degraded",
        "checks": {
            "database": "ok",
            "redis": "unreachable",
            "realtime": "in process",
            "content": "checkout",
        },
    }

    redis_server.start()
    assert api.get("/api/health").get_json()["status"] == "ok"


def test_health_without_redis_configured(blog: Project, sqlite_database_url: str) -> None:
    app = make_app(blog, sqlite_database_url)
    try:
        response = app.test_client().get("/api/health")
    finally:
        with app.app_context():
            db.engine.dispose()
    assert response.status_code == 200
    assert response.get_json() == {
        "status": "ok",
        "checks": {
            "database": "ok",
            "redis": "not configured",
            "realtime": "in process",
            "content": "checkout",
        },
    }


# -- Redis dies ---------------------------------------------------------------------------


def test_when_redis_dies_limits_fall_back_in_process_and_recover(
    app: Flask, api: ApiClient, make_user: MakeUser, redis_server: RedisServer
) -> None:
    user = make_user(username="ada")
    assert login(api, "ada", PASSWORD).status_code == 200  # Redis in use
    assert limit_keys(redis_server)

    redis_server.stop()  # SIGKILL: a crash, nothing saved

    # The rate-limited endpoints keep answering as usual ...
    api = client(app, "192.0.2.10")
    registered = api.post(
        "/api/auth/register",
        json={"email": "grace@example.test", "username": "grace", "password": PASSWORD},
    )
    assert registered.status_code == 201, registered.get_json()
    taken = api.post(
        "/api/auth/register",
        json={"email": "other@example.test", "username": "ADA", "password": PASSWORD},
    )
    assert taken.status_code == 409, taken.get_json()
    assert login(api, user.username).status_code == 401
    assert login(api, user.username, PASSWORD).status_code == 200
    health = api.get("/api/health")
    assert health.status_code == 200
    assert health.get_json()["checks"]["redis"] == "unreachable"

    # ... and limits still apply, in process and stricter than usual (never off,
    # never a 500): signing up allows 2 an hour (normally 5), other writes 4 a
    # minute (logins normally 10), while readers are not locked out.
    assert_rate_limited(
        api.post(
            "/api/auth/register",
            json={"email": "third@example.test", "username": "third", "password": PASSWORD},
        )
    )
    statuses = [login(api, f"someone{n}").status_code for n in range(4)]
    assert statuses == [401, 401, 429, 429], statuses  # 2 logins above + 2 = 4
    assert_rate_limited(login(api, "someone-else"))
    for _ in range(20):
        assert api.get("/api/posts/hello/comments").status_code == 200

    redis_server.start()
    with redis_server.client() as redis:
        assert redis.dbsize() == 0  # nothing survived the crash

    health = api.get("/api/health")
    assert health.get_json() == {
        "status": "ok",
        "checks": {
            "database": "ok",
            "redis": "ok",
            "realtime": "in process",
            "content": "checkout",
        },
    }

    # The limiter notices on a later request, once its back-off has passed. Until
    # then it keeps to the fallback, where this address has used up its logins.
    deadline = time.monotonic() + RECOVERY_DEADLINE
    while (response := login(api, "someone-new")).status_code == 429:
        assert time.monotonic() < deadline, "the rate limiter did not notice Redis came back"
        time.sleep(0.1)
    assert response.status_code == 401, response.get_json()
    # Counting happens in Redis again, with the normal limits (not the fallback's).
    assert limit_keys(redis_server)
    other = client(app, "192.0.2.11")
    for _ in range(LOGIN_PER_ACCOUNT):
        assert login(other, "ada").status_code == 401
    assert_rate_limited(login(other, "ada"))


def test_a_sidecar_started_while_redis_is_down_still_serves(
    blog: Project, sqlite_database_url: str, redis_server: RedisServer, redis_url: str
) -> None:
    redis_server.stop()
    app = make_app(blog, sqlite_database_url, REDIS_URL=redis_url)
    try:
        api = client(app, "192.0.2.20")
        assert api.get("/api/health").get_json()["status"] == "degraded"
        created = api.post(
            "/api/auth/register",
            json={"email": "ada@example.test", "username": "ada", "password": PASSWORD},
        )
        assert created.status_code == 201, created.get_json()
        assert login(api, "ada").status_code == 401
    finally:
        with app.app_context():
            db.engine.dispose()
