"""Socket.IO handlers: a thin adapter, like the views.

The channel carries public events only, so it needs no session; but the
Origin of every connection must be one of ``SITE_ORIGIN`` (browsers send it;
the CDN cannot proxy websockets, so this check is the only gate). A reader
joins ``post:<slug>`` for a post the engine publishes; a moderator's session
cookie, checked on connect, also puts them in the ``admin`` room. Payloads
are never trusted for identity.
"""

from __future__ import annotations

import re
import threading
from collections import Counter
from typing import Any

from flask import current_app, request
from flask_login import current_user
from flask_socketio import Namespace, emit, join_room, leave_room

from sidecar import deps
from sidecar.services.events import ADMIN_ROOM, post_room

__all__ = ["LiveNamespace"]

_SLUG = re.compile(r"^[a-z0-9][a-z0-9-]{0,199}$")


class Presence:
    """How many connections are in each post's room (in this process)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._counts: Counter[str] = Counter()
        self._rooms: dict[str, set[str]] = {}

    def join(self, sid: str, slug: str) -> int | None:
        with self._lock:
            rooms = self._rooms.setdefault(sid, set())
            if slug not in rooms:
                rooms.add(slug)
                self._counts[slug] += 1
            return self._counts[slug]

    def leave(self, sid: str, slug: str) -> int | None:
        with self._lock:
            rooms = self._rooms.get(sid, set())
            if slug not in rooms:
                return None
            rooms.discard(slug)
            self._counts[slug] -= 1
            return self._counts[slug]

    def drop(self, sid: str) -> dict[str, int]:
        with self._lock:
            left = self._rooms.pop(sid, set())
            for slug in left:
                self._counts[slug] -= 1
            return {slug: self._counts[slug] for slug in left}


def _slug(data: Any) -> str | None:
    slug = data.get("post") if isinstance(data, dict) else None
    return slug if isinstance(slug, str) and _SLUG.match(slug) else None


class LiveNamespace(Namespace):  # type: ignore[misc]
    def __init__(self, namespace: str = "/") -> None:
        super().__init__(namespace)
        self.presence = Presence()

    def _announce_presence(self, slug: str, count: int) -> None:
        emit(
            "presence", {"post": slug, "count": count}, to=post_room(slug), namespace=self.namespace
        )

    def on_connect(self, auth: Any = None) -> None:
        origin = (request.headers.get("Origin") or "").rstrip("/")
        if origin not in current_app.config["SITE_ORIGINS"]:
            raise ConnectionRefusedError("origin not allowed")
        if current_user.is_authenticated and current_user.is_moderator:
            join_room(ADMIN_ROOM)

    def on_join(self, data: Any) -> dict[str, Any]:
        slug = _slug(data)
        if slug is None:
            return {"ok": False, "error": 'send {"post": "<slug>"}'}
        if deps.catalog().post(slug) is None:
            return {"ok": False, "error": "no such post"}
        join_room(post_room(slug))
        count = self.presence.join(request.sid, slug)  # type: ignore[attr-defined]
        assert count is not None
        self._announce_presence(slug, count)
        return {"ok": True, "count": count}

    def on_leave(self, data: Any) -> dict[str, Any]:
        slug = _slug(data)
        if slug is None:
            return {"ok": False, "error": 'send {"post": "<slug>"}'}
        leave_room(post_room(slug))
        count = self.presence.leave(request.sid, slug)  # type: ignore[attr-defined]
        if count is not None:
            self._announce_presence(slug, count)
        return {"ok": True}

    def on_disconnect(self, reason: Any = None) -> None:
        for slug, count in self.presence.drop(request.sid).items():  # type: ignore[attr-defined]
            self._announce_presence(slug, count)
