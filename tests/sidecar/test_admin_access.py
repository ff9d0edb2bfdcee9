"""Every /admin/ route: signed out → the login page; a commenter → 403; moderators in.

The routes are read from the app's URL map, so a route added later is covered
without anyone remembering to add it here.
"""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest
from flask import Flask

from sidecar.models import Role, User
from tests.sidecar.browser import Browser
from tests.sidecar.conftest import MakeUser


def admin_routes(app: Flask, user: User) -> list[tuple[str, str]]:
    """(method, path) for every admin endpoint, with a real user id filled in."""
    routes = []
    for rule in app.url_map.iter_rules():
        if not rule.endpoint.startswith("admin."):
            continue
        values = {name: user.id for name in rule.arguments}
        built = rule.build(values)
        assert built is not None, rule
        path = built[1]
        for method in sorted((rule.methods or set()) - {"HEAD", "OPTIONS"}):
            routes.append((method, path))
    return routes


def test_the_url_map_has_the_whole_dashboard(app: Flask, make_user: MakeUser) -> None:
    paths = {path for _method, path in admin_routes(app, make_user())}
    assert {"/admin/", "/admin/queue", "/admin/users", "/admin/audit"} <= paths
    assert len(admin_routes(app, make_user())) >= 9


def test_signed_out_every_route_sends_to_the_login_page(app: Flask, make_user: MakeUser) -> None:
    client = app.test_client()
    token = client.get("/api/csrf").get_json()["csrf_token"]  # past CSRF, to the gate
    for method, path in admin_routes(app, make_user()):
        response = client.open(path, method=method, headers={"X-CSRFToken": token})
        assert response.status_code == 302, (method, path, response.status_code)
        target = urlsplit(response.headers["Location"])
        assert target.path == "/auth/login", path
        assert parse_qs(target.query)["next"] == [path], path  # and back afterwards


def test_a_commenter_is_refused_every_route(
    app: Flask, make_user: MakeUser, browser: Browser
) -> None:
    browser.login(make_user())
    token = browser.csrf_token("/comments/hello")
    for method, path in admin_routes(app, make_user()):
        response = browser.client.open(path, method=method, data={"csrf_token": token})
        assert response.status_code == 403, (method, path, response.status_code)
        assert b"for moderators and admins" in response.data


@pytest.mark.parametrize("role", [Role.MODERATOR, Role.ADMIN])
def test_moderators_and_admins_see_every_page(
    app: Flask, make_user: MakeUser, browser: Browser, role: Role
) -> None:
    browser.login(make_user(role=role))
    for method, path in admin_routes(app, make_user()):
        if method == "GET":
            response = browser.get(path)
            response.close()  # /admin/socket.io.js streams a file
            assert response.status_code == 200, (path, response.status_code)
            assert response.headers["Cache-Control"] == "no-store"
