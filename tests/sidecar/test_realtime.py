"""The live channel: rooms per post, presence, events after commit, Origin checks."""

from __future__ import annotations

import logging
from typing import Any

import pytest
from flask import Flask

from sidecar import deps
from sidecar.extensions import socketio
from sidecar.models import Role, User
from sidecar.services.events import SocketIOPublisher
from tests.conftest import Project
from tests.sidecar.browser import Browser, press
from tests.sidecar.conftest import ApiClient, Mailbox, MakeUser, link_in
from tests.sidecar.manual_time import ManualTime

ORIGIN = "https://blog.example"


@pytest.fixture
def clock() -> ManualTime:
    """The live channel's time: presence broadcasts held back wait for ``advance``."""
    return ManualTime()


@pytest.fixture
def sidecar_config(clock: ManualTime) -> dict[str, Any]:
    return {"SITE_ORIGINS": [ORIGIN], "MODERATION": "none", "LIVE_SCHEDULER": clock}


def live(app: Flask, api: ApiClient | None = None, origin: str | None = ORIGIN) -> Any:
    headers = {"Origin": origin} if origin else {}
    flask_client = api.client if api is not None else None
    return socketio.test_client(app, flask_test_client=flask_client, headers=headers)


def public(view: dict[str, Any]) -> dict[str, Any]:
    """What readers are sent: the author's view of a comment without its Markdown."""
    assert "body" in view
    return {key: value for key, value in view.items() if key != "body"}


def received(client: Any, name: str) -> list[Any]:
    return [event["args"][0] for event in client.get_received() if event["name"] == name]


@pytest.mark.parametrize("origin", [None, "https://evil.example", "https://blog.example.evil"])
def test_a_connection_from_another_origin_is_refused(app: Flask, origin: str | None) -> None:
    assert not live(app, origin=origin).is_connected()


def test_the_sidecars_own_pages_may_connect(app: Flask) -> None:
    """The dashboard is served by the sidecar itself: same origin, not a site origin."""
    client = live(app, origin="http://localhost")  # the test client's own host
    assert client.is_connected()


def test_joining_a_post_answers_with_the_readers_on_it(app: Flask, clock: ManualTime) -> None:
    first, second = live(app), live(app)
    assert first.emit("join", {"post": "hello"}, callback=True) == {"ok": True, "count": 1}
    assert received(first, "presence") == [{"post": "hello", "count": 1}]
    assert second.emit("join", {"post": "hello"}, callback=True) == {"ok": True, "count": 2}
    clock.advance(1)  # within a second of the last broadcast: sent when the second is up
    assert received(first, "presence") == [{"post": "hello", "count": 2}]
    second.disconnect()
    clock.advance(1)
    assert received(first, "presence") == [{"post": "hello", "count": 1}]


def test_joining_again_changes_nothing_and_tells_nobody(app: Flask, clock: ManualTime) -> None:
    first, second = live(app), live(app)
    first.emit("join", {"post": "hello"}, callback=True)
    second.emit("join", {"post": "hello"}, callback=True)
    clock.advance(5)
    first.get_received()
    for _ in range(3):
        assert second.emit("join", {"post": "hello"}, callback=True) == {"ok": True, "count": 2}
    clock.advance(5)
    assert received(first, "presence") == []


def test_one_socket_joining_and_leaving_fast_cannot_flood_the_room(
    app: Flask, clock: ManualTime
) -> None:
    reader, abuser = live(app), live(app)
    reader.emit("join", {"post": "hello"}, callback=True)
    reader.get_received()
    answers = []
    for _ in range(50):  # 100 events in 3 seconds
        for event in ("join", "leave"):
            if abuser.is_connected():
                answers.append(abuser.emit(event, {"post": "hello"}, callback=True))
            clock.advance(0.03)
    clock.advance(2)

    counts = [p["count"] for p in received(reader, "presence")]
    assert 1 <= len(counts) <= 4, counts  # not 100
    assert counts[-1] == 1  # the final count is right: the reader alone
    refused = [a for a in answers if a and not a["ok"]]
    assert refused and all("slow down" in a["error"] for a in refused)
    assert not abuser.is_connected()  # it kept going after being refused
    assert live(app).emit("join", {"post": "hello"}, callback=True) == {"ok": True, "count": 2}


