"""Spam without CAPTCHAs: each signal holds a comment for review, its reason shown to
moderators; nothing about a commenter is sent anywhere unless a check is configured."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import pytest
from flask import Flask

from sidecar import deps
from sidecar.errors import Conflict
from sidecar.extensions import db
from sidecar.models import BlockedItem, Comment, Role
from sidecar.services.spam import Candidate, SpamCheck
from tests.sidecar.browser import Browser
from tests.sidecar.conftest import ApiClient, Mailbox, MakeUser
from tests.sidecar.mailbox import signed

THREAD = "/api/posts/hello/comments"


@pytest.fixture
def sidecar_config() -> dict[str, Any]:
    # Many comments from one test client: the address's budget is not what is tested.
    return {
        "GUESTS": "open",
        "MODERATION": "none",
        "SPAM_MIN_SECONDS": 3,
        "COMMENT_RATE": "50/minute",
    }


def aged(app: Flask, seconds: float = 60) -> str:
    """A form token as the page would have had it ``seconds`` ago."""
    return signed(app, "frostpress.form-shown", "form", age=seconds)


def as_guest(app: Flask, body: str, started: str | None = "aged", **more: Any) -> dict[str, Any]:
    api = ApiClient(app.test_client())
    payload: dict[str, Any] = {"body": body, "guest": {"name": "Sam"}, **more}
    payload["started"] = aged(app) if started == "aged" else started
    response = api.post(THREAD, json=payload)
    assert response.status_code == 201, response.get_json()
    created: dict[str, Any] = response.get_json()
    return created


def reasons_of(app: Flask, comment_id: int) -> str | None:
    with app.app_context():
        comment = db.session.get(Comment, comment_id)
        assert comment is not None
        return comment.spam_reasons


def public_ids(app: Flask) -> list[int]:
    return [c["id"] for c in app.test_client().get(THREAD).get_json()["items"]]


def test_a_clean_guest_comment_is_published(app: Flask) -> None:
    created = as_guest(app, "A thoughtful remark.")
    assert created["status"] == "approved" and reasons_of(app, created["id"]) is None


def test_a_filled_honeypot_is_spam_at_once_and_shown_to_nobody(app: Flask) -> None:
    created = as_guest(app, "Buy now", hp="http://spam.example/")
    assert created["status"] == "spam" and reasons_of(app, created["id"]) == "honeypot"
    assert public_ids(app) == []


def test_a_comment_the_checks_flag_asks_no_address_to_confirm_reply_mail(
    app: Flask, mail: Mailbox
) -> None:
    """A bot giving someone else's address with "Email me replies" mails them nothing."""
    victim = {"name": "Sam", "email": "victim@example.test"}
    as_guest(app, "Buy now", hp="x", guest=victim, notify=True)
    as_guest(app, "Too quick", started=None, guest=victim, notify=True)
    mail.deliver()
    assert [m for m in mail.sent if m.to == "victim@example.test"] == []
    as_guest(app, "A real comment.", guest=victim, notify=True)
    mail.deliver()
    assert [m.to for m in mail.sent] == ["victim@example.test"]  # the confirmation, once


@pytest.mark.parametrize(
    ("started", "held"),
    [("aged", False), ("fresh", True), (None, True), ("forged", True), ("stale", True)],
)
def test_a_guest_form_sent_back_too_soon_or_without_its_time_is_held(
    app: Flask, started: str | None, held: bool
) -> None:
    token = {
        "aged": "aged",
        "fresh": app.test_client().get("/api/csrf").get_json()["form_token"],
        "forged": aged(app)[:-4] + "AAAA",
        "stale": aged(app, 25 * 3600),
        None: None,
    }[started]
    created = as_guest(app, f"timing {started}", started=token)
    assert (created["status"] == "pending") is held
    assert (reasons_of(app, created["id"]) == "too_fast") is held


