"""The outbox worker: sends queued mail in the background, in every process.

``OUTBOX_WORKER`` says where mail is sent from:

- ``thread`` (the default): a daemon thread in each sidecar process, started
  with the process's first request and woken whenever a transaction that
  queued a mail commits; between wake-ups it looks for due mail (retries,
  mail another process queued) every ``OUTBOX_POLL_SECONDS``.
- ``off``: this process queues mail but sends none; run
  ``flask --app sidecar send-mail`` as a worker process instead (or as well:
  claims keep two senders from sending one mail twice). Tests use ``off`` and
  drain the outbox themselves.

A failed round (the database or SMTP away) is logged and tried again later;
the worker never stops because of it.
"""

from __future__ import annotations

import contextlib
import logging
import threading
import weakref
from typing import Any

import click
from flask import Flask
from flask.cli import with_appcontext
from sqlalchemy import event
from sqlalchemy.orm import Session

__all__ = ["OutboxWorker", "init_app"]

log = logging.getLogger("sidecar.mail")

_workers: weakref.WeakSet[OutboxWorker] = weakref.WeakSet()


class OutboxWorker:
    def __init__(self, app: Flask, interval: float) -> None:
        self.app = app
        self.interval = interval
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()
        _workers.add(self)

    def start(self) -> None:
        if self._thread is not None:
            return
        with self._lock:
            if self._thread is None:
                self._thread = threading.Thread(target=self._run, name="outbox-worker", daemon=True)
                self._thread.start()

    def wake(self) -> None:
        self._wake.set()

    def stop(self) -> None:
        self._stop.set()
        self._wake.set()

    def run_once(self) -> dict[str, int]:
        """One round: deliver every due mail."""
        from sidecar import deps
        from sidecar.extensions import db

        with self.app.app_context():
            try:
                return deps.outbox().drain()
            finally:
                db.session.remove()

    def _run(self) -> None:
        delay = self.interval
        while not self._stop.is_set():
            self._wake.clear()
            try:
                self.run_once()
                delay = self.interval
            except Exception:
                log.warning("outbox round failed; trying again in %.0f s", delay, exc_info=True)
                delay = min(delay * 2, 300.0)
            self._wake.wait(delay)


def _queued(session: Session) -> None:
    if session.info.pop("outbox_queued", False):
        for worker in list(_workers):
            worker.wake()


def _forget(session: Session) -> None:
    session.info.pop("outbox_queued", None)


event.listen(Session, "after_commit", _queued)
event.listen(Session, "after_rollback", _forget)


@click.command("send-mail")
@click.option("--once", is_flag=True, help="Deliver what is due now, then exit.")
@with_appcontext
def send_mail(once: bool) -> None:
    """Deliver queued mail: a worker process, for OUTBOX_WORKER=off."""
    from flask import current_app

    worker: OutboxWorker = current_app.extensions["sidecar.outbox"]
    if once:
        click.echo(f"outbox: {worker.run_once() or 'nothing due'}")
        return
    click.echo(f"Sending queued mail every {worker.interval:g} s; Ctrl-C stops.")
    with contextlib.suppress(KeyboardInterrupt):
        worker._run()


def init_app(app: Flask) -> None:
    config = app.config
    config.setdefault("OUTBOX_WORKER", "off" if config.get("TESTING") else "thread")
    config.setdefault("OUTBOX_POLL_SECONDS", 5.0)
    mode = config["OUTBOX_WORKER"]
    if mode not in ("thread", "off"):
        from sidecar.config import ConfigurationError

        raise ConfigurationError(f"OUTBOX_WORKER must be thread or off, not {mode!r}")
    worker = OutboxWorker(app, float(config["OUTBOX_POLL_SECONDS"]))
    app.extensions["sidecar.outbox"] = worker
    if mode == "thread":

        @app.before_request
        def start_outbox_worker() -> Any:
            worker.start()
            return None

    app.cli.add_command(send_mail)
