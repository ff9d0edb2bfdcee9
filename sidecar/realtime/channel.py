"""Wiring the live channel into an app: the Socket.IO server, its rooms, presence.

The async mode follows the process, in one place (:func:`async_mode`): gevent
when the standard library is gevent-patched (``sidecar.wsgi`` under gunicorn's
gevent worker, the production server), threading otherwise (``make dev``, the
tests). Never auto-detected by Flask-SocketIO, which would pick gevent merely
because it is installed.

Settings: ``SOCKETIO_MESSAGE_QUEUE`` (defaults to ``REDIS_URL``; ``None`` keeps
the channel in this process), ``LIVE_PRESENCE_INTERVAL`` (seconds between two
presence broadcasts of a post, 1) and ``LIVE_SCHEDULER`` (the announcer's
clock and timers; tests give one they move by hand).
"""

from __future__ import annotations

import importlib.util
import logging
import sys

from flask import Flask

from sidecar.config import ConfigurationError
from sidecar.extensions import socketio
from sidecar.realtime.managers import RedisQueue, make_manager
from sidecar.realtime.namespace import LiveNamespace
from sidecar.realtime.origins import origin_allowed
from sidecar.realtime.presence import LocalPresence, SharedPresence
from sidecar.services.events import SocketIOPublisher

__all__ = ["async_mode", "close_sockets", "init_app"]


def async_mode() -> str:
    """``"gevent"`` in a gevent-patched process, else ``"threading"``.

    Under gevent each socket is a greenlet rather than a thread, so one process
    holds thousands; the websocket is simple-websocket's in both modes."""
    monkey = sys.modules.get("gevent.monkey")
    if monkey is not None and monkey.is_module_patched("socket"):
        return "gevent"
    return "threading"


def close_sockets() -> None:
    """Close every live socket of this process at the Engine.IO level, as a
    dropped connection looks: clients reconnect (to another process) and
    resynchronise, where a Socket.IO disconnect would tell them to stay away.
    Called when the process is asked to stop."""
    if socketio.server is not None:
        socketio.server.eio.disconnect()


def _quiet_logger(name: str) -> logging.Logger:
    logger = logging.getLogger(name)
    logger.setLevel(logging.WARNING)
    return logger


def init_app(app: Flask) -> None:
    """The async mode of :func:`async_mode` (never auto-detected), origins from
    ``SITE_ORIGIN``, and Redis as the message queue when several processes run."""
    config = app.config
    mode = async_mode()
    if mode == "gevent" and importlib.util.find_spec("geventwebsocket") is not None:
        # python-engineio would serve websockets through it, which only its own
        # gunicorn worker supports: under the gevent worker every socket would fail.
        raise ConfigurationError(
            "gevent-websocket is installed: uninstall it (the sidecar's websockets "
            "are simple-websocket's, served by gunicorn's gevent worker)"
        )
    queue = config.get("SOCKETIO_MESSAGE_QUEUE", config.get("REDIS_URL"))
    manager = make_manager(queue)
    socketio.init_app(
        app,
        async_mode=mode,
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
