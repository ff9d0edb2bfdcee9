"""Socket.IO handlers: a thin adapter, like the views.

The channel carries public events only, so it needs no session; but the
Origin of every connection must be one of ``SITE_ORIGIN`` or the sidecar's
own (its dashboard); browsers send it, and the CDN cannot proxy websockets,
so this check is the only gate. A reader
joins ``post:<slug>`` for a post the engine publishes; a moderator's session
cookie, checked on connect, also puts them in the ``admin`` room and in
``user:<id>``, which ``Publisher.end_live_access`` closes when their sessions
end or their role changes (``moderators``). Payloads are never trusted for
identity.

Joining costs the room's readers a broadcast, so it is bounded: a repeated
join changes nothing and tells nobody; a socket is in at most ``MAX_ROOMS``
post rooms and has a budget of joins and leaves (``budget``); and presence
broadcasts are coalesced to about one per post per second (``announce``).
"""

from __future__ import annotations

import re
from typing import Any

from flask import Flask, current_app, request
from flask_login import current_user
from flask_socketio import Namespace, disconnect, join_room, leave_room

from sidecar import deps
from sidecar.realtime.announce import PresenceAnnouncer, Scheduler
from sidecar.realtime.budget import SocketBudget, Verdict
from sidecar.realtime.moderators import Moderators
from sidecar.realtime.origins import origin_allowed
from sidecar.realtime.presence import LocalPresence, TooManyRooms
from sidecar.services.events import ADMIN_ROOM, post_room

__all__ = ["LiveNamespace"]

_SLUG = re.compile(r"^[a-z0-9][a-z0-9-]{0,199}$")
MAX_ROOMS = 5  # post rooms one socket may be in at once


def _slug(data: Any) -> str | None:
    slug = data.get("post") if isinstance(data, dict) else None
    return slug if isinstance(slug, str) and _SLUG.match(slug) else None


class LiveNamespace(Namespace):  # type: ignore[misc]
    def __init__(
        self,
        namespace: str = "/",
        presence: LocalPresence | None = None,
        *,
        scheduler: Scheduler | None = None,
        interval: float = 1.0,
    ) -> None:
        super().__init__(namespace)
        self.presence = presence if presence is not None else LocalPresence()
        self.announcer = PresenceAnnouncer(
            self.presence, self._send_presence, interval=interval, scheduler=scheduler
        )
        self.budget = SocketBudget()
        self.moderators = Moderators()

    def _send_presence(self, slug: str, count: int) -> None:
        self.socketio.emit(
            "presence", {"post": slug, "count": count}, to=post_room(slug), namespace=self.namespace
        )

    def on_connect(self, auth: Any = None) -> None:
        config = current_app.config
        if not origin_allowed(
            request.headers.get("Origin"),
            request.environ,
            config["SITE_ORIGINS"],
            config["TRUSTED_PROXIES"],
            config["TRUSTED_HOSTS"],
        ):
            raise ConnectionRefusedError("origin not allowed")
        sid = request.sid  # type: ignore[attr-defined]
        self.moderators.admit(self.socketio.server, self.namespace, sid, current_user)

    def after_gap(self, app: Flask) -> None:
        """This process could not hear the message queue for a while: what other
        processes published meanwhile never reached its sockets. Its moderators'
        sessions are checked again (an end of access may have been missed), then
        every post room it holds and the ``admin`` room are told to ``resync``
        (readers fetch the thread again), and its readers are counted again."""
        with app.app_context():
            self.moderators.recheck(self.socketio.server, self.namespace)
        self.presence.refresh()
        rooms = [({"post": slug}, post_room(slug)) for slug in self.presence.slugs()]
        for payload, room in [*rooms, ({"admin": True}, ADMIN_ROOM)]:
            # Every process tells its own sockets (not through the queue).
            self.socketio.emit(
                "resync", payload, to=room, namespace=self.namespace, ignore_queue=True
            )
        for slug in self.presence.slugs():
            self.announcer.changed(slug)

    def _refusal(self, data: Any) -> dict[str, Any] | None:
        """Why this join or leave is refused (it counts against the socket's budget)."""
        verdict = self.budget.spend(request.sid)  # type: ignore[attr-defined]
        if verdict is Verdict.ABUSIVE:
            disconnect()
        if verdict is not Verdict.ALLOWED:
            return {"ok": False, "error": "too many joins and leaves; slow down"}
        if _slug(data) is None:
            return {"ok": False, "error": 'send {"post": "<slug>"}'}
        return None

    def on_join(self, data: Any) -> dict[str, Any]:
        if (refusal := self._refusal(data)) is not None:
            return refusal
        slug, sid = data["post"], request.sid  # type: ignore[attr-defined]
        if deps.catalog().post(slug) is None:
            return {"ok": False, "error": "no such post"}
        try:
            count = self.presence.join(sid, slug, limit=MAX_ROOMS)
        except TooManyRooms as exc:
            return {"ok": False, "error": str(exc)}
        if count is None:  # joined already: nothing changed, nobody is told
            return {"ok": True, "count": self.presence.count(slug)}
        join_room(post_room(slug))
        self.announcer.changed(slug)
        return {"ok": True, "count": count}

    def on_leave(self, data: Any) -> dict[str, Any]:
        if (refusal := self._refusal(data)) is not None:
            return refusal
        slug = data["post"]
        leave_room(post_room(slug))
        if self.presence.leave(request.sid, slug) is not None:  # type: ignore[attr-defined]
            self.announcer.changed(slug)
        return {"ok": True}

    def on_disconnect(self, reason: Any = None) -> None:
        sid = request.sid  # type: ignore[attr-defined]
        self.budget.forget(sid)
        self.moderators.forget(sid)
        for slug in self.presence.drop(sid):
            self.announcer.changed(slug)
