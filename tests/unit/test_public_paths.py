"""One declaration of the sidecar's public paths (frostpress/public_paths.py), and
everything that must agree with it: the CDN's proxy rules, the dev server's
routing, the engine's routes and reserved page slugs, the sidecar's routes."""

from __future__ import annotations

import re
import tomllib
from typing import Any

import pytest
from werkzeug.test import Client
from werkzeug.wrappers import Response

from frostpress.dev.server import Backend, make_app
from frostpress.public_paths import (
    ENGINE_SEGMENTS,
    MANIFEST_PATH,
    RESERVED_PAGE_SLUGS,
    SIDECAR_PATHS,
    is_sidecar_path,
    proxied_paths,
)
from tests.conftest import REPO, Project

SIDECAR_HOST = "https://sidecar.example.org"


def netlify_proxies() -> list[dict[str, Any]]:
    config = tomllib.loads((REPO / "netlify.toml").read_text())
    return [rule for rule in config.get("redirects", []) if rule.get("status") == 200]


def test_netlify_proxies_exactly_the_declared_paths() -> None:
    rules = netlify_proxies()
    assert sorted(r["from"] for r in rules) == sorted(p.netlify_from for p in proxied_paths())
    for rule in rules:
        splat = "/:splat" if rule["from"].endswith("/*") else ""
        assert rule["to"] == SIDECAR_HOST + rule["from"].removesuffix("/*") + splat
        assert rule["force"] is True, f"{rule['from']} must win over a file of the same name"


def test_only_the_live_channel_and_dev_mail_skip_the_cdn() -> None:
    """CDN proxies carry no websocket upgrades: the browser goes to the sidecar's host.
    ``/dev/mail`` exists in development only, so the CDN has nothing to send there."""
    assert [p.path for p in SIDECAR_PATHS if not p.proxied] == ["/socket.io", "/dev/mail"]


def _rule_path(rule: Any) -> str:
    """A concrete path for a route: each variable part replaced by a sample."""
    return re.sub(r"<[^>]+>", "x1", rule.rule)


def test_every_route_of_the_sidecar_is_a_declared_path(project: Project) -> None:
    from sidecar import create_app

    project.post(title="Hello", slug="hello")
    app = create_app(
        {"TESTING": True, "SQLALCHEMY_DATABASE_URI": "sqlite://"},
        environ={"FROSTPRESS_ROOT": str(project.root)},
    )
    paths = [_rule_path(rule) for rule in app.url_map.iter_rules()]
    assert paths and not [p for p in paths if not is_sidecar_path(p)]


def test_every_route_of_the_site_is_the_engine_s(project: Project) -> None:
    from frostpress.web.app import create_app

    project.post(title="Hello", slug="hello")
    app = create_app(project.index())
    for rule in app.url_map.iter_rules():
        segment = rule.rule.strip("/").split("/", 1)[0]
        if not segment or "<" in segment or "." in segment or segment == "_redirects":
            continue  # "/", "/<slug>/", "/feed.xml": files at the root, or a page's slug
        assert segment in ENGINE_SEGMENTS, rule.rule
        assert not is_sidecar_path(rule.rule), f"{rule.rule} would be hidden by the proxy"
    assert MANIFEST_PATH in {r.rule for r in app.url_map.iter_rules()}


def test_a_page_may_not_take_a_path_the_site_or_the_sidecar_answers() -> None:
    for path in SIDECAR_PATHS:
        assert path.path.strip("/").split("/")[0] in RESERVED_PAGE_SLUGS
    assert ENGINE_SEGMENTS <= RESERVED_PAGE_SLUGS


def _dev_client(project: Project) -> Client:
    def sidecar(_environ: dict[str, Any], start_response: Any) -> Any:
        return Response("sidecar")(_environ, start_response)

    project.post(title="Hello", slug="hello")
    project.build()
    return Client(make_app(project.config(), None, Backend(sidecar)))


@pytest.mark.parametrize(
    "path",
    [
        "/api/posts",
        "/api",
        "/auth/login",
        "/comments/hello",
        "/admin/",
        "/search/results",
        "/socket.io/",
    ],
)
def test_make_dev_sends_the_declared_paths_to_the_sidecar(project: Project, path: str) -> None:
    assert _dev_client(project).get(path).get_data(as_text=True) == "sidecar"


@pytest.mark.parametrize("path", ["/search/results/more", "/apis/", "/search/", "/posts/hello/"])
def test_make_dev_leaves_every_other_path_to_the_site(project: Project, path: str) -> None:
    """As the CDN does: /search/results is one path, not a tree."""
    assert _dev_client(project).get(path).get_data(as_text=True) != "sidecar"
