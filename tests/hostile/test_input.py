"""Hostile input through every sink of the sidecar: it comes back inert, or is refused.

Each payload (tests/hostile/payloads.py) goes into comments (API create, the
thread JSON, the no-JS page, the moderation queue, the live event), previews,
usernames and search; every output is parsed and checked (tests/hostile/inert.py).
The database does not matter here: SQLite only. Rate limits are off, since they
are not what is tested and would refuse most of the payloads first.
"""

from __future__ import annotations

import html
from collections.abc import Iterator
from typing import Any

import pytest
from flask import Flask

from sidecar.extensions import limiter, socketio
from sidecar.models import Role, User
from tests.conftest import Project
from tests.hostile.inert import comment_problems, page_problems, snippet_problems
from tests.hostile.payloads import HUGE, PAYLOADS
from tests.hostile.report import Report
from tests.sidecar.browser import Browser
from tests.sidecar.conftest import ApiClient, MakeUser, error_of

SQLITE = pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
ORIGIN = "https://blog.example"
BENIGN = "Just *a* comment with [a link](https://ok.example)."


@pytest.fixture
def sidecar_config() -> Iterator[dict[str, Any]]:
    yield {"MODERATION": "all", "RATELIMIT_ENABLED": False, "SITE_ORIGINS": [ORIGIN]}
    # The limiter is one object per process and init_app keeps its last
    # "enabled" as the next app's default: switch it back on for the next test.
    limiter.enabled = True


@pytest.fixture
def blog(project: Project) -> Project:
    """A post to comment on, and one whose text is every payload (for search)."""
    project.post(title="Hello there", slug="hello", tags=["python"])
    text = "\n".join(html.escape(payload) for payload in PAYLOADS)
    project.post(title="Hostile text", slug="hostile", body=f"<pre>\n{text}\n</pre>\n")
    return project


class Findings:
    """What each sink let through: counted into the tally, then asserted empty."""

    def __init__(self, hostile: Report) -> None:
        self.hostile = hostile
        self.found: dict[str, list[str]] = {}

    def check(self, sink: str, tried: int, problems: list[str]) -> None:
        self.hostile.add("input", tried, min(tried, len(problems)), f"{sink}: {problems[:3]}")
        if problems:
            self.found[sink] = problems

    def each(self, sink: str, outputs: dict[str, list[str]]) -> None:
        """``outputs``: payload → its problems in this sink."""
        bad = {payload: problems for payload, problems in outputs.items() if problems}
        self.hostile.add("input", len(outputs), len(bad), f"{sink}: {list(bad.items())[:3]}")
        if bad:
            self.found[sink] = [f"{payload!r}: {problems}" for payload, problems in bad.items()]


@pytest.fixture
def findings(hostile: Report) -> Iterator[Findings]:
    found = Findings(hostile)
    yield found
    assert not found.found, found.found


def signed_in(app: Flask, user: User) -> ApiClient:
    api = ApiClient(app.test_client())
    api.login(user)
    return api


def flat(items: list[dict[str, Any]]) -> Iterator[dict[str, Any]]:
    for item in items:
        yield item
        yield from flat(item.get("replies") or [])


def page_text(browser: Browser, path: str) -> str:
    response = browser.get(path)
    assert response.status_code == 200, (path, response.status_code)
    return str(response.get_data(as_text=True))