def test_an_account_is_held_only_for_a_form_sent_too_soon(
    app: Flask, api: ApiClient, make_user: MakeUser
) -> None:
    api.login(make_user())
    fresh = api.post(THREAD, json={"body": "quick", "started": api.form_token}).get_json()
    assert fresh["status"] == "pending" and reasons_of(app, fresh["id"]) == "too_fast"
    # An API client need not send the form's time at all.
    script = api.post(THREAD, json={"body": "from a script", "started": None}).get_json()
    assert script["status"] == "approved"


def test_many_links_are_held(app: Flask) -> None:
    two = as_guest(app, "see <https://a.example/> and <https://b.example/>")
    three = as_guest(app, "<https://a.example/> <https://b.example/> <https://c.example/>")
    assert two["status"] == "approved"
    assert three["status"] == "pending" and reasons_of(app, three["id"]) == "links:3"


def test_the_same_words_again_are_held_unless_short(app: Flask) -> None:
    first = as_guest(app, "Great post, thanks! Visit my shop for more of the same.")
    again = as_guest(app, "great   POST, thanks!\nVisit my shop for more of the same.")
    assert first["status"] == "approved"
    assert again["status"] == "pending" and reasons_of(app, again["id"]) == "duplicate"
    assert as_guest(app, "Thanks!")["status"] == as_guest(app, "thanks!")["status"] == "approved"


def test_an_edit_is_screened_like_a_new_comment(
    app: Flask, api: ApiClient, make_user: MakeUser
) -> None:
    api.login(make_user())
    created = api.post(THREAD, json={"body": "innocent", "started": None}).get_json()
    assert created["status"] == "approved"
    links = " ".join(f"<https://{n}.example/>" for n in "abcd")
    edited = api.patch(f"/api/comments/{created['id']}", json={"body": links}).get_json()
    assert edited["status"] == "pending" and reasons_of(app, created["id"]) == "links:4"


