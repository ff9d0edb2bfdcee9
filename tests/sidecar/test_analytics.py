"""Page views: counted per page per day, bots and repeats left out, nobody identified."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from flask import Flask
from sqlalchemy import select

from sidecar import deps
from sidecar.extensions import db
from sidecar.models import ReferrerCount, Role, ViewCount, ViewSalt, ViewSeen
from sidecar.services.analytics import MIN_REFERRER_READERS, Analytics
from tests.sidecar.conftest import MakeUser

FIREFOX = "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0"
CHROME = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 Chrome/126.0 Safari/537.36"


def beacon(
    app: Flask, path: str, *, ua: str = FIREFOX, ip: str = "203.0.113.7", referrer: str = ""
) -> Any:
    client = app.test_client()
    response = client.post(
        "/api/views",
        json={"path": path, "referrer": referrer},
        headers={"User-Agent": ua},
        environ_base={"REMOTE_ADDR": ip},
    )
    assert response.status_code == 204, response.get_data(as_text=True)
    return response


def counted(app: Flask) -> dict[str, int]:
    with app.app_context():
        rows = db.session.execute(select(ViewCount.path, ViewCount.views))
        return {path: views for path, views in rows}


def test_a_reader_counts_once_per_page_per_day(app: Flask) -> None:
    beacon(app, "/posts/hello/")
    beacon(app, "/posts/hello/")  # a reload
    beacon(app, "/posts/hello/", ip="198.51.100.2")  # someone else
    beacon(app, "/")
    assert counted(app) == {"/posts/hello/": 2, "/": 1}
    with app.app_context():
        today = deps.analytics().views_per_day(30)
        assert len(today) == 30 and today[-1] == (datetime.now(UTC).date(), 3)
        assert deps.analytics().top_paths() == [("/posts/hello/", 2), ("/", 1)]


def test_rotating_the_user_agent_does_not_make_more_readers(app: Flask) -> None:
    for n in range(20):
        beacon(app, "/posts/hello/", ua=f"{FIREFOX} build/{n}")
    beacon(app, "/posts/hello/", ua=CHROME)  # another browser on that address: still one
    assert counted(app) == {"/posts/hello/": 1}


def test_only_pages_of_the_site_count(app: Flask) -> None:
    for path in (
        "/posts/draft/",
        "/posts/later/",
        "/posts/nope/",
        "/static/x.css",
        "/feed.xml",
        "/wp-login.php",
        "/posts/hello",
        "/../etc/passwd",
    ):
        beacon(app, path)
    assert counted(app) == {}
    beacon(app, "/posts/second/")
    assert counted(app) == {"/posts/second/": 1}


def test_bots_are_left_out(app: Flask) -> None:
    for ua in (
        "Mozilla/5.0 (compatible; Googlebot/2.1)",
        "curl/8.5.0",
        "",
        "python-requests/2.32",
        "Mozilla/5.0 HeadlessChrome/126.0",
    ):
        beacon(app, "/posts/hello/", ua=ua)
    assert counted(app) == {}


def test_no_cookie_and_nothing_that_identifies_a_reader_is_kept(app: Flask) -> None:
    response = beacon(app, "/posts/hello/", ip="192.0.2.55", ua=FIREFOX + " uniquely-me")
    assert "Set-Cookie" not in response.headers
    with app.app_context():
        stored = " ".join(
            str(value)
            for model in (ViewCount, ReferrerCount, ViewSalt, ViewSeen)
            for row in db.session.execute(select(model.__table__)).all()
            for value in row
        )
    assert "192.0.2.55" not in stored and "uniquely-me" not in stored and "Firefox" not in stored


def test_the_salt_and_the_days_digests_are_forgotten_the_next_day(app: Flask) -> None:
    day_one = datetime(2026, 11, 1, 23, 0, tzinfo=UTC)
    clock = {"now": day_one}
    with app.app_context():
        service = Analytics(db.session, deps.catalog(), clock=lambda: clock["now"])
        assert service.record("/posts/hello/", "", "203.0.113.7", FIREFOX)
        assert not service.record("/posts/hello/", "", "203.0.113.7", FIREFOX)
        first_salt = db.session.scalar(select(ViewSalt.salt))
        clock["now"] = day_one + timedelta(hours=2)  # after midnight UTC
        assert service.record("/posts/hello/", "", "203.0.113.7", FIREFOX)  # a new day
        assert db.session.scalars(select(ViewSalt.day)).all() == [clock["now"].date()]
        assert db.session.scalar(select(ViewSalt.salt)) != first_salt
        assert {d for d in db.session.scalars(select(ViewSeen.day))} == {clock["now"].date()}
        per_day = dict(service.views_per_day(2))
        assert per_day == {day_one.date(): 1, clock["now"].date(): 1}


def test_referrers_are_kept_as_other_sites_hosts_only(app: Flask) -> None:
    beacon(app, "/", referrer="https://news.example.com/item?id=42&user=me")
    beacon(app, "/", ip="198.51.100.3", referrer="https://NEWS.example.com/other")
    beacon(app, "/", ip="198.51.100.4", referrer="http://news.example.com/")
    for ip in ("203.0.113.7", "198.51.100.3", "198.51.100.4"):
        beacon(app, "/posts/hello/", ip=ip, referrer="https://blog.example.test/tags/")  # own site
        beacon(app, "/posts/second/", ip=ip, referrer="javascript:alert(1)")
        beacon(app, "/feed.xml", ip=ip, referrer="not a url at all")
    with app.app_context():
        assert deps.analytics().top_referrers() == [("news.example.com", 3)]


def test_a_referrer_is_shown_only_once_several_readers_came_from_it(
    app: Flask, new_browser: Any, make_user: MakeUser
) -> None:
    # One address, however many pages and agents, is one reader of a host.
    for path in ("/", "/posts/hello/", "/posts/second/"):
        for ua in (FIREFOX, CHROME):
            beacon(app, path, ua=ua, referrer="https://spam.example/buy")
    beacon(app, "/", ip="198.51.100.1", referrer="https://friend.example/links")
    with app.app_context():
        assert deps.analytics().top_referrers() == []
    admin = new_browser()
    admin.login(make_user(role=Role.ADMIN))
    assert "spam.example" not in admin.page("/admin/").text

    for n in range(2, MIN_REFERRER_READERS + 1):  # more readers, each from their own address
        beacon(app, "/posts/hello/", ip=f"198.51.100.{n}", referrer="https://friend.example/")
    with app.app_context():
        assert deps.analytics().top_referrers() == [("friend.example", MIN_REFERRER_READERS)]
        stored = " ".join(
            str(v) for row in db.session.execute(select(ViewSeen.digest)) for v in row
        )
    assert "198.51.100" not in stored  # readers are counted by digest, never by address
    assert admin.page("/admin/").find(id="c-refs-desc").text == (
        f"friend.example: {MIN_REFERRER_READERS}"
    )


def test_bad_beacons_are_json_errors_and_it_is_rate_limited(app: Flask) -> None:
    client = app.test_client()
    assert client.post("/api/views", json={}).status_code == 422
    assert client.post("/api/views", json={"path": "/" + "a" * 400}).status_code == 422
    assert client.post("/api/views", data="nonsense").status_code in (400, 415, 422)
    statuses = {
        client.post("/api/views", json={"path": "/"}, headers={"User-Agent": FIREFOX}).status_code
        for _ in range(125)
    }
    assert statuses == {204, 429}
