"""Database trouble answers 503 in the contract's shape, and nothing escapes as HTML.

- A connection-level database error (the server restarting, a dropped
  connection, an exhausted pool, SQLite busy past its timeout) is a 503
  ``unavailable`` with ``Retry-After``: the request may be tried again.
- The session's teardown runs after the response is made; if the ROLLBACK it
  sends fails on a dead connection, that is logged and the session dropped,
  and the response (perhaps for a comment already committed) still goes out.
- Whatever else escapes Flask's handlers is caught by :class:`Failsafe`
  around the app: ``/api`` gets the JSON envelope, never the server's bare
  HTML 500 page.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Iterable
from typing import Any

from flask import Flask, Response
from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import exc as sa_exc

from sidecar.extensions import db

__all__ = ["Failsafe", "drop_session", "init_app", "is_database_down"]

log = logging.getLogger(__name__)

RETRY_AFTER = "5"
UNAVAILABLE = "The database is unreachable just now; try again in a few seconds."


def is_database_down(error: BaseException) -> bool:
    if isinstance(error, sa_exc.DBAPIError):
        return bool(
            error.connection_invalidated
            or isinstance(error, sa_exc.OperationalError | sa_exc.InterfaceError)
        )
    return isinstance(error, sa_exc.TimeoutError)  # no connection free in the pool


def drop_session() -> None:
    """Forget this thread's session even if closing it fails (a dead connection)."""
    try:
        db.session.remove()
    except Exception as exc:
        log.warning("closing the database session failed (%s); dropped", type(exc).__name__)
        db.session.registry.clear()


def _safe_teardown(app: Flask) -> None:
    funcs = app.teardown_appcontext_funcs
    for index, func in enumerate(funcs):
        if getattr(func, "__func__", None) is SQLAlchemy._teardown_session:
            funcs[index] = lambda _exc: drop_session()


class Failsafe:
    """WSGI middleware: an exception that escaped Flask still gets an answer."""

    def __init__(self, app: Callable[..., Iterable[bytes]]) -> None:
        self.app = app

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Any:
        # The app's start_response is held back until the app has returned: if it
        # raises after choosing its headers (in a teardown), nothing was started,
        # and this answer replaces that one cleanly on every server.
        started: list[tuple[Any, ...]] = []

        def hold(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Any:
            started[:] = [(status, headers, exc_info)]
            return _no_write

        try:
            body = self.app(environ, hold)
        except Exception as error:
            return self._answer(environ, start_response, error)
        start_response(*started[0])
        return body

    @staticmethod
    def _answer(
        environ: dict[str, Any], start_response: Callable[..., Any], error: Exception
    ) -> list[bytes]:
        down = is_database_down(error)
        log.error("error outside the request's handlers", exc_info=error)
        status, code, message = (
            (503, "unavailable", UNAVAILABLE)
            if down
            else (500, "internal_error", "Something went wrong on our side.")
        )
        if environ.get("PATH_INFO", "").startswith("/api"):
            body = json.dumps({"error": {"code": code, "message": message, "fields": {}}})
            mimetype = "application/json"
        else:
            body = f"<!doctype html><title>{status}</title><h1>{status}</h1><p>{message}</p>"
            mimetype = "text/html"
        headers = [("Content-Type", f"{mimetype}; charset=utf-8")]
        if down:
            headers.append(("Retry-After", RETRY_AFTER))
        reason = "Service Unavailable" if down else "Internal Server Error"
        start_response(f"{status} {reason}", headers)
        return [body.encode()]


def _no_write(data: bytes) -> None:
    raise RuntimeError("the sidecar's apps return their bodies; they never call write()")


def init_app(app: Flask) -> None:
    """Call after ``db.init_app`` and before anything else wraps ``app.wsgi_app``."""
    from sidecar.errors import error_response

    _safe_teardown(app)
    app.wsgi_app = Failsafe(app.wsgi_app)  # type: ignore[method-assign]

    def database_down(error: Exception) -> Response:
        if not is_database_down(error):
            log.error("database error", exc_info=error)
            drop_session()
            return error_response(500, "internal_error", "Something went wrong on our side.")
        log.warning("database unreachable: %s", type(getattr(error, "orig", error)).__name__)
        drop_session()
        return error_response(503, "unavailable", UNAVAILABLE, headers={"Retry-After": RETRY_AFTER})

    app.register_error_handler(sa_exc.DBAPIError, database_down)
    app.register_error_handler(sa_exc.TimeoutError, database_down)
