"""Anonymous reads come from the read cache, and change right after every write.

A repeat anonymous read of a thread, the counts or a post's metadata is
answered without the database, with an ``ETag`` (304 when the reader has it)
and ``Cache-Control`` that lets a CDN keep it a few seconds. Every kind of
write — a new comment, an edit, a delete, approve, reject, a ban — shows in the
very next read, in this process and in another one sharing Redis. A signed-in
reader's answer (their own held comments) is ``private, no-store`` and is
never what anyone else is served.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any

import pytest
import requests
from flask import Flask

from sidecar.models import Role, User
from tests.conftest import Project
from tests.sidecar.browser import Browser
from tests.sidecar.conftest import ApiClient, MakeUser, statements_during
from tests.sidecar.sidecars import Writer, sidecar_env, two_sidecars

THREAD = "/api/posts/hello/comments"
COUNTS = "/api/counts?slugs=hello,second"
POST = "/api/posts/hello"
PUBLIC = "public, max-age=0, must-revalidate"  # browsers always ask again
CDN = "public, max-age=5, stale-while-revalidate=30"  # only CDNs keep it a while
PRIVATE = "private, no-store"


@pytest.fixture
def sidecar_config() -> dict[str, Any]:
    # Every comment of a commenter waits for a moderator: held comments to hide.
    return {"MODERATION": "all"}


def anonymous(app: Flask, path: str = THREAD) -> Any:
    """A reader with no cookies at all, as the CDN forwards them."""
    return app.test_client().get(path)


def cached(app: Flask, path: str = THREAD) -> Any:
    """The anonymous answer, after checking that asking again costs no database read."""
    first = anonymous(app, path)
    assert first.status_code == 200, first.get_data(as_text=True)[:300]
    assert first.headers["Cache-Control"] == PUBLIC
    assert first.headers["Netlify-CDN-Cache-Control"] == first.headers["CDN-Cache-Control"] == CDN
    again: list[Any] = []
    seen = statements_during(app, lambda: again.append(anonymous(app, path)))
    assert not [s for s in seen if "comments" in s], seen
    assert again[0].get_data() == first.get_data()
    assert again[0].headers["ETag"] == first.headers["ETag"]
    return again[0]


def signed_in(app: Flask, user: User) -> ApiClient:
    api = ApiClient(app.test_client())
    api.login(user)
    return api


def said(answer: Any) -> list[tuple[int, str, str]]:
    """What a reader sees of each comment: id, status, words."""
    return [(c["id"], c["status"], c["body_html"]) for c in answer.get_json()["items"]]


def comment(api: ApiClient, body: str, parent: int | None = None) -> dict[str, Any]:
    response = api.post(THREAD, json={"body": body, "parent_id": parent})
    assert response.status_code == 201, response.get_json()
    found: dict[str, Any] = response.get_json()
    return found


def moderate(moderator: Browser, action: str, comment_id: int) -> None:
    page = "/admin/queue?status=all"
    data = {"csrf_token": moderator.csrf_token(page), "action": action, "ids": [str(comment_id)]}
    response = moderator.client.post(page, data=data)
    assert response.status_code == 303, response.get_data(as_text=True)[:300]


@pytest.fixture
def people(app: Flask, make_user: MakeUser, new_browser: Any) -> dict[str, Any]:
    """A moderator (signed in, with the API and the dashboard), and bob, a commenter
    whose approved comment has a reply by the moderator."""
    mod = make_user(role=Role.MODERATOR, username="mod")
    bob = make_user(username="bob")
    dashboard: Browser = new_browser()
    dashboard.login(mod)
    mod_api, bob_api = signed_in(app, mod), signed_in(app, bob)
    first = comment(bob_api, "Bob's *first* words")
    moderate(dashboard, "approve", first["id"])
    reply = comment(mod_api, "A moderator's reply", parent=first["id"])
    return {
        "mod": mod,
        "bob": bob,
        "dashboard": dashboard,
        "mod_api": mod_api,
        "bob_api": bob_api,
        "first": first["id"],
        "reply": reply["id"],
    }


def _new(p: dict[str, Any]) -> Callable[[list[tuple[int, str, str]]], bool]:
    made = comment(p["mod_api"], "Brand new words")
    return lambda seen: (made["id"], "approved", "<p>Brand new words</p>") in seen


def _edit(p: dict[str, Any]) -> Callable[[list[tuple[int, str, str]]], bool]:
    edited = p["mod_api"].patch(f"/api/comments/{p['reply']}", json={"body": "Changed reply"})
    assert edited.status_code == 200, edited.get_json()
    return lambda seen: (p["reply"], "approved", "<p>Changed reply</p>") in seen


def _delete(p: dict[str, Any]) -> Callable[[list[tuple[int, str, str]]], bool]:
    assert p["mod_api"].delete(f"/api/comments/{p['reply']}").status_code == 204
    return lambda seen: all(cid != p["reply"] for cid, _, _ in seen)


def _approve(p: dict[str, Any]) -> Callable[[list[tuple[int, str, str]]], bool]:
    held = comment(p["bob_api"], "Held until approved")
    assert (held["id"], "pending") not in {(c, s) for c, s, _ in said(p["anonymous"]())}
    moderate(p["dashboard"], "approve", held["id"])
    return lambda seen: (held["id"], "approved", "<p>Held until approved</p>") in seen


def _reject(p: dict[str, Any]) -> Callable[[list[tuple[int, str, str]]], bool]:
    moderate(p["dashboard"], "reject", p["first"])
    # Its reply keeps its place: the comment stays as a wordless placeholder.
    return lambda seen: (p["first"], "rejected", "") in seen


def _ban(p: dict[str, Any]) -> Callable[[list[tuple[int, str, str]]], bool]:
    # Bob edits his public comment: under "all" it goes back to the queue (a
    # placeholder for readers, since a reply hangs under it); the ban rejects it.
    edited = p["bob_api"].patch(f"/api/comments/{p['first']}", json={"body": "Edited"})
    assert edited.status_code == 200, edited.get_json()
    assert (p["first"], "pending", "") in said(cached(p["app"]))
    page = f"/admin/users/{p['bob'].id}"
    dashboard = p["dashboard"]
    banned = dashboard.client.post(page + "/ban", data={"csrf_token": dashboard.csrf_token(page)})
    assert banned.status_code == 303
    return lambda seen: (p["first"], "rejected", "") in seen


WRITES = {
    "new": _new,
    "edit": _edit,
    "delete": _delete,
    "approve": _approve,
    "reject": _reject,
    "ban": _ban,
}


@pytest.mark.parametrize("write", list(WRITES))
def test_the_cached_thread_changes_right_after_every_kind_of_write(
    app: Flask, people: dict[str, Any], write: str
) -> None:
    people["app"] = app
    people["anonymous"] = lambda: anonymous(app)
    before = cached(app)
    shows_it = WRITES[write](people)
    after = anonymous(app)
    assert after.status_code == 200
    assert shows_it(said(after)), said(after)
    assert after.headers["ETag"] != before.headers["ETag"]
    assert said(cached(app)) == said(after)  # and that is what is kept now


def test_counts_and_post_metadata_are_kept_and_change_with_an_approval(
    app: Flask, people: dict[str, Any]
) -> None:
    assert cached(app, COUNTS).get_json() == {"hello": 2, "second": 0}
    assert cached(app, POST).get_json()["comment_count"] == 2
    held = comment(people["bob_api"], "One more")
    assert cached(app, COUNTS).get_json() == {"hello": 2, "second": 0}  # held: not counted
    moderate(people["dashboard"], "approve", held["id"])
    assert anonymous(app, COUNTS).get_json() == {"hello": 3, "second": 0}
    assert anonymous(app, POST).get_json()["comment_count"] == 3


@pytest.mark.parametrize("path", [THREAD, COUNTS, POST])
def test_a_reader_who_has_the_answer_gets_a_304_until_it_changes(
    app: Flask, people: dict[str, Any], path: str
) -> None:
    first = anonymous(app, path)
    etag = first.headers["ETag"]
    again = app.test_client().get(path, headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.get_data() == b""
    assert again.headers["ETag"] == etag and again.headers["Cache-Control"] == PUBLIC
    comment(people["mod_api"], "Something new")
    changed = app.test_client().get(path, headers={"If-None-Match": etag})
    assert changed.status_code == 200 and changed.headers["ETag"] != etag


def test_a_signed_in_authors_held_comment_is_private_and_never_served_to_others(
    app: Flask, make_user: MakeUser
) -> None:
    bob = make_user(username="bob")
    bob_api = signed_in(app, bob)
    held = comment(bob_api, "Waiting for a moderator")
    own = bob_api.get(THREAD)
    assert [c["id"] for c in own.get_json()["items"]] == [held["id"]]
    assert own.headers["Cache-Control"] == PRIVATE
    assert "CDN-Cache-Control" not in own.headers and "Netlify-CDN-Cache-Control" not in own.headers
    assert "public" not in own.headers["Cache-Control"]
    # An anonymous reader next, then one with a cookie but no account: neither sees it.
    public = anonymous(app)
    assert public.get_json()["items"] == [] and public.headers["Cache-Control"] == PUBLIC
    # A CDN that honours it keeps readers with a session apart from those without.
    assert public.headers["Netlify-Vary"] == "cookie=session|remember_token"
    assert "Netlify-Vary" not in own.headers
    visitor = app.test_client()
    visitor.get("/api/csrf")  # a session cookie naming nobody
    assert visitor.get(THREAD).get_json()["items"] == []
    # And the shared answer, now kept, is not what the author is served.
    assert cached(app).get_json()["items"] == []
    assert [c["id"] for c in bob_api.get(THREAD).get_json()["items"]] == [held["id"]]
    assert bob_api.get(THREAD).headers["Cache-Control"] == PRIVATE


def test_two_processes_with_redis_serve_each_others_writes_at_once(
    blog: Project, postgresql_database_url: str, redis_url: str, tmp_path: Path
) -> None:
    env = sidecar_env(blog, postgresql_database_url, redis_url, users={"ada": Role.MODERATOR})
    with two_sidecars(env, tmp_path) as (a, b):
        writer = Writer(a, "ada")

        def read_b() -> requests.Response:
            return requests.get(b + THREAD, timeout=10)

        def kept_by_b() -> requests.Response:
            first, again = read_b(), read_b()
            assert first.headers["Cache-Control"] == PUBLIC
            assert again.headers["ETag"] == first.headers["ETag"]
            assert (
                requests.get(
                    b + THREAD, headers={"If-None-Match": first.headers["ETag"]}, timeout=10
                ).status_code
                == 304
            )
            return again

        before = kept_by_b()
        made = writer.comment("Written through A")
        after = read_b()  # at once: no waiting for anything to expire
        assert [c["id"] for c in after.json()["items"]] == [made["id"]]
        assert after.headers["ETag"] != before.headers["ETag"]
        kept_by_b()
        edited = writer.http.patch(
            a + f"/api/comments/{made['id']}",
            json={"body": "Edited through A"},
            headers={"X-CSRFToken": writer.token},
            timeout=10,
        )
        assert edited.status_code == 200
        assert read_b().json()["items"][0]["body_html"] == "<p>Edited through A</p>"
        kept_by_b()
        deleted = writer.http.delete(
            a + f"/api/comments/{made['id']}", headers={"X-CSRFToken": writer.token}, timeout=10
        )
        assert deleted.status_code == 204
        assert read_b().json()["items"] == []
        counts = requests.get(b + "/api/counts?slugs=hello", timeout=10)
        assert counts.json() == {"hello": 0} and counts.headers["Cache-Control"] == PUBLIC


def test_kept_answers_still_count_against_the_per_address_thread_rate(app: Flask) -> None:
    reader = app.test_client()
    assert reader.get(THREAD).status_code == 200
    statuses: list[int] = []
    seen = statements_during(
        app, lambda: statuses.extend(reader.get(THREAD).status_code for _ in range(299))
    )
    assert statuses == [200] * 299
    assert not [s for s in seen if "comments" in s]  # all 299 were kept answers
    limited = reader.get(THREAD)
    assert limited.status_code == 429 and limited.get_json()["error"]["code"] == "rate_limited"
    assert limited.headers["Retry-After"]
    other = app.test_client().get(THREAD, environ_base={"REMOTE_ADDR": "198.51.100.8"})
    assert other.status_code == 200  # another address has its own budget


def test_answers_kept_in_memory_stay_within_their_byte_budget() -> None:
    from sidecar.services.readcache import ReadCache

    cache = ReadCache(max_bytes=10_000)
    builds: list[str] = []

    def build(n: int) -> dict[str, str]:
        builds.append(str(n))
        return {"words": "x" * 900}

    for n in range(100):  # readers inventing query strings: 100 different answers
        cache.answer("thread", ["hello"], f"page={n}", partial(build, n))
    kept = sum(len(answer.body) for _, answer in cache._answers.values())
    assert 0 < kept <= 10_000
    cache.answer("thread", ["hello"], "page=99", lambda: build(-1))  # the newest is kept
    assert builds[-1] == "99"
    cache.answer("thread", ["hello"], "page=0", lambda: build(-2))  # the oldest was dropped
    assert builds[-1] == "-2"


def _readers_at_once(
    cache: Any, build: Callable[[], Any], started: Any, n: int = 10
) -> tuple[list[Any], list[Any]]:
    """``n`` readers missing the same answer: the first starts building, the rest
    arrive while it builds. Each result is an Answer or the exception raised."""
    import threading
    import time

    results: list[Any] = []

    def read() -> None:
        try:
            results.append(cache.answer("thread", ["hello"], "page=1", build))
        except Exception as exc:  # the test looks at it
            results.append(exc)

    readers = [threading.Thread(target=read) for _ in range(n)]
    readers[0].start()
    assert started.wait(5)
    for reader in readers[1:]:
        reader.start()
    time.sleep(0.3)  # the others have missed by now
    return readers, results


def test_readers_who_miss_together_wait_for_one_build() -> None:
    """A comment on a busy thread makes every reader miss at once: one of them
    runs the thread's queries, the others get its answer."""
    import threading

    from sidecar.services.readcache import ReadCache

    builds: list[int] = []
    started, release = threading.Event(), threading.Event()

    def build() -> dict[str, int]:
        builds.append(1)
        started.set()
        release.wait(5)
        return {"built": len(builds)}

    readers, results = _readers_at_once(ReadCache(), build, started)
    release.set()
    for reader in readers:
        reader.join(10)
    assert len(builds) == 1
    assert len(results) == 10
    assert {answer.body for answer in results} == {b'{"built":1}'}


def test_when_the_one_build_fails_the_waiting_readers_build_their_own() -> None:
    import threading

    from sidecar.services.readcache import ReadCache

    builds: list[int] = []
    started, release = threading.Event(), threading.Event()

    def build() -> dict[str, int]:
        builds.append(1)
        if len(builds) == 1:
            started.set()
            release.wait(5)
            raise RuntimeError("the database went away")
        return {"ok": 1}

    readers, results = _readers_at_once(ReadCache(), build, started)
    release.set()
    for reader in readers:
        reader.join(10)
    failed = [r for r in results if isinstance(r, Exception)]
    assert len(failed) == 1 and "went away" in str(failed[0])  # the builder's own error
    assert len(results) == 10  # nobody was left waiting
    assert {r.body for r in results if not isinstance(r, Exception)} == {b'{"ok":1}'}