def test_many_readers_arriving_at_once_make_one_broadcast_a_second(
    app: Flask, clock: ManualTime
) -> None:
    first = live(app)
    first.emit("join", {"post": "hello"}, callback=True)
    first.get_received()
    others = [live(app) for _ in range(20)]
    for other in others:
        other.emit("join", {"post": "hello"}, callback=True)
        clock.advance(0.1)  # 20 arrivals over 2 seconds
    clock.advance(1)
    counts = [p["count"] for p in received(first, "presence")]
    assert len(counts) <= 3 and counts[-1] == 21, counts


class TestRoomsPerSocket:
    @pytest.fixture
    def blog(self, project: Project) -> Project:
        for number in range(7):
            project.post(title=f"Post {number}", slug=f"post-{number}")
        return project

    def test_a_socket_is_in_at_most_five_posts_at_once(self, app: Flask) -> None:
        client = live(app)
        answers = [client.emit("join", {"post": f"post-{n}"}, callback=True) for n in range(6)]
        assert [a["ok"] for a in answers] == [True] * 5 + [False]
        assert "at most 5" in answers[5]["error"]
        assert client.emit("leave", {"post": "post-0"}, callback=True) == {"ok": True}
        assert client.emit("join", {"post": "post-5"}, callback=True)["ok"]
        assert live(app).emit("join", {"post": "post-6"}, callback=True)["ok"]  # others may


@pytest.mark.parametrize(
    "data",
    [
        {"post": "draft"},
        {"post": "later"},
        {"post": "nope"},
        {"post": "../hello"},
        {"slug": "hello"},
        "hello",
        None,
    ],
)
def test_no_room_for_posts_that_are_not_published(app: Flask, data: Any) -> None:
    client = live(app)
    answer = client.emit("join", data, callback=True)
    assert answer["ok"] is False and answer["error"]


def test_readers_see_new_edited_and_deleted_comments_live(
    app: Flask, api: ApiClient, make_user: MakeUser
) -> None:
    reader, elsewhere = live(app), live(app)
    reader.emit("join", {"post": "hello"}, callback=True)
    elsewhere.emit("join", {"post": "second"}, callback=True)
    reader.get_received(), elsewhere.get_received()
    api.login(make_user())

    posted = api.post("/api/posts/hello/comments", json={"body": "Live *hello*"})
    assert received(reader, "comment:new") == [public(posted.get_json())]

    comment_id = posted.get_json()["id"]
    edited = api.patch(f"/api/comments/{comment_id}", json={"body": "Edited"})
    assert received(reader, "comment:updated") == [public(edited.get_json())]

    assert api.delete(f"/api/comments/{comment_id}").status_code == 204
    (tombstone,) = received(reader, "comment:deleted")
    assert tombstone["id"] == comment_id and tombstone["status"] == "deleted"
    assert tombstone["author"] is None and tombstone["body_html"] == ""
    assert elsewhere.get_received() == []  # another post's room heard nothing


class TestHeldComments:
    @pytest.fixture
    def sidecar_config(self, clock: ManualTime) -> dict[str, Any]:
        return {"SITE_ORIGINS": [ORIGIN], "MODERATION": "all", "LIVE_SCHEDULER": clock}

    def test_go_to_moderators_only(self, app: Flask, api: ApiClient, make_user: MakeUser) -> None:
        reader = live(app)
        reader.emit("join", {"post": "hello"}, callback=True)
        moderator_api = ApiClient(app.test_client())
        moderator_api.login(make_user(role=Role.MODERATOR))
        moderator = live(app, moderator_api)
        commenter_api = ApiClient(app.test_client())
        commenter_api.login(make_user())
        commenter = live(app, commenter_api)
        for client in (reader, moderator, commenter):
            client.get_received()

        api.login(make_user())
        held = api.post("/api/posts/hello/comments", json={"body": "wait for me"})
        assert held.get_json()["status"] == "pending"
        assert received(moderator, "moderation:new") == [public(held.get_json())]
        assert reader.get_received() == [] and commenter.get_received() == []


