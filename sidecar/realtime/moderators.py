"""Which of this process's sockets are in the ``admin`` room, and on whose session.

A moderator's socket joins ``admin`` and ``user:<id>`` on connect; closing
``user:<id>`` (``Publisher.end_live_access``) takes it out again, in whichever
process holds it. Two gaps are closed here:

- a demotion, ban or logout committed while the socket was connecting: the
  account is read again after joining, so either the close came after the join
  or the change is seen;
- a close published while this process could not hear the queue (Redis down):
  after such a gap, :meth:`Moderators.recheck` reads every admitted account
  again and takes out the sockets whose session has ended.
"""

from __future__ import annotations

import threading
from typing import Any

from sqlalchemy import select

from sidecar.extensions import db
from sidecar.models import User
from sidecar.services.events import ADMIN_ROOM, user_room

__all__ = ["Moderators"]


def _still_admitted(user: User | None, session_id: str) -> bool:
    """A moderator, not banned, on the session the socket was admitted with."""
    return user is not None and user.is_moderator and user.is_active and user.get_id() == session_id


class Moderators:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._admitted: dict[str, tuple[int, str]] = {}  # sid -> (user id, session id)

    def admit(self, server: Any, namespace: str, sid: str, user: Any) -> None:
        """Let ``sid`` into ``admin`` if ``user`` (the connection's) is a moderator."""
        if not (user.is_authenticated and user.is_moderator):
            return
        session_id = user.get_id()  # the session version the cookie carries
        self._enter(server, namespace, sid, user.id)
        db.session.rollback()  # read what has been committed since
        if _still_admitted(user, session_id):
            with self._lock:
                self._admitted[sid] = (user.id, session_id)
        else:
            self._leave(server, namespace, sid, user.id)

    def forget(self, sid: str) -> None:
        with self._lock:
            self._admitted.pop(sid, None)

    def recheck(self, server: Any, namespace: str) -> None:
        """Take out every admitted socket whose session has ended (needs an app context)."""
        with self._lock:
            admitted = dict(self._admitted)
        if not admitted:
            return
        ids = {user_id for user_id, _ in admitted.values()}
        users = {u.id: u for u in db.session.scalars(select(User).where(User.id.in_(ids)))}
        for sid, (user_id, session_id) in admitted.items():
            if not _still_admitted(users.get(user_id), session_id):
                self._leave(server, namespace, sid, user_id)
                self.forget(sid)

    @staticmethod
    def _enter(server: Any, namespace: str, sid: str, user_id: int) -> None:
        for room in (user_room(user_id), ADMIN_ROOM):
            server.enter_room(sid, room, namespace=namespace)

    @staticmethod
    def _leave(server: Any, namespace: str, sid: str, user_id: int) -> None:
        for room in (user_room(user_id), ADMIN_ROOM):
            server.leave_room(sid, room, namespace=namespace)
