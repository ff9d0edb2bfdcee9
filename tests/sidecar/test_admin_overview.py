"""The overview: traffic and comments at a glance, drawn as SVG on the server."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

from flask import Flask

from sidecar.admin.charts import bars_by_day, ranked_bars
from sidecar.models import Role
from tests.sidecar.browser import Browser, Html
from tests.sidecar.conftest import ApiClient, MakeUser

FIREFOX = "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0"


def view(app: Flask, path: str, ip: str, referrer: str = "") -> None:
    response = app.test_client().post(
        "/api/views",
        json={"path": path, "referrer": referrer},
        headers={"User-Agent": FIREFOX},
        environ_base={"REMOTE_ADDR": ip},
    )
    assert response.status_code == 204


def test_the_overview_shows_traffic_comments_and_posts(
    app: Flask, make_user: MakeUser, new_browser: Any
) -> None:
    for n in range(3):
        view(app, "/posts/hello/", f"198.51.100.{n}", "https://news.example.com/x")
    view(app, "/", "198.51.100.9")
    api = ApiClient(app.test_client())
    api.login(make_user())
    api.post("/api/posts/hello/comments", json={"body": "nice"})
    admin: Browser = new_browser()
    admin.login(make_user(role=Role.ADMIN))

    page = admin.page("/admin/")
    tiles = page.find("ul", class_="tiles").text
    assert "4 views" in tiles and "1 comments" in tiles and "2 sign-ups" in tiles
    charts = page.find_all("svg")
    assert len(charts) == 5 and all(svg.attrs["role"] == "img" for svg in charts)
    titles = [svg.find("title").text for svg in charts]
    assert titles[0] == "Views per day, last 30 days"
    today = datetime.now(UTC).date().isoformat()
    numbers = [[td.text for td in tr.find_all("td")] for tr in page.find("details").find_all("tr")]
    assert numbers[-1] == [today, "4"]  # the same figures, as a table
    top = page.find(id="c-top-desc").text
    assert top == "Hello there: 3, /: 1"  # posts by title
    assert page.find(id="c-refs-desc").text == "news.example.com: 3"
    table = page.find("table", class_="posts")
    rows = [[td.text for td in tr.find_all("td")] for tr in table.find_all("tr")[1:]]
    assert rows[0] == ["Hello there", "2026-01-01", "1"]  # most commented first


def test_a_day_chart_scales_to_a_round_maximum_and_labels_its_days() -> None:
    days = [(date(2026, 11, 1) + timedelta(days=n), n * 3) for n in range(30)]
    svg = Html(str(bars_by_day(days, "Views", "views", ident="v")))
    assert len(svg.find_all("rect")) == 30
    axis = [t.text for t in svg.find_all("text")]
    assert {"0", "50", "100"} <= set(axis)  # 87 at the top rounds up to 100
    assert {"Nov 1", "Nov 15", "Nov 30"} <= set(axis)
    assert "1305 views in 30 days; the busiest day had 87." in svg.find("desc").text


def test_half_way_marks_are_never_rounded() -> None:
    svg = Html(str(bars_by_day([(date(2026, 11, 1), 5)], "Views", "views", ident="v")))
    assert [t.text for t in svg.find_all("text")][:3] == ["0", "2.5", "5"]


def test_chart_text_is_escaped_and_an_empty_ranking_says_so() -> None:
    svg = str(ranked_bars([("<script>x</script>", 2)], "Top", "views", ident="t"))
    assert "<script>" not in svg and "&lt;script&gt;" in svg
    empty = Html(str(ranked_bars([], "Top", "views", ident="e")))
    assert "No views yet." in empty.text and empty.find("desc").text == "Nothing yet."
    assert "0 views in 30 days" in str(
        bars_by_day([(date(2026, 1, 1), 0)] * 30, "V", "views", ident="z")
    )