class TestLiveAccessEnds:
    """A moderator's socket leaves the admin room as soon as their sessions end."""

    @pytest.fixture
    def sidecar_config(self, clock: ManualTime) -> dict[str, Any]:
        return {"SITE_ORIGINS": [ORIGIN], "MODERATION": "all", "LIVE_SCHEDULER": clock}

    @pytest.fixture
    def hold(self, app: Flask, make_user: MakeUser) -> Any:
        """``hold()``: a commenter posts a comment that waits for moderation; its id."""
        commenter = ApiClient(app.test_client())
        commenter.login(make_user())

        def post() -> int:
            held = commenter.post("/api/posts/hello/comments", json={"body": "wait for me"})
            assert held.get_json()["status"] == "pending", held.get_json()
            return int(held.get_json()["id"])

        return post

    def end_access(self, how: str, app: Flask, user: User, api: ApiClient, admin: Browser) -> None:
        if how == "demoted":
            assert "is now commenter" in press(admin, user, "role", role="commenter")
        elif how == "banned":
            assert "Banned" in press(admin, user, "ban")
        elif how == "signed out":
            assert api.post("/api/auth/logout").status_code == 204
        elif how == "signed out by the form":
            Browser(api.client).submit("/comments/hello", action="/auth/logout")
        elif how == "password changed":
            with app.test_request_context():
                account = deps.accounts()
                me = account.by_login(user.username)
                assert me is not None
                account.change_password(me, "correct horse battery", "a new passphrase here")
        elif how == "password reset":
            stranger = Browser(app.test_client())
            stranger.submit("/auth/reset", email=user.email)
            link = link_in(Mailbox(app), "/auth/reset/")
            new = "a new passphrase here"
            assert stranger.submit(link, password=new, confirm=new).status_code == 302

    @pytest.mark.parametrize(
        "how",
        [
            "demoted",
            "banned",
            "signed out",
            "signed out by the form",
            "password changed",
            "password reset",
        ],
    )
    def test_held_comments_stop_reaching_a_moderator_whose_sessions_ended(
        self, app: Flask, make_user: MakeUser, new_browser: Any, hold: Any, how: str
    ) -> None:
        admin = new_browser()
        admin.login(make_user(role=Role.ADMIN))
        moderator = make_user(role=Role.MODERATOR)
        moderator_api = ApiClient(app.test_client())
        moderator_api.login(moderator)
        socket = live(app, moderator_api)
        colleague_api = ApiClient(app.test_client())
        colleague_api.login(make_user(role=Role.MODERATOR))
        colleague = live(app, colleague_api)  # another moderator, whose access goes on
        first = hold()
        assert [c["id"] for c in received(socket, "moderation:new")] == [first]
        colleague.get_received()

        self.end_access(how, app, moderator, moderator_api, admin)
        assert moderator_api.get("/api/auth/me").status_code == 401  # the session ended
        second = hold()
        assert [c["id"] for c in received(colleague, "moderation:new")] == [second]
        assert received(socket, "moderation:new") == []
        assert socket.is_connected()  # still a reader: public events go on

    def test_a_socket_opened_before_a_promotion_stays_out_of_the_admin_room(
        self, app: Flask, make_user: MakeUser, new_browser: Any, hold: Any
    ) -> None:
        admin = new_browser()
        admin.login(make_user(role=Role.ADMIN))
        carol = make_user()
        carol_api = ApiClient(app.test_client())
        carol_api.login(carol)
        socket = live(app, carol_api)
        assert "is now moderator" in press(admin, carol, "role", role="moderator")
        hold()
        assert received(socket, "moderation:new") == []


def test_a_lost_live_update_never_fails_the_write(caplog: pytest.LogCaptureFixture) -> None:
    class Broken:
        def emit(self, *args: Any, **kwargs: Any) -> None:
            raise ConnectionError("redis is down")

    with caplog.at_level(logging.WARNING):
        SocketIOPublisher(Broken()).publish("post:hello", "comment:new", {"id": 1})
    assert "comment:new" in caplog.text and "dropped" in caplog.text


def test_identity_comes_from_the_session_not_the_payload(app: Flask, make_user: MakeUser) -> None:
    # Claiming to be a moderator in the connect payload opens no admin room.
    client = live(app)
    client.disconnect()
    client = socketio.test_client(
        app, headers={"Origin": ORIGIN}, auth={"role": "admin", "user_id": 1}
    )
    assert client.is_connected()
    moderator_api = ApiClient(app.test_client())
    moderator_api.login(make_user(role=Role.MODERATOR))
    moderator = live(app, moderator_api)  # a real moderator, by session
    client.get_received(), moderator.get_received()
    api = ApiClient(app.test_client())
    api.login(make_user())
    app.config["MODERATION"] = "all"
    posted = api.post("/api/posts/hello/comments", json={"body": "x"})
    assert posted.status_code == 201 and posted.get_json()["status"] == "pending"
    assert [c["id"] for c in received(moderator, "moderation:new")] == [posted.get_json()["id"]]
    assert received(client, "moderation:new") == []  # the claim opened nothing
