"""How the sidecar is served in production: gunicorn's settings and its command.

``frostpress-sidecar [gunicorn options]`` (or ``make serve-prod``) runs
``gunicorn -c python:sidecar.gunicorn_config sidecar.wsgi:app``; tests, the
benches and the README all start it from :func:`command`, so there is one
definition of the worker model:

- one worker process (Socket.IO keeps a client's session in the process that
  opened it: scale out with more processes behind a sticky proxy, sharing
  ``REDIS_URL``), of gunicorn's ``gevent`` class: each request and each socket
  is a greenlet, so one process holds thousands of readers and still answers
  HTTP. ``sidecar.wsgi`` is imported by the worker after gunicorn has patched
  the standard library; the websocket is simple-websocket's, as in development;
- ``SIDECAR_BIND`` (default ``127.0.0.1:8001``), ``SIDECAR_WORKER_CONNECTIONS``
  (sockets and requests at once, 4000), ``SIDECAR_GRACEFUL_TIMEOUT`` (20 s);
- on SIGTERM the process stops accepting, closes its sockets at once (clients
  reconnect elsewhere), and lets requests in flight finish within the graceful
  timeout.

Logging: gunicorn's own lines (its error log and the access log) become the
same one-JSON-object lines as the app's, each written once (gunicorn's default
gives its error logger a handler of its own *and* lets it propagate to the
root, so with the app's handler every line came out twice), with token-bearing
paths redacted outside development.
"""

from __future__ import annotations

import os
import signal
import sys
from typing import Any

__all__ = ["APP", "command", "main"]

APP = "sidecar.wsgi:app"

bind = [os.environ.get("SIDECAR_BIND", "127.0.0.1:8001")]
workers = 1
worker_class = "gevent"
worker_connections = int(os.environ.get("SIDECAR_WORKER_CONNECTIONS", "4000"))
# A worker silent this long is killed and replaced: under gevent that means the
# loop itself was blocked (a long call in C), which also stalled every socket.
timeout = 30
graceful_timeout = int(os.environ.get("SIDECAR_GRACEFUL_TIMEOUT", "20"))
keepalive = 5
# Requests are small JSON; header limits stay gunicorn's defaults.

_redact = os.environ.get("SIDECAR_ENV", "development").strip().lower() != "development"

accesslog = "-"
access_log_format = '%(h)s "%(r)s" %(s)s %(B)s %(M)sms %({x-request-id}o)s'
logconfig_dict = {
    "version": 1,
    "disable_existing_loggers": False,
    "root": {"level": "INFO", "handlers": ["json"]},
    "loggers": {
        "gunicorn.error": {"level": "INFO", "handlers": [], "propagate": True},
        "gunicorn.access": {"level": "INFO", "handlers": [], "propagate": True},
    },
    "handlers": {
        "json": {
            "class": "logging.StreamHandler",
            "formatter": "json",
            "stream": "ext://sys.stderr",
        }
    },
    "formatters": {"json": {"()": "sidecar.logs.JsonFormatter", "redact_secrets": _redact}},
}


def post_worker_init(worker: Any) -> None:
    """SIGTERM: besides gunicorn's own graceful stop (no new connections,
    requests in flight finish), close this process's sockets right away.
    Otherwise every open socket counts as work in flight and the worker
    lingers until the graceful timeout, its readers cut off only then."""
    from sidecar.realtime.channel import close_sockets

    graceful_stop = worker.handle_exit

    def stop(signum: int, frame: Any) -> None:
        graceful_stop(signum, frame)
        import gevent

        gevent.spawn(close_sockets)

    signal.signal(signal.SIGTERM, stop)


def child_exit(server: Any, worker: Any) -> None:
    """With ``PROMETHEUS_MULTIPROC_DIR``: a dead worker's gauges stop counting."""
    from sidecar.metrics import child_exit as forget_worker

    forget_worker(server, worker)


def command(*options: str, python: str = sys.executable) -> list[str]:
    """The argv that serves the sidecar; ``options`` are gunicorn's, and win."""
    return [python, "-m", "gunicorn", "-c", "python:sidecar.gunicorn_config", *options, APP]


def main(argv: list[str] | None = None) -> None:
    """``frostpress-sidecar``: gunicorn with these settings, in this process."""
    args = sys.argv[1:] if argv is None else argv
    program = command(*args)
    os.execv(program[0], program)  # noqa: S606  (our own argv, no shell)


if __name__ == "__main__":
    main()
