"""Publishing what happened, after the transaction committed.

Services call :meth:`Publisher.publish` only once their change is committed,
so the JSON API, the no-JS pages and moderation all announce changes the same
way, and nothing is ever announced that was rolled back. The Socket.IO
adapter sends to rooms (``post:<slug>``, ``admin``); through Redis when
several processes run. If it cannot (Redis unreachable), the event is
dropped with a log line and the request still succeeds.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Any, Protocol

__all__ = ["Publisher", "RecordingPublisher", "SocketIOPublisher", "post_room"]

log = logging.getLogger(__name__)
ADMIN_ROOM = "admin"


def post_room(slug: str) -> str:
    return f"post:{slug}"


class Publisher(Protocol):
    def publish(self, room: str, event: str, payload: dict[str, Any]) -> None: ...


@dataclass
class RecordingPublisher:
    """A fake for unit tests: remembers what would have been sent."""

    sent: list[tuple[str, str, dict[str, Any]]] = field(default_factory=list)

    def publish(self, room: str, event: str, payload: dict[str, Any]) -> None:
        self.sent.append((room, event, payload))


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
