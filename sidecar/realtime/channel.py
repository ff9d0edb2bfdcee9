"""Wiring the live channel into an app: the Socket.IO server, its rooms, presence.

Settings: ``SOCKETIO_MESSAGE_QUEUE`` (defaults to ``REDIS_URL``; ``None`` keeps
the channel in this process), ``LIVE_PRESENCE_INTERVAL`` (seconds between two
presence broadcasts of a post, 1) and ``LIVE_SCHEDULER`` (the announcer's
clock and timers; tests give one they move by hand).
"""

from __future__ import annotations

import logging

from flask import Flask

from sidecar.extensions import socketio
from sidecar.realtime.managers import RedisQueue, make_manager
from sidecar.realtime.namespace import LiveNamespace
from sidecar.realtime.origins import origin_allowed
from sidecar.realtime.presence import LocalPresence, SharedPresence
from sidecar.services.events import SocketIOPublisher

__all__ = ["init_app"]


def _quiet_logger(name: str) -> logging.Logger:
    logger = logging.getLogger(name)
    logger.setLevel(logging.WARNING)
    return logger


def init_app(app: Flask) -> None:
    """Threading mode pinned (never auto-detected), origins from ``SITE_ORIGIN``,
    and Redis as the message queue when several processes run."""
    config = app.config
    queue = config.get("SOCKETIO_MESSAGE_QUEUE", config.get("REDIS_URL"))
    manager = make_manager(queue)
    socketio.init_app(
        app,
        async_mode="threading",
        cors_allowed_origins=lambda origin, environ: origin_allowed(
            origin,
            environ,
            config["SITE_ORIGINS"],
            config["TRUSTED_PROXIES"],
            config["TRUSTED_HOSTS"],
        ),
        client_manager=manager,
        # Loggers of our own, not False: given False, python-socketio and
        # python-engineio hang a plain-text handler on theirs, so each of their
        # errors came out twice, once not as JSON. These only propagate to the
        # one JSON handler, warnings and up.
        logger=_quiet_logger("sidecar.socketio"),
        engineio_logger=_quiet_logger("sidecar.engineio"),
    )
    # Reader counts span every process that shares the queue's Redis.
    presence = SharedPresence(queue) if queue else LocalPresence()
    live = LiveNamespace(
        "/",
        presence,
        scheduler=config.get("LIVE_SCHEDULER"),  # tests move time by hand
        interval=config.get("LIVE_PRESENCE_INTERVAL", 1.0),
    )
    socketio.on_namespace(live)
    if isinstance(manager, RedisQueue):
        manager.after_gap.append(lambda: live.after_gap(app))
    app.extensions["sidecar.live"] = manager  # its status goes into /api/health
    app.extensions["sidecar.events"] = SocketIOPublisher(socketio)
