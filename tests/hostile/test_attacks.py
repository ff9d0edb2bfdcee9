"""Attacks on accounts and access, tried as an attacker would, each counted.

Every attempt is added to the ``attacks`` row of the report (tried / succeeded)
and must not succeed. One database is enough: these are about the rules, not
the storage (the sidecar's own tests run them on every database).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import partial
from typing import Any
from urllib.parse import urlsplit

import pytest
from flask import Flask

from sidecar.extensions import db, socketio
from sidecar.models import Role, User
from tests.hostile.report import Report
from tests.sidecar.browser import Browser
from tests.sidecar.conftest import ApiClient, Mailbox, MakeUser, link_in, statements_during
from tests.sidecar.mailbox import signed
from tests.sidecar.test_admin_access import admin_routes

pytestmark = pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)

PASSWORD = "correct horse battery"
ORIGIN = "https://blog.example"
EVIL = "https://evil.example"


@pytest.fixture
def sidecar_config() -> dict[str, Any]:
    return {"SITE_ORIGINS": [ORIGIN], "MODERATION": "all"}


class Attempts:
    """Counts attacks; ``succeeded`` ones are listed in the report and fail the test."""

    def __init__(self, report: Report, name: str) -> None:
        self.report, self.name, self.tried = report, name, 0
        self.failures: list[str] = []

    def check(self, held: bool, what: str) -> None:
        self.tried += 1
        if not held:
            self.failures.append(what)

    def close(self) -> None:
        note = f"{self.name}: {'; '.join(self.failures)}" if self.failures else None
        self.report.add("attacks", self.tried, len(self.failures), note)
        assert not self.failures, self.failures


@pytest.fixture
def attempts(hostile: Report, request: pytest.FixtureRequest) -> Any:
    made: list[Attempts] = []

    def start(name: str | None = None) -> Attempts:
        made.append(Attempts(hostile, name or request.node.name))
        return made[-1]

    yield start
    for attempt in made:
        attempt.close()


# -- credentials -----------------------------------------------------------------------------
def test_credential_stuffing_through_rotated_forwarded_addresses(
    blog: Any, database_url: str, attempts: Callable[..., Attempts]
) -> None:
    """Behind the one trusted proxy, X-Forwarded-For is believed for the address budget,
    so an attacker rotates it: the account's own budget still stops them."""
    from tests.sidecar.conftest import make_app

    app = make_app(blog, database_url, TRUSTED_PROXIES=1)
    victim_app_user(app)
    attack = attempts()
    client = app.test_client()
    answers = []
    for n in range(40):
        api = ApiClient(client)
        headers = {"X-Forwarded-For": f"198.51.100.{n}"}
        response = api.post(
            "/api/auth/login",
            json={"login": "victim", "password": f"guess-{n}"},
            headers=headers,
        )
        answers.append(response.status_code)
    right = ApiClient(client).post(
        "/api/auth/login",
        json={"login": "victim@example.test", "password": PASSWORD},
        headers={"X-Forwarded-For": "198.51.100.250"},
    )
    attack.check(answers.count(401) <= 5, f"{answers.count(401)} guesses were checked")
    attack.check(right.status_code == 429, "the right password got in during the lock-out")


def victim_app_user(app: Flask) -> None:
    from sidecar.database import now_utc

    with app.app_context():
        db.session.add(
            User(
                email="victim@example.test",
                username="victim",
                email_confirmed_at=now_utc(),
                password_hash=app.extensions["sidecar.hasher"].hash(PASSWORD),
            )
        )
        db.session.commit()


class RecordingHasher:
    """The app's password hasher, noting every hash and verification it makes."""

    def __init__(self, hasher: Any) -> None:
        self.hasher = hasher
        self.calls: list[str] = []

    def hash(self, *args: Any) -> Any:
        self.calls.append("hash")
        return self.hasher.hash(*args)

    def verify(self, *args: Any) -> Any:
        self.calls.append("verify")
        return self.hasher.verify(*args)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.hasher, name)


def _hash_calls(app: Flask) -> list[str]:
    recorder = RecordingHasher(app.extensions["sidecar.hasher"])
    app.extensions["sidecar.hasher"] = recorder
    calls: list[str] = recorder.calls
    return calls


def _sql_shape(statements: list[str]) -> list[str]:
    return [re.sub(r"\s+", " ", s.split(" WHERE ")[0]).strip()[:60] for s in statements]