@SQLITE
def test_comments_stay_inert_in_every_place_they_are_shown(
    app: Flask, ada: User, make_user: MakeUser, findings: Findings
) -> None:
    author = signed_in(app, ada)
    moderator = signed_in(app, make_user(role=Role.ADMIN))
    live = socketio.test_client(app, flask_test_client=moderator.client, headers={"Origin": ORIGIN})
    assert live.is_connected()
    author_pages, moderator_pages = Browser(author.client), Browser(moderator.client)
    # The pages with ordinary comments held (more than a queue page holds): what
    # they show without hostile text.
    for _ in range(51):
        assert author.post("/api/posts/hello/comments", json={"body": BENIGN}).status_code == 201
    thread_baseline = page_text(author_pages, "/comments/hello")
    queue_baseline = page_text(moderator_pages, "/admin/queue?page=1")
    live.get_received()

    created: dict[int, str] = {}
    answered: dict[str, list[str]] = {}
    for payload in PAYLOADS:
        response = author.post("/api/posts/hello/comments", json={"body": payload})
        if response.status_code != 201:
            answered[payload] = [f"answered {response.status_code}"]
            continue
        comment = response.get_json()
        assert comment["status"] == "pending"
        created[comment["id"]] = payload
        answered[payload] = comment_problems(comment["body_html"])
    findings.each("comment create (201 JSON)", answered)

    events = [e["args"][0] for e in live.get_received() if e["name"] == "moderation:new"]
    findings.each(
        "live moderation:new",
        {created[e["id"]]: comment_problems(e["body_html"]) for e in events if e["id"] in created},
    )
    findings.check("live moderation:new (missing)", 0, [] if len(events) == len(created) else ["?"])

    shown = {c["id"]: c for c in flat(author_comments(author))}
    findings.each(
        "thread JSON",
        {
            payload: comment_problems(shown[id_]["body_html"]) if id_ in shown else ["not shown"]
            for id_, payload in created.items()
        },
    )
    pages = (len(created) + 1) // 50 + 2  # 50 top-level comments a page, and the benign one
    problems = [
        problem
        for number in range(1, pages + 1)
        for problem in page_problems(
            page_text(author_pages, f"/comments/hello?page={number}"),
            # Later pages' forms post back to their page: the same forms, paged.
            thread_baseline.replace('action="/comments/hello"', 'action="/comments/hello?page=2"')
            + thread_baseline,
        )
    ]
    findings.check("no-JS thread page", len(created), problems)
    for number in range(1, (len(created) + 51) // 50 + 2):
        queue = page_text(moderator_pages, f"/admin/queue?page={number}")
        problems = page_problems(queue, queue_baseline)
        findings.check(f"moderation queue page {number}", min(50, len(created)), problems)


@SQLITE
def test_previews_stay_inert(app: Flask, ada: User, findings: Findings) -> None:
    api = signed_in(app, ada)
    outputs = {}
    for payload in PAYLOADS:
        response = api.post("/api/comments/preview", json={"body": payload})
        ok = response.status_code == 200
        outputs[payload] = (
            comment_problems(response.get_json()["body_html"])
            if ok
            else [f"answered {response.status_code}"]
        )
    findings.each("preview", outputs)


@SQLITE
def test_huge_bodies_are_refused_clearly(app: Flask, ada: User, findings: Findings) -> None:
    api = signed_in(app, ada)
    browser = Browser(api.client)
    outputs = {}
    for body in HUGE:
        problems = []
        for path in ("/api/posts/hello/comments", "/api/comments/preview"):
            response = api.post(path, json={"body": body})
            if response.status_code not in (413, 422):
                problems.append(f"{path} answered {response.status_code}")
            elif not error_of(response)["message"]:
                problems.append(f"{path}: no message")
        form = browser.submit("/comments/hello", body=body)
        if form.status_code not in (413, 422):
            problems.append(f"the no-JS form answered {form.status_code}")
        outputs[body[:30]] = problems
    findings.each("100 KB bodies", outputs)
    assert author_comments(api) == []


def author_comments(api: ApiClient) -> list[dict[str, Any]]:
    """Every page of the thread (it is paged by top-level comments)."""
    items: list[dict[str, Any]] = []
    page = 1
    while True:
        found = api.get(f"/api/posts/hello/comments?per_page=100&page={page}").get_json()
        items += found["items"]
        if page >= found["pages"]:
            return items
        page += 1


@SQLITE
def test_usernames_are_refused_or_shown_escaped(
    app: Flask, make_user: MakeUser, findings: Findings
) -> None:
    api = ApiClient(app.test_client())
    accepted = []
    refused: dict[str, list[str]] = {}
    for number, payload in enumerate(PAYLOADS):
        response = api.post(
            "/api/auth/register",
            json={
                "email": f"h{number}@example.test",
                "username": payload,
                "password": "correct horse battery",
            },
        )
        if response.status_code == 201:
            accepted.append(response.get_json()["username"])
            refused[payload] = []
        else:  # a refusal is safe, if it is a clear one
            status = response.status_code
            refused[payload] = [] if status in (409, 422) else [f"answered {status}"]
    findings.each("username at registration", refused)

    # Whatever the rule lets through, and names the rule never saw (rows from before
    # it, an admin's rename): the pages escape them. The column holds 40 characters.
    unique = {p.lower(): p for p in PAYLOADS if len(p) <= 40 and p.lower() not in accepted}
    names = accepted + list(unique.values())[:60]
    admin = Browser(signed_in(app, make_user(role=Role.ADMIN)).client)
    users_baseline = page_text(admin, "/admin/users?q=zzz-nobody")
    author = signed_in(app, make_user())
    assert author.post("/api/posts/hello/comments", json={"body": BENIGN}).status_code == 201
    approve_all(app)
    thread_baseline = page_text(admin, "/comments/hello")
    for name in names:
        if name in accepted:
            continue
        user = make_user(username=name)
        response = signed_in(app, user).post("/api/posts/hello/comments", json={"body": BENIGN})
        assert response.status_code == 201, (name, response.get_json())
    approve_all(app)
    pages = [page_text(admin, f"/admin/users?page={n}") for n in (1, 2)]
    problems = [p for page in pages for p in page_problems(page, users_baseline)]
    findings.check("usernames on the admin people page", len(names), problems)
    thread = page_text(admin, "/comments/hello")
    findings.check(
        "usernames on the no-JS thread page", len(names), page_problems(thread, thread_baseline)
    )


def approve_all(app: Flask) -> None:
    from sidecar.extensions import db
    from sidecar.models import Comment

    with app.app_context():
        for comment in db.session.scalars(db.select(Comment)):
            comment.status = "approved"
        db.session.commit()


@SQLITE
def test_search_queries_stay_inert(app: Flask, findings: Findings) -> None:
    client = app.test_client()
    browser = Browser(client)
    baseline = page_text(browser, "/search/results?q=hostile")
    api_outputs, page_outputs = {}, {}
    hits = 0
    for payload in PAYLOADS:
        response = client.get("/api/search", query_string={"q": payload})
        if response.status_code == 200:
            items = response.get_json()["items"]
            hits += bool(items)
            api_outputs[payload] = [p for i in items for p in snippet_problems(i["snippet_html"])]
        else:
            status = response.status_code
            api_outputs[payload] = [] if status == 422 else [f"answered {status}"]
        page = client.get("/search/results", query_string={"q": payload})
        if page.status_code in (200, 422):
            page_outputs[payload] = page_problems(page.get_data(as_text=True), baseline)
        else:
            page_outputs[payload] = [f"answered {page.status_code}"]
    findings.each("search API snippets", api_outputs)
    findings.each("search results page", page_outputs)
    assert hits > len(PAYLOADS) // 2  # the hostile post's text was found, so snippets were made


# -- the checker itself: each of these is a real bypass, and must be flagged ------------------
DANGEROUS = [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "<svg><a href=x>x</a></svg>",
    "<math></math>",
    '<p onclick="alert(1)">x</p>',
    '<a href="javascript:alert(1)" rel="nofollow ugc noopener noreferrer">x</a>',
    '<a href="&#x6A;avascript:alert(1)" rel="nofollow ugc noopener noreferrer">x</a>',
    '<a href=" JaVa&#x09;ScRiPt:alert(1)" rel="nofollow ugc noopener noreferrer">x</a>',
    '<a href="\x01javascript:alert(1)" rel="nofollow ugc noopener noreferrer">x</a>',
    '<a href="data:text/html,x" rel="nofollow ugc noopener noreferrer">x</a>',
    '<a href="https://ok.example">no rel</a>',
    '<a href="https://ok.example/\u202egnp.exe" rel="nofollow ugc noopener noreferrer">x</a>',
    '<div class="flash admin">styled like the site</div>',
    '<p style="position:fixed">x</p>',
    '<iframe src="https://evil.example"></iframe>',
    '<form action="/x"><input name="a"></form>',
    '<meta http-equiv="refresh" content="0">',
    '<base href="https://evil.example/">',
]


@pytest.mark.parametrize("dangerous", DANGEROUS)
def test_the_checker_flags_dangerous_html(dangerous: str) -> None:
    assert comment_problems(dangerous), dangerous


def test_the_checker_passes_what_comments_may_hold() -> None:
    ok = (
        '<p><em>a</em> <a href="https://ok.example/?a=1&amp;b" rel="nofollow ugc noopener'
        ' noreferrer">l</a> <a href="/posts/x/" rel="nofollow ugc noopener noreferrer">r</a></p>'
        '<div class="highlight"><pre><span></span><code><span class="k">def</span></code></pre>'
        '</div><ol start="3"><li>x</li></ol><a href="java script:x" rel="nofollow ugc noopener'
        ' noreferrer">a relative path</a>'
    )
    assert comment_problems(ok) == []


def test_the_page_checker_flags_what_hostile_text_added() -> None:
    page = '<html><head><script src="/static/site.js"></script></head><body>{}</body></html>'
    baseline = page.format('<div class="body"><p>hi</p></div>')
    assert page_problems(baseline, baseline) == []
    for injected in [
        '<div class="body"><p>hi</p></div><script>alert(1)</script>',
        '<div class="body"><p>hi</p></div><script src="//evil.example/x.js"></script>',
        '<div class="body"><img src=x></div>',
        '<div class="body"><p>x</p></div><p title="x" onmouseover="alert(1)">',
        '<div class="body"></div><a href="javascript:alert(1)">x</a>',
        '<textarea></textarea><form action="https://evil.example/"><input name="password">',
    ]:
        assert page_problems(page.format(injected), baseline), injected
    assert snippet_problems("a <mark>word</mark> &lt;script&gt;") == []
    assert snippet_problems("a <b>word</b>")
    assert snippet_problems('<mark onclick="x">word</mark>')
