"""Every render costs a worker's time, so previews and edits have budgets of their
own: per user (not per address), and for edits and deletes one budget whether they
come through the API or the no-JavaScript form. No write route is left without one."""

from __future__ import annotations

from typing import Any

from flask import Flask
from flask_limiter.util import get_qualified_name

from sidecar import deps
from sidecar.extensions import limiter
from sidecar.models import User
from tests.sidecar.browser import Browser
from tests.sidecar.conftest import ApiClient, MakeUser, error_of

PREVIEW = {"body": "*soon*"}
PREVIEWS_PER_MINUTE = 10
EDITS_PER_MINUTE = 10


def assert_rate_limited(response: Any) -> None:
    assert response.status_code == 429, response.get_data(as_text=True)[:300]
    assert error_of(response)["code"] == "rate_limited"
    assert int(response.headers["Retry-After"]) > 0


def test_preview_is_for_signed_in_readers_only(app: Flask, api: ApiClient, ada: User) -> None:
    response = api.post("/api/comments/preview", json=PREVIEW)
    assert response.status_code == 401
    assert error_of(response)["code"] == "unauthorized"
    assert "body_html" not in response.get_json()
    api.login(ada)
    assert api.post("/api/comments/preview", json=PREVIEW).status_code == 200


def test_previews_are_counted_per_user_not_per_address(
    app: Flask, api: ApiClient, make_user: MakeUser
) -> None:
    api.login(make_user())
    for _ in range(PREVIEWS_PER_MINUTE):
        assert api.post("/api/comments/preview", json=PREVIEW).status_code == 200
    assert_rate_limited(api.post("/api/comments/preview", json=PREVIEW))

    neighbour = ApiClient(app.test_client())  # the same address, another account
    neighbour.login(make_user())
    assert neighbour.post("/api/comments/preview", json=PREVIEW).status_code == 200


def test_edits_share_one_budget_per_user_across_the_api_and_the_form(
    app: Flask, api: ApiClient, ada: User, browser: Browser, make_user: MakeUser
) -> None:
    api.login(ada)
    browser.login(ada)
    mine = api.post("/api/posts/hello/comments", json={"body": "draft"}).get_json()["id"]
    form = f"/comments/hello/{mine}/edit"
    half = EDITS_PER_MINUTE // 2
    for n in range(half):
        assert api.patch(f"/api/comments/{mine}", json={"body": f"api {n}"}).status_code == 200
    for n in range(EDITS_PER_MINUTE - half):
        assert browser.submit(form, body=f"form {n}").status_code == 303
    assert_rate_limited(api.patch(f"/api/comments/{mine}", json={"body": "one more"}))
    refused = browser.submit(form, body="one more")
    assert refused.status_code == 429 and refused.mimetype == "text/html"
    shown = api.get("/api/posts/hello/comments").get_json()["items"][0]
    assert shown["body"] == f"form {EDITS_PER_MINUTE - half - 1}"

    other = ApiClient(app.test_client())  # someone else's edits are their own
    other.login(make_user())
    theirs = other.post("/api/posts/hello/comments", json={"body": "x"}).get_json()["id"]
    assert other.patch(f"/api/comments/{theirs}", json={"body": "y"}).status_code == 200


DELETES_PER_MINUTE = 10


def test_deletes_share_one_budget_per_user_across_the_api_and_the_form(
    app: Flask, api: ApiClient, ada: User, browser: Browser
) -> None:
    api.login(ada)
    browser.login(ada)
    with app.test_request_context():  # stored directly: the comment budget is not the point
        service = deps.comments()
        mine = [service.create(ada, "hello", f"c{n}").id for n in range(DELETES_PER_MINUTE + 1)]
    for comment_id in mine[: DELETES_PER_MINUTE // 2]:
        assert api.delete(f"/api/comments/{comment_id}").status_code == 204
    for comment_id in mine[DELETES_PER_MINUTE // 2 : DELETES_PER_MINUTE]:
        assert browser.submit(f"/comments/hello/{comment_id}/delete").status_code == 303
    assert_rate_limited(api.delete(f"/api/comments/{mine[-1]}"))
    assert browser.submit(f"/comments/hello/{mine[-1]}/delete").status_code == 429


def test_every_write_route_has_a_rate_limit(app: Flask) -> None:
    """A route that changes something and has no budget is a denial of service (or
    a brute force) waiting to happen: each has one, per user or per address."""
    writes = {"POST", "PUT", "PATCH", "DELETE"}
    unlimited = []
    for rule in app.url_map.iter_rules():
        if not (rule.methods or set()) & writes or rule.endpoint == "static":
            continue
        view = app.view_functions[rule.endpoint]
        name = get_qualified_name(view)
        blueprint = rule.endpoint.rpartition(".")[0]
        with app.test_request_context():  # some limits are read from the settings
            own = limiter.limit_manager.decorated_limits(name)
            shared = limiter.limit_manager.blueprint_limits(app, blueprint)
        if not own and not shared:
            unlimited.append(f"{sorted((rule.methods or set()) & writes)} {rule.rule}")
    assert not unlimited, unlimited