@pytest.mark.parametrize(
    ("path", "known", "unknown"),
    [
        (
            "/api/auth/login",
            {"login": "victim", "password": "wrong one"},
            {"login": "nobody-at-all", "password": "wrong one"},
        ),
        (
            "/api/auth/register",
            {"email": "victim@example.test", "username": "fresh1", "password": "long enough 1"},
            {"email": "fresh@example.test", "username": "fresh2", "password": "long enough 1"},
        ),
    ],
    ids=["login", "register"],
)
def test_accounts_cannot_be_told_apart_by_answer_or_work(
    app: Flask, attempts: Callable[..., Attempts], path: str, known: Any, unknown: Any
) -> None:
    victim_app_user(app)
    attack = attempts()
    calls = _hash_calls(app)
    api = ApiClient(app.test_client())
    api.csrf()
    answers: dict[str, Any] = {}
    for name, body in (("known", known), ("unknown", unknown)):
        calls.clear()
        response = api.post(path, json=body)
        body_json = response.get_json()
        if "username" in body_json:  # a registration echoes what was typed
            body_json = {k: v for k, v in body_json.items() if k not in ("username", "email")}
        answers[name] = (response.status_code, body_json, list(calls))
    attack.check(answers["known"][:2] == answers["unknown"][:2], f"answers differ: {answers}")
    attack.check(answers["known"][2] == answers["unknown"][2], f"hashing differs: {answers}")


def test_a_reset_request_does_the_same_work_for_any_address(
    app: Flask, attempts: Callable[..., Attempts]
) -> None:
    victim_app_user(app)
    attack = attempts()
    browser = Browser(app.test_client())
    token = browser.csrf_token("/auth/reset")
    shapes, pages = [], []

    def ask(email: str) -> None:
        response = browser.client.post("/auth/reset", data={"email": email, "csrf_token": token})
        pages.append((response.status_code, response.get_data()))

    for email in ("victim@example.test", "nobody@example.test"):
        shapes.append(_sql_shape(statements_during(app, partial(ask, email))))
    attack.check(pages[0] == pages[1], "the pages differ")
    attack.check(shapes[0] == shapes[1], f"the database work differs: {shapes}")


# -- sessions and tokens ---------------------------------------------------------------------
def test_a_session_cookie_from_before_login_is_worth_nothing_after(
    app: Flask, ada: User, attempts: Callable[..., Attempts]
) -> None:
    attack = attempts()
    victim = app.test_client()
    victim.get("/api/csrf")
    planted = victim.get_cookie("session")
    assert planted is not None
    ApiClient(victim).login(ada)
    attacker = app.test_client()
    attacker.set_cookie("session", planted.value)
    attack.check(attacker.get("/api/auth/me").status_code == 401, "the planted session logged in")
    after = victim.get_cookie("session")
    attack.check(after is not None and after.value != planted.value, "the session was kept")


def test_production_cookies_are_secure_httponly_and_lax(
    blog: Any, database_url: str, attempts: Callable[..., Attempts]
) -> None:
    from sidecar import create_app

    app = create_app(
        {"ARGON2_PROFILE": "fast", "SQLALCHEMY_DATABASE_URI": database_url},
        environ={
            "SIDECAR_ENV": "production",
            "SECRET_KEY": "s" * 40,
            "FROSTPRESS_ROOT": str(blog.root),
            "PUBLIC_URL": "https://blog.example",
            "TRUSTED_HOSTS": "sidecar.example",
            "MAIL_SERVER": "smtp.example",
        },
    )
    attack = attempts()
    response = app.test_client().get("/api/csrf", base_url="https://sidecar.example")
    cookie = response.headers.get("Set-Cookie", "")
    for flag in ("Secure", "HttpOnly", "SameSite=Lax"):
        attack.check(flag in cookie, f"the session cookie lacks {flag}")


