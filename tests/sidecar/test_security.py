"""Hostile comments come back inert; headers, CORS, redirects and addresses are safe."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import pytest
from flask import Flask

from sidecar.security import safe_next_url
from sidecar.services.rendering import render_comment
from tests.hostile.inert import REL, assert_inert
from tests.sidecar.conftest import ApiClient, MakeUser


def preview(api: ApiClient, body: str) -> str:
    response = api.post("/api/comments/preview", json={"body": body})
    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    html: str = response.get_json()["body_html"]
    return html


HOSTILE = [
    "<script>alert(1)</script>",
    "<SCRIPT SRC=//evil.example/x.js></SCRIPT>",
    "<<script>script>alert(1)<</script>/script>",
    "<img src=x onerror=alert(1)>",
    "*<img src=x onerror=alert(1)>*",
    "![tracker](https://evil.example/pixel.png)",
    "![x](javascript:alert(1))",
    '[![x](https://evil.example/a.png)](https://evil.example "t")',
    "[click](javascript:alert(1))",
    "[click](JaVaScRiPt:alert(1))",
    "[click](&#106;avascript:alert(1))",
    "[click](&#x6A;avascript&#58;alert(1))",
    "[click](java&#x09;script:alert(1))",
    "[click](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "[click](vbscript:msgbox(1))",
    "[click][ref]\n\n[ref]: javascript:alert(1)",
    '[x](https://ok.example "a\\" onmouseover=\\"alert(1)")',
    '<https://ok.example/" onmouseover="alert(1)>',
    '<a href="javascript:alert(1)">x</a>',
    '<p onclick="alert(1)">x</p>',
    '<div style="background:url(javascript:alert(1))">x</div>',
    "<svg onload=alert(1)>",
    "<svg><script>alert(1)</script></svg>",
    '<math><mi xlink:href="javascript:alert(1)">x</mi></math>',
    "<style>body{display:none}</style>",
    '<iframe src="https://evil.example"></iframe>',
    '<iframe srcdoc="<script>alert(1)</script>">',
    '<object data="javascript:alert(1)"></object>',
    '<form action="javascript:alert(1)"><button>go</button></form>',
    '<base href="https://evil.example/">',
    '<meta http-equiv="refresh" content="0;url=https://evil.example">',
    '<details open ontoggle="alert(1)">x</details>',
    '<noscript><p title="</noscript><img src=x onerror=alert(1)>">',
    "<!-- <script>alert(1)</script> -->",
    "&lt;script&gt;alert(1)&lt;/script&gt;",
    "&#60;script&#62;alert(1)&#60;/script&#62;",
    "`<script>alert(1)</script>`",
    "```html\n<script>alert(1)</script>\n<img src=x onerror=alert(1)>\n```",
    "> <script>alert(1)</script>\n> [x](javascript:alert(1))",
    "- <iframe src=//evil.example>\n- <svg/onload=alert(1)>",
]


@pytest.mark.parametrize("body", HOSTILE)
def test_hostile_markdown_renders_inert(body: str) -> None:
    assert_inert(render_comment(body))


# Every hostile body in one comment has far more links than the spam checks let
# through at once; it is the public thread's copy that is tested here.
@pytest.mark.parametrize("sidecar_config", [{"SPAM_MAX_LINKS": 1000}])
def test_hostile_comments_come_back_inert_from_the_api(
    app: Flask, api: ApiClient, make_user: MakeUser, sidecar_config: dict[str, Any]
) -> None:
    api.login(make_user())
    for body in HOSTILE[::4]:  # the preview allows 10 a minute
        assert_inert(preview(api, body))
    body = "\n\n".join(HOSTILE)
    created = api.post("/api/posts/hello/comments", json={"body": body})
    assert created.status_code == 201
    shown = app.test_client().get("/api/posts/hello/comments").get_json()["items"][0]
    assert shown["body_html"] == created.get_json()["body_html"]
    assert_inert(shown["body_html"])


@pytest.mark.parametrize(
    "body", ["<script>alert(1)</script>", "<b>bold?</b> & 1 < 2", "&lt;i&gt; stays text"]
)
def test_raw_html_is_kept_as_visible_text(body: str) -> None:
    parsed = assert_inert(render_comment(body))
    expected = body.replace("&lt;", "<").replace("&gt;", ">")
    assert parsed.text.strip() == expected


@pytest.mark.parametrize(
    ("body", "href"),
    [
        ("[a](https://ok.example/path?q=1)", "https://ok.example/path?q=1"),
        ("[a](http://ok.example)", "http://ok.example"),
        ("[m](mailto:ada@example.com)", "mailto:ada@example.com"),
        ("<https://auto.example>", "https://auto.example"),
        ("[f](ftp://files.example)", None),
        ("[j](javascript:alert(1))", None),
        ("[d](data:text/html,hi)", None),
        ("[t](tel:+15550100)", None),
        ("[f](file:///etc/passwd)", None),
    ],
)
def test_links_keep_only_web_and_mail_schemes_and_get_rel(body: str, href: str | None) -> None:
    parsed = assert_inert(render_comment(body))
    links = [attrs for tag, attrs in parsed.elements if tag == "a"]
    assert len(links) <= 1
    assert (links[0].get("href") if links else None) == href
    if href:
        assert links[0]["rel"] == REL


@pytest.mark.parametrize(
    "fence",
    [
        '```{.python style="color:red"}',  # reached CodeHilite twice: a TypeError, a 500
        "```{.python pygments_style=nope noclasses=true}",
        "```{.python .flash css_class=admin-banner}",  # the site's own classes
        "```{.x use_pygments=false lang_prefix=evil-}",
    ],
)
def test_a_fence_keeps_its_language_and_nothing_else(api: ApiClient, ada: Any, fence: str) -> None:
    api.login(ada)
    response = api.post("/api/comments/preview", json={"body": f"{fence}\nx = 1\n```"})
    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    body_html = response.get_json()["body_html"]
    assert_inert(body_html)
    assert body_html.startswith('<div class="highlight"><pre>'), body_html


@pytest.mark.parametrize(
    ("body", "attribute"),
    [
        (
            "[invoice](https://ok.example/\u202egnp.exe)",
            'href="https://ok.example/%E2%80%AEgnp.exe"',
        ),
        ("<https://ok.example/\u2066x\u2069>", 'href="https://ok.example/%E2%81%A6x%E2%81%A9"'),
        ('[x](https://ok.example "\u202eeulav")', 'title="eulav"'),
    ],
)
def test_links_show_no_bidi_controls_in_their_attributes(body: str, attribute: str) -> None:
    rendered = render_comment(body)
    assert attribute in rendered, rendered
    assert_inert(rendered)


# -- pathological Markdown ------------------------------------------------------------------
def in_fresh_thread(action: Callable[[], Any]) -> Any:
    """Run in a thread of its own, so a renderer that breaks cannot leak into other tests."""
    outcome: dict[str, Any] = {}

    def run() -> None:
        try:
            outcome["value"] = action()
        except BaseException as exc:  # handed back to the test below
            outcome["error"] = exc

    worker = threading.Thread(target=run)
    worker.start()
    worker.join(timeout=60)
    assert not worker.is_alive(), "rendering never finished"
    if "error" in outcome:
        raise outcome["error"]
    return outcome["value"]


@pytest.mark.parametrize(
    "body",
    [
        "[" * 8000,
        "[a](" * 2000,
        "![" * 4000,
        ">" * 7999 + "a",
        "> " * 3999 + "a",
        "*" * 8000,
        "*a" * 4000,
        "**a" * 2666,
        "_" * 8000,
        "`" * 8000,
        "<" * 8000,
        "1. " * 2666,
        "- " * 3999 + "a",
        "- 1. " * 1600,
    ],
    ids=lambda body: f"{body[:4]!r}x{len(body)}",
)
def test_pathological_markdown_renders_within_the_budget_and_breaks_nothing(
    app: Flask, api: ApiClient, ada: Any, body: str
) -> None:
    app.config["PROPAGATE_EXCEPTIONS"] = False  # a crash answers 500, as in production
    api.login(ada)

    def render() -> tuple[Any, Any]:
        response = api.post("/api/comments/preview", json={"body": body})
        after = api.post("/api/comments/preview", json={"body": "*ok* [l](https://ok.example)"})
        return response, after

    # The server enforces its own time budget (a render past it is a 422
    # render_timeout): a 200 means it rendered within it. Timings: bench/.
    response, after = in_fresh_thread(render)
    problems = []
    if response.status_code != 200:
        problems.append(f"answered {response.status_code}: {response.get_json()}")
    if after.get_json() != {
        "body_html": (f'<p><em>ok</em> <a href="https://ok.example" rel="{REL}">l</a></p>')
    }:
        problems.append(f"the next comment renders wrong: {after.get_json()}")
    assert not problems, problems
    assert_inert(response.get_json()["body_html"])


# -- headers --------------------------------------------------------------------------------
@pytest.mark.parametrize("path", ["/api/posts", "/api/nope", "/auth/login"])
def test_security_headers_are_on_every_response(api: ApiClient, path: str) -> None:
    headers = api.get(path).headers
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["X-Frame-Options"] == "DENY"
    assert headers["Referrer-Policy"] in {
        "no-referrer",
        "same-origin",
        "strict-origin",
        "strict-origin-when-cross-origin",
    }
    policy = {
        part.split()[0]: part.split()[1:]
        for part in headers["Content-Security-Policy"].split(";")
        if part.strip()
    }
    assert policy["default-src"] == ["'self'"]
    assert policy["object-src"] == ["'none'"]
    assert policy["frame-ancestors"] == ["'none'"]
    script = policy.get("script-src", policy["default-src"])
    assert "'unsafe-inline'" not in script and "'unsafe-eval'" not in script


def test_security_headers_are_on_writes_and_errors_too(api: ApiClient) -> None:
    for response in (
        api.post("/api/comments/preview", json={"body": "x"}),
        api.post("/api/auth/login", json={}),
    ):
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert "Content-Security-Policy" in response.headers


# -- CORS -----------------------------------------------------------------------------------
SITE = {"SITE_ORIGINS": ["https://blog.example"]}


@pytest.mark.parametrize("sidecar_config", [SITE])
def test_the_site_origin_may_call_the_api_with_credentials(api: ApiClient) -> None:
    response = api.get("/api/posts", headers={"Origin": "https://blog.example"})
    assert response.headers["Access-Control-Allow-Origin"] == "https://blog.example"
    assert response.headers["Access-Control-Allow-Credentials"] == "true"
    preflight = api.client.options(
        "/api/posts/hello/comments",
        headers={
            "Origin": "https://blog.example",
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "X-CSRFToken, Content-Type",
        },
    )
    assert preflight.status_code in (200, 204)
    assert preflight.headers["Access-Control-Allow-Origin"] == "https://blog.example"
    assert preflight.headers["Access-Control-Allow-Credentials"] == "true"
    assert "POST" in preflight.headers["Access-Control-Allow-Methods"]
    assert "x-csrftoken" in preflight.headers["Access-Control-Allow-Headers"].lower()


@pytest.mark.parametrize("sidecar_config", [SITE, {}], ids=["site origin set", "none set"])
def test_other_origins_get_no_cors_headers(api: ApiClient) -> None:
    for origin in (
        "https://evil.example",
        "http://blog.example",
        "https://blog.example:8443",
        "https://blog.example.evil.example",
        "https://evil.blog.example",
        "null",
    ):
        for response in (
            api.get("/api/posts", headers={"Origin": origin}),
            api.client.options(
                "/api/posts/hello/comments",
                headers={"Origin": origin, "Access-Control-Request-Method": "POST"},
            ),
        ):
            assert "Access-Control-Allow-Origin" not in response.headers, origin
            assert "Access-Control-Allow-Credentials" not in response.headers, origin


@pytest.mark.parametrize("sidecar_config", [SITE])
def test_cors_is_for_the_api_only(api: ApiClient) -> None:
    response = api.get("/auth/login", headers={"Origin": "https://blog.example"})
    assert "Access-Control-Allow-Origin" not in response.headers


# -- redirects and addresses ----------------------------------------------------------------
@pytest.mark.parametrize(
    "target",
    [
        None,
        "",
        "//evil.example",
        "///evil.example",
        "/\\evil.example",
        "\\\\evil.example",
        "/\\/evil.example",
        "https://evil.example",
        "http:evil.example",
        "evil.example/path",
        "javascript:alert(1)",
        "JavaScript:alert(1)",
        " /posts/",
        "/\t/evil.example",
        "/\r\nLocation: https://evil.example",
        "/posts\x00",
    ],
)
def test_safe_next_url_refuses_anything_off_site(target: str | None) -> None:
    assert safe_next_url(target) == "/"
    assert safe_next_url(target, default="/home") == "/home"


@pytest.mark.parametrize(
    "target", ["/", "/posts/hello/", "/posts/hello/?page=2#comments", "/tags/a:b/"]
)
def test_safe_next_url_keeps_paths_on_this_site(target: str) -> None:
    assert safe_next_url(target) == target
