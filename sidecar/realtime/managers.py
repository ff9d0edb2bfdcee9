"""The Socket.IO client managers: who is in which room, in this process or through Redis.

A moderator's socket is in ``admin`` and in ``user:<id>``. Closing a user's
room (``Publisher.end_live_access``) takes its sockets out of ``admin`` as
well: python-socketio carries a ``close_room`` to every process sharing the
queue, and each process handles it for the sockets it holds, so a user's access
ends everywhere without anyone knowing which process holds which socket.
"""

from __future__ import annotations

from typing import Any

import socketio

from sidecar.config import ConfigurationError
from sidecar.services.events import ADMIN_ROOM, is_user_room

__all__ = ["LocalManager", "RedisQueue", "make_manager"]


class _UserRooms:
    """Closing ``user:<id>`` also takes that room's sockets out of ``admin``.

    ``basic_close_room`` is where every close ends up: one made here, and one
    another process published on the queue."""

    def basic_close_room(self, room: Any, namespace: str) -> None:
        if is_user_room(room):
            for sid, _eio_sid in list(self.get_participants(namespace, room)):  # type: ignore[attr-defined]
                self.basic_leave_room(sid, namespace, ADMIN_ROOM)  # type: ignore[attr-defined]
        super().basic_close_room(room, namespace)  # type: ignore[misc]


class LocalManager(_UserRooms, socketio.Manager):  # type: ignore[misc]
    """One process: rooms in memory."""


class RedisQueue(_UserRooms, socketio.RedisManager):  # type: ignore[misc]
    """Several processes sharing Redis as the Socket.IO message queue."""


def make_manager(queue: str | None) -> Any:
    """The manager for a message queue URL (Redis), or for this process alone."""
    if not queue:
        return LocalManager()
    if not str(queue).startswith(("redis://", "rediss://", "unix://")):
        raise ConfigurationError(f"the Socket.IO message queue must be a Redis URL, not {queue!r}")
    return RedisQueue(queue, channel="flask-socketio")
