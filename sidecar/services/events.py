"""Publishing what happened, after the transaction committed.

Services call :meth:`Publisher.publish` only once their change is committed,
so the JSON API, the no-JS pages and moderation all announce changes the same
way, and nothing is ever announced that was rolled back. The Socket.IO
adapter sends to rooms (``post:<slug>``, ``admin``); through Redis when
several processes run. If it cannot (Redis unreachable), the event is
dropped with a log line and the request still succeeds.

:meth:`Publisher.end_live_access` is called once a user's sessions ended or
their role changed (logout, password change or reset, ban, role change): every
socket of theirs, in every process, leaves the ``admin`` room. A moderator's
socket is also in ``user:<id>``, and closing that room is what carries this to
the other processes (see ``sidecar.realtime.managers``).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Any, Protocol

__all__ = [
    "ADMIN_ROOM",
    "Publisher",
    "RecordingPublisher",
    "SocketIOPublisher",
    "is_user_room",
    "post_room",
    "user_room",
]

log = logging.getLogger(__name__)
ADMIN_ROOM = "admin"


def post_room(slug: str) -> str:
    return f"post:{slug}"


def user_room(user_id: int) -> str:
    return f"user:{user_id}"


def is_user_room(room: object) -> bool:
    return isinstance(room, str) and room.startswith("user:")


class Publisher(Protocol):
    def publish(self, room: str, event: str, payload: dict[str, Any]) -> None: ...

    def end_live_access(self, user_id: int) -> None: ...


@dataclass
class RecordingPublisher:
    """A fake for unit tests: remembers what would have been sent."""

    sent: list[tuple[str, str, dict[str, Any]]] = field(default_factory=list)
    ended: list[int] = field(default_factory=list)  # users whose live access ended

    def publish(self, room: str, event: str, payload: dict[str, Any]) -> None:
        self.sent.append((room, event, payload))

    def end_live_access(self, user_id: int) -> None:
        self.ended.append(user_id)


@dataclass
class SocketIOPublisher:
    socketio: Any  # flask_socketio.SocketIO

    def publish(self, room: str, event: str, payload: dict[str, Any]) -> None:
        try:
            self.socketio.emit(event, payload, to=room, namespace="/")
        except Exception:  # a lost live update must never fail a write
            log.warning(
                "live event %s for %s dropped: the message queue is unreachable",
                event,
                room,
                exc_info=True,
            )

    def end_live_access(self, user_id: int) -> None:
        try:
            self.socketio.close_room(user_room(user_id), namespace="/")
        except Exception:  # the sessions have ended all the same
            log.warning(
                "live access of user %s not ended everywhere: the message queue is unreachable",
                user_id,
                exc_info=True,
            )
