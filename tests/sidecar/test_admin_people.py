"""People in the dashboard: finding them, roles (admins only), bans, and the audit log."""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask

from sidecar.models import Role, User
from tests.sidecar.browser import Browser, audit_rows, press
from tests.sidecar.conftest import ApiClient, MakeUser


@pytest.fixture
def sidecar_config() -> dict[str, Any]:
    return {"MODERATION": "first"}


def staff(make_user: MakeUser, new_browser: Any, role: Role, name: str) -> Browser:
    browser: Browser = new_browser()
    browser.login(make_user(role=role, username=name))
    return browser


def signed_in_api(app: Flask, user: User) -> ApiClient:
    api = ApiClient(app.test_client())
    api.login(user)
    return api


def test_people_are_found_by_name_or_email_and_by_role(
    app: Flask, make_user: MakeUser, new_browser: Any
) -> None:
    admin = staff(make_user, new_browser, Role.ADMIN, "root")
    make_user(username="alice")
    make_user(username="alfred", role=Role.MODERATOR)
    make_user(username="bob")
    names = lambda page: [a.text for a in page.find("table").find_all("a")]  # noqa: E731
    assert sorted(names(admin.page("/admin/users?q=AL"))) == ["alfred", "alice"]
    assert names(admin.page("/admin/users?q=bob@example")) == ["bob"]
    assert names(admin.page("/admin/users?role=moderator")) == ["alfred"]
    assert "Nobody matches." in admin.page("/admin/users?q=zzz").text
    assert "Nobody matches." in admin.page("/admin/users?q=%25").text  # % is not a wildcard


def test_only_admins_change_roles_and_the_old_session_ends(
    app: Flask, make_user: MakeUser, new_browser: Any
) -> None:
    admin = staff(make_user, new_browser, Role.ADMIN, "root")
    moderator = staff(make_user, new_browser, Role.MODERATOR, "mod")
    carol = make_user(username="carol")
    carols_session = signed_in_api(app, carol)

    assert "Only admins can change roles." in press(moderator, carol, "role", role="moderator")
    assert "Change role" not in moderator.page(f"/admin/users/{carol.id}").text
    assert "carol is now moderator." in press(admin, carol, "role", role="moderator")
    assert carols_session.get("/api/auth/me").status_code == 401  # signed out everywhere
    assert signed_in_api(app, carol).get("/admin/queue").status_code == 200
    ((_when, who, action, target, detail),) = audit_rows(admin.page("/admin/audit?action=role"))
    assert (who, action, target, detail) == (
        "root",
        "role",
        f"user {carol.id}",
        "commenter → moderator",
    )
    assert [row[4] for row in audit_rows(admin.page("/admin/audit?actor=root"))] == [
        "commenter → moderator"
    ]

    root = admin.page("/admin/users?q=root").find("table").find("a").attrs["href"]
    me = int(root.rsplit("/", 1)[1])
    with app.app_context():
        from sidecar.extensions import db

        myself = db.session.get(User, me)
        assert myself is not None
        db.session.expunge(myself)
    assert "You cannot change your own role." in press(admin, myself, "role", role="commenter")
    assert "not a valid change" in press(admin, carol, "role", role="emperor")


def test_a_ban_stops_signing_in_and_commenting_and_empties_their_queue(
    app: Flask, make_user: MakeUser, new_browser: Any
) -> None:
    moderator = staff(make_user, new_browser, Role.MODERATOR, "mod")
    troll = make_user(username="troll")
    api = signed_in_api(app, troll)
    held = api.post("/api/posts/hello/comments", json={"body": "first!"}).get_json()
    assert held["status"] == "pending"

    assert "Banned; 1 pending comments left the queue." in press(moderator, troll, "ban")
    assert api.get("/api/auth/me").status_code == 401  # their session ended
    login = ApiClient(app.test_client()).post(
        "/api/auth/login", json={"login": "troll", "password": "correct horse battery"}
    )
    assert login.status_code == 403 and login.get_json()["error"]["code"] == "banned"
    assert "first!" not in moderator.page("/admin/queue").text
    assert "first!" in moderator.page("/admin/queue?status=rejected").text
    assert "troll" in moderator.page("/admin/users?role=banned").text

    assert "troll may sign in again." in press(moderator, troll, "unban")
    assert signed_in_api(app, troll).get("/api/auth/me").status_code == 200
    history = moderator.page(f"/admin/users/{troll.id}").text
    assert "mod — ban (1 pending comments rejected)" in history and "mod — unban" in history


def test_moderators_cannot_ban_staff_and_nobody_bans_themselves(
    app: Flask, make_user: MakeUser, new_browser: Any
) -> None:
    moderator = staff(make_user, new_browser, Role.MODERATOR, "mod")
    admin_user = make_user(role=Role.ADMIN, username="boss")
    other_mod = make_user(role=Role.MODERATOR, username="mod2")
    assert "Only admins can ban moderators and admins." in press(moderator, admin_user, "ban")
    assert "Only admins can ban moderators and admins." in press(moderator, other_mod, "ban")
    assert signed_in_api(app, other_mod).get("/api/auth/me").status_code == 200


def test_a_persons_page_lists_their_comments_in_every_state(
    app: Flask, make_user: MakeUser, new_browser: Any
) -> None:
    moderator = staff(make_user, new_browser, Role.MODERATOR, "mod")
    dora = make_user(username="dora")
    api = signed_in_api(app, dora)
    api.post("/api/posts/hello/comments", json={"body": "held one"})
    api.post("/api/posts/second/comments", json={"body": "another"})
    page = moderator.page(f"/admin/users/{dora.id}")
    assert "Comments (2)" in page.text
    assert "held one" in page.text and "another" in page.text
    assert moderator.get("/admin/users/99999").status_code == 404