def test_reset_links_work_once_expire_and_cannot_be_forged(
    app: Flask, ada: User, mail: Mailbox, attempts: Callable[..., Attempts]
) -> None:
    attack = attempts()
    browser = Browser(app.test_client())
    browser.submit("/auth/reset", email=ada.email)
    link = link_in(mail, "/auth/reset/")
    new = {"password": "a new long secret", "confirm": "a new long secret"}
    assert browser.submit(link, **new).status_code == 302
    attack.check(browser.submit(link, **new).status_code != 302, "a reset link worked twice")

    token = link.rsplit("/", 1)[1]
    forged = token[:-4] + ("AAAA" if not token.endswith("AAAA") else "BBBB")
    attack.check(
        browser.submit(f"/auth/reset/{forged}", **new).status_code != 302, "a forged token worked"
    )

    with app.app_context():
        version = db.session.get_one(User, ada.id).session_version  # what a live link carries
    # Two hours ago; reset links last one.
    old = signed(app, "frostpress.reset-password", {"uid": ada.id, "v": version}, age=2 * 3600)
    attack.check(
        browser.submit(f"/auth/reset/{old}", **new).status_code != 302, "an expired link worked"
    )
    confusion = signed(app, "frostpress.confirm-email", {"uid": ada.id, "v": 3})
    attack.check(
        browser.submit(f"/auth/reset/{confusion}", **new).status_code != 302,
        "a confirmation token reset a password",
    )


def test_a_revoked_token_opens_nothing(
    app: Flask, api: ApiClient, ada: User, attempts: Callable[..., Attempts]
) -> None:
    attack = attempts()
    api.login(ada)
    created = api.post("/api/auth/tokens", json={"name": "x"}).get_json()
    assert api.delete(f"/api/auth/tokens/{created['id']}").status_code == 204
    bot = app.test_client()
    auth = {"Authorization": f"Bearer {created['token']}"}
    for method, path, body in [
        ("GET", "/api/auth/me", None),
        ("POST", "/api/posts/hello/comments", {"body": "as a ghost"}),
        ("POST", "/api/auth/tokens", {"name": "another"}),
    ]:
        response = bot.open(path, method=method, json=body, headers=auth)
        attack.check(response.status_code == 401, f"{method} {path} → {response.status_code}")


# -- other people's things --------------------------------------------------------------------
def test_nobody_changes_another_persons_comment(
    app: Flask, make_user: MakeUser, attempts: Callable[..., Attempts]
) -> None:
    app.config["MODERATION"] = "none"
    attack = attempts()
    owner = ApiClient(app.test_client())
    owner.login(make_user(username="owner"))
    comment = owner.post("/api/posts/hello/comments", json={"body": "mine"}).get_json()
    path = f"/api/comments/{comment['id']}"
    intruder = ApiClient(app.test_client())
    intruder.login(make_user(username="intruder"))
    anonymous = ApiClient(app.test_client())
    for who, client in (("another user", intruder), ("a stranger", anonymous)):
        edit = client.patch(path, json={"body": "defaced"})
        attack.check(edit.status_code in (401, 403), f"{who} edited: {edit.status_code}")
        gone = client.delete(path)
        attack.check(gone.status_code in (401, 403), f"{who} deleted: {gone.status_code}")
    page = Browser(intruder.client)
    form_token = page.csrf_token("/comments/hello")
    for action in ("edit", "delete"):
        response = intruder.client.post(
            f"/comments/hello/{comment['id']}/{action}",
            data={"csrf_token": form_token, "body": "defaced"},
        )
        attack.check(
            response.status_code in (403, 404), f"the {action} form: {response.status_code}"
        )
    thread = owner.get("/api/posts/hello/comments").get_json()["items"]
    attack.check([c["body_html"] for c in thread] == ["<p>mine</p>"], f"changed: {thread}")


def test_every_admin_route_refuses_those_without_the_role(
    app: Flask, make_user: MakeUser, attempts: Callable[..., Attempts]
) -> None:
    attack = attempts()
    target = make_user()
    anonymous = app.test_client()
    token = anonymous.get("/api/csrf").get_json()["csrf_token"]
    commenter = Browser(app.test_client())
    commenter.login(make_user())
    form_token = commenter.csrf_token("/comments/hello")
    moderator = Browser(app.test_client())
    moderator.login(make_user(role=Role.MODERATOR))
    for method, path in admin_routes(app, target):
        response = anonymous.open(path, method=method, headers={"X-CSRFToken": token})
        attack.check(response.status_code == 302, f"anonymous {method} {path}")
        response = commenter.client.open(path, method=method, data={"csrf_token": form_token})
        attack.check(response.status_code == 403, f"commenter {method} {path}")
    # Only admins change roles: a moderator cannot make themselves (or anyone) admin.
    role_rules = [p for m, p in admin_routes(app, target) if m == "POST" and "role" in p]
    for path in role_rules:
        moderator.client.post(
            path, data={"csrf_token": moderator.csrf_token("/admin/users"), "role": "admin"}
        )
        with app.app_context():
            role = db.session.get_one(User, target.id).role
        attack.check(role == Role.COMMENTER.value, f"a moderator made {role} via {path}")