def test_two_moderators_blocking_the_same_word_at_once_are_both_answered(
    app: Flask, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The second's check ran before the first's row was stored: told it is there."""
    with app.test_request_context():
        deps.blocklist().add("word", "cheap pills")
        monkeypatch.setattr(db.session, "scalar", lambda *_a, **_k: False)  # saw no row yet
        with pytest.raises(Conflict) as refused:
            deps.blocklist().add("word", "Cheap pills")
        monkeypatch.undo()
        assert refused.value.code == "already_blocked"
        assert db.session.query(BlockedItem).count() == 1  # and the session still works


@pytest.fixture
def admin_browser(new_browser: Any, make_user: MakeUser) -> Browser:
    browser: Browser = new_browser()
    browser.login(make_user(role=Role.ADMIN))
    return browser


def block(browser: Browser, kind: str, value: str) -> str:
    response = browser.submit("/admin/blocklist", kind=kind, value=value)
    assert response.status_code == 303
    return browser.page("/admin/blocklist").find("div", class_="flash").text


def test_the_blocklist_holds_words_domains_and_networks(
    app: Flask, admin_browser: Browser, make_user: MakeUser
) -> None:
    assert "Blocked word cheap pills" in block(admin_browser, "word", "  Cheap   PILLS ")
    assert "Blocked domain spam.example" in block(admin_browser, "domain", "*.Spam.Example")
    assert "already" in block(admin_browser, "domain", "spam.example")
    assert "not an address" in block(admin_browser, "network", "300.1.2.3")

    word = as_guest(app, "Get cheap pills here")
    link = as_guest(app, "see <https://www.spam.example/offer>")
    site = as_guest(app, "hello", guest={"name": "Sam", "website": "https://spam.example/"})
    mail = as_guest(app, "hi", guest={"name": "Sam", "email": "sam@mail.spam.example"})
    fine = as_guest(app, "nothing blocked here, not even spam.example.org")
    assert [reasons_of(app, c["id"]) for c in (word, link, site, mail)] == [
        "blocked_word",
        "blocked_domain",
        "blocked_domain",
        "blocked_domain",
    ]
    assert fine["status"] == "approved"

    assert "Blocked network 127.0.0.0/8" in block(admin_browser, "network", "127.0.0.1/8")
    local = as_guest(app, "from the loopback network")
    assert reasons_of(app, local["id"]) == "blocked_address"

    page = admin_browser.page("/admin/queue")
    assert "held by the spam checks: blocked_word" in page.text
    assert "held by the spam checks: blocked_address" in page.text

    table = admin_browser.page("/admin/blocklist").find("table", class_="blocklist")
    rows = [tr.find_all("td")[1].text for tr in table.find("tbody").find_all("tr")]
    assert rows == ["spam.example", "127.0.0.0/8", "cheap pills"]  # by kind, then value
    with app.app_context():
        network = db.session.query(BlockedItem).filter_by(kind="network").one().id
    token = admin_browser.csrf_token("/admin/blocklist")
    removed = admin_browser.client.post(
        f"/admin/blocklist/{network}/remove", data={"csrf_token": token}
    )
    assert removed.status_code == 303
    assert as_guest(app, "from the loopback network, again")["status"] == "approved"


def test_moderators_are_never_screened(app: Flask, make_user: MakeUser) -> None:
    api = ApiClient(app.test_client())
    api.login(make_user(role=Role.MODERATOR))
    links = " ".join(f"<https://{n}.example/>" for n in "abcdef")
    created = api.post(THREAD, json={"body": links, "hp": "x", "started": api.form_token})
    assert created.get_json()["status"] == "approved"


@pytest.mark.parametrize(
    "sidecar_config", [{"GUESTS": "open", "MODERATION": "none", "COMMENT_RATE": "6/minute"}]
)
def test_a_guest_email_has_its_own_budget(app: Flask) -> None:
    """Six comments a minute per given address, whichever network they come from."""
    app.config["TRUSTED_PROXIES"] = 1
    from werkzeug.middleware.proxy_fix import ProxyFix

    app.wsgi_app = ProxyFix(app.wsgi_app, x_for=1)  # type: ignore[method-assign]
    statuses = []
    for n in range(7):
        api = ApiClient(app.test_client())
        api.csrf()
        response = api.post(
            THREAD,
            json={"body": f"number {n}", "guest": {"name": "Sam", "email": "sam@example.test"}},
            headers={"X-Forwarded-For": f"203.0.113.{n + 1}"},
        )
        statuses.append(response.status_code)
    assert statuses == [201] * 6 + [429]
    other = ApiClient(app.test_client()).post(
        THREAD,
        json={"body": "someone else", "guest": {"name": "Kim", "email": "kim@example.test"}},
        headers={"X-Forwarded-For": "203.0.113.99"},
    )
    assert other.status_code == 201


# -- the pluggable interface -------------------------------------------------------------
def flag_everything(config: Mapping[str, Any]) -> SpamCheck:
    """A check as a plug-in would provide one: ``SPAM_CHECKS=module:factory``."""

    def check(candidate: Candidate) -> Sequence[str]:
        return [f"external:{config['PLUGIN_LABEL']}"]

    return check


def test_no_check_beyond_the_built_in_ones_runs_unless_configured(app: Flask) -> None:
    assert app.extensions["sidecar.spam_checks"] == []


@pytest.mark.parametrize(
    "sidecar_config",
    [
        {
            "GUESTS": "open",
            "MODERATION": "none",
            "SPAM_CHECKS": "tests.sidecar.test_spam:flag_everything",
            "PLUGIN_LABEL": "demo",
        }
    ],
)
def test_a_configured_check_is_asked_too(app: Flask) -> None:
    created = as_guest(app, "anything at all")
    assert created["status"] == "pending" and reasons_of(app, created["id"]) == "external:demo"


def test_the_no_js_form_has_the_honeypot_and_the_time(app: Flask, browser: Browser) -> None:
    page = browser.page("/comments/hello")
    form = page.find("form", class_="comment-form")
    assert form.find("input", name="started").attrs["type"] == "hidden"
    trap = form.find("input", name="hp")
    assert trap.attrs["tabindex"] == "-1" and trap.closest("p").attrs["aria-hidden"] == "true"
    response = browser.submit("/comments/hello", body="I am a bot", guest_name="Bot", hp="x")
    assert response.status_code == 303
    with app.app_context():
        (comment,) = db.session.query(Comment).all()
        assert comment.status == "spam" and comment.spam_reasons == "honeypot,too_fast"