def test_every_write_needs_the_csrf_token_of_its_own_session(
    app: Flask, ada: User, make_user: MakeUser, attempts: Callable[..., Attempts]
) -> None:
    attack = attempts()
    victim = ApiClient(app.test_client())
    victim.login(ada)
    other = ApiClient(app.test_client())
    other.login(make_user())
    foreign = other.csrf()
    # Endpoints a cookie cannot authorise take no CSRF token: the content hook
    # answers its Bearer secret only, so the session must get it nowhere.
    bearer_only = {"api_site.changed"}
    writes = [
        (r.rule, method, r.endpoint in bearer_only)
        for r in app.url_map.iter_rules()
        for method in (r.methods or set()) & {"POST", "PUT", "PATCH", "DELETE"}
        if r.endpoint != "api_views.record" and "<" not in r.rule
    ]
    assert len(writes) >= 10
    for rule, method, bearer in writes:
        for label, headers in (
            ("no token", {}),
            ("another session's token", {"X-CSRFToken": foreign}),
        ):
            response = victim.client.open(rule, method=method, json={}, headers=headers)
            refused = response.status_code in ((401, 404) if bearer else (400,))
            attack.check(refused, f"{method} {rule} with {label}: {response.status_code}")


def test_a_foreign_origin_gets_no_credentialed_cors(
    app: Flask, api: ApiClient, ada: User, attempts: Callable[..., Attempts]
) -> None:
    attack = attempts()
    api.login(ada)
    for method in ("GET", "OPTIONS"):
        response = api.client.open(
            "/api/auth/me",
            method=method,
            headers={"Origin": EVIL, "Access-Control-Request-Method": "GET"},
        )
        allowed = response.headers.get("Access-Control-Allow-Origin")
        attack.check(allowed in (None, ""), f"{method} allowed {allowed}")
    site = api.client.get("/api/auth/me", headers={"Origin": ORIGIN})
    assert site.headers.get("Access-Control-Allow-Origin") == ORIGIN  # the check is real


def test_the_live_channel_refuses_foreign_pages_and_keeps_admin_for_moderators(
    app: Flask, make_user: MakeUser, attempts: Callable[..., Attempts]
) -> None:
    attack = attempts()
    for origin in (EVIL, "null", "https://blog.example.evil", None):
        headers = {"Origin": origin} if origin else {}
        client = socketio.test_client(app, headers=headers)
        attack.check(not client.is_connected(), f"connected from {origin}")
    commenter = ApiClient(app.test_client())
    commenter.login(make_user())
    socket = socketio.test_client(
        app, flask_test_client=commenter.client, headers={"Origin": ORIGIN}
    )
    assert socket.is_connected()
    for room in ("admin", "post:hello", "../admin"):
        socket.emit("join", {"post": room}, callback=True)
    author = ApiClient(app.test_client())
    author.login(make_user())
    held = author.post("/api/posts/hello/comments", json={"body": "waiting for review"})
    assert held.get_json()["status"] == "pending"
    leaked = [e for e in socket.get_received() if e["name"] == "moderation:new"]
    attack.check(not leaked, "a commenter heard a held comment")


def test_no_route_answers_an_untrusted_host_or_builds_a_link_from_it(
    app: Flask, ada: User, attempts: Callable[..., Attempts]
) -> None:
    attack = attempts()
    client = app.test_client()
    gets = sorted(
        {
            r.rule
            for r in app.url_map.iter_rules()
            if "GET" in (r.methods or set()) and "<" not in r.rule and r.endpoint != "static"
        }
    )
    assert len(gets) >= 10
    for path in gets:
        for headers in ({"Host": "evil.example"}, {"X-Forwarded-Host": "evil.example"}):
            response = client.get(path, headers=headers)
            body = response.get_data(as_text=True)
            if "Host" in headers:
                attack.check(response.status_code == 400, f"{path} answered Host: evil.example")
            attack.check("evil.example" not in body, f"{path} echoed a forwarded host")
            attack.check(response.status_code < 500, f"{path} → {response.status_code}")
            location = response.headers.get("Location", "")
            attack.check(urlsplit(location).hostname in (None, "localhost"), f"{path} → {location}")
