"""Serving only on a migrated database: the schema's revision against the code's.

The code's migrations (``sidecar/migrations``, Alembic through Flask-Migrate)
name the revision the models need; the database's ``alembic_version`` table
says which revision it is at. While the database is behind (never migrated,
or not upgraded after a deploy), every request but the health checks, the
API document, the metrics and static files is refused with a 503 instead of failing later with
500s:

- under ``/api``: ``{"error": {"code": "schema_outdated", ...}}``, naming the
  command to run, with ``Retry-After``;
- pages: a 503 page that asks readers to come back shortly;
- the log: one error line naming the revisions and the command, when the
  sidecar first finds the schema behind.

Once the database has been upgraded the next request is served, without a
restart: a schema found behind is looked at again on every request (one small
query), one found current is trusted for ``SCHEMA_CHECK_SECONDS`` (5).
A database *ahead* of the code (a newer release migrated it, this process
is the old one still draining) is served: migrations add before they remove.

The check runs on a connection of its own (not from the app's pool), so it
never takes a connection a request needs, and never shows up among a
request's statements.
"""

from __future__ import annotations

import enum
import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from flask import Flask, current_app, g, request
from sqlalchemy import Engine, create_engine
from sqlalchemy.pool import NullPool

from sidecar.errors import Unavailable, wants_json
from sidecar.extensions import db, login_manager
from sidecar.failsafe import is_database_down

__all__ = [
    "UPGRADE_COMMAND",
    "SchemaCheck",
    "SchemaOutdated",
    "SchemaState",
    "init_app",
    "schema_check",
]

log = logging.getLogger(__name__)

UPGRADE_COMMAND = "flask --app sidecar db upgrade"
RETRY_AFTER = 30
# Answer whatever the schema: the checks themselves, the API document, static files
# (/metrics is answered before the app: sidecar.metrics).
EXEMPT_ENDPOINTS = {"health.health", "health.ready", "static", "api-docs.openapi_json"}


class SchemaState(enum.Enum):
    CURRENT = "current"
    AHEAD = "ahead"  # revisions this code does not know: a newer release migrated it
    BEHIND = "behind"  # not migrated at all, or not up to the code's head
    UNREACHABLE = "unreachable"


@dataclass(frozen=True)
class SchemaReport:
    state: SchemaState
    database: tuple[str, ...] = ()  # the database's revisions (heads)
    code: tuple[str, ...] = ()  # the code's heads

    @property
    def serving(self) -> bool:
        return self.state in (SchemaState.CURRENT, SchemaState.AHEAD)


class SchemaOutdated(Unavailable):
    code = "schema_outdated"

    def __init__(self, message: str) -> None:
        super().__init__(message, retry_after=RETRY_AFTER)


def _describe(revisions: tuple[str, ...]) -> str:
    return ", ".join(revisions) if revisions else "none (never migrated)"


class SchemaCheck:
    """The database's schema state, cached while it is current."""

    def __init__(
        self,
        engine: Callable[[], Engine],
        directory: Callable[[], str],
        *,
        ttl: float = 5.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._engine_factory, self._directory = engine, directory
        self.ttl, self._clock = ttl, clock
        self._engine: Engine | None = None
        self._heads: tuple[str, ...] | None = None
        self._known: frozenset[str] = frozenset()
        self._last: SchemaReport | None = None
        self._checked_at = float("-inf")
        self._lock = threading.Lock()

    def _code(self) -> tuple[tuple[str, ...], frozenset[str]]:
        if self._heads is None:
            config = Config()
            config.set_main_option("script_location", self._directory())
            script = ScriptDirectory.from_config(config)
            self._known = frozenset(rev.revision for rev in script.walk_revisions())
            self._heads = tuple(sorted(script.get_heads()))
        return self._heads, self._known

    def _look(self) -> SchemaReport:
        heads, known = self._code()
        if self._engine is None:
            self._engine = self._engine_factory()
        try:
            with self._engine.connect() as connection:
                found = tuple(sorted(MigrationContext.configure(connection).get_current_heads()))
        except Exception as error:
            if not is_database_down(error):
                raise
            return SchemaReport(SchemaState.UNREACHABLE, code=heads)
        if any(revision not in known for revision in found):
            state = SchemaState.AHEAD
        elif found == heads:
            state = SchemaState.CURRENT
        else:
            state = SchemaState.BEHIND
        return SchemaReport(state, found, heads)

    def report(self) -> SchemaReport:
        """The schema's state: from the cache while it was current a moment ago.

        When the check is due, one caller looks (a connection of its own); the
        others, meanwhile, keep the serving answer it replaces rather than queue
        up to look one after another. Without a serving answer (never looked,
        behind, unreachable), each caller waits and looks itself."""
        last = self._last
        if last is not None and last.serving:
            if self._clock() - self._checked_at < self.ttl:
                return last
            if not self._lock.acquire(blocking=False):
                return last  # another caller is looking now
        else:
            self._lock.acquire()
        try:
            report = self._look()
            self._note(self._last, report)
            self._last, self._checked_at = report, self._clock()
        finally:
            self._lock.release()
        return report

    @staticmethod
    def _note(before: SchemaReport | None, now: SchemaReport) -> None:
        was = before.state if before is not None else None
        if now.state is SchemaState.BEHIND and was is not SchemaState.BEHIND:
            log.error(
                "the database schema is behind the code (database at %s, code at %s): "
                "run `%s`; until then requests are answered 503 schema_outdated",
                _describe(now.database),
                _describe(now.code),
                UPGRADE_COMMAND,
            )
        elif now.state is SchemaState.AHEAD and was is not SchemaState.AHEAD:
            log.warning(
                "the database schema (%s) is newer than this code (%s): "
                "serving, as a release being replaced does",
                _describe(now.database),
                _describe(now.code),
            )
        elif now.state is SchemaState.CURRENT and was is SchemaState.BEHIND:
            log.info("the database schema is current (%s): serving again", _describe(now.code))


def outdated_error(report: SchemaReport) -> SchemaOutdated:
    if wants_json():
        return SchemaOutdated(
            f"The database schema is behind this version of the sidecar "
            f"(database at {_describe(report.database)}, code at {_describe(report.code)}): "
            f"run {UPGRADE_COMMAND}"
        )
    return SchemaOutdated(
        "Comments and accounts are unavailable while this site's database is being "
        "upgraded. Please try again in a few minutes."
    )


def schema_check() -> SchemaCheck:
    check: SchemaCheck = current_app.extensions["sidecar.schema"]
    return check


def _own_engine(app: Flask) -> Callable[[], Engine]:
    def make() -> Engine:
        with app.app_context():
            url = db.engine.url
        options = app.config.get("SQLALCHEMY_ENGINE_OPTIONS", {})
        return create_engine(
            url,
            poolclass=NullPool,
            hide_parameters=True,
            connect_args=options.get("connect_args", {}),
        )

    return make


def init_app(app: Flask) -> None:
    """Before any other request hook, so none of them meets an outdated schema."""
    app.config.setdefault("SCHEMA_CHECK_SECONDS", 5.0)
    app.extensions["sidecar.schema"] = SchemaCheck(
        _own_engine(app),
        lambda: str(app.extensions["migrate"].directory),
        ttl=float(app.config["SCHEMA_CHECK_SECONDS"]),
    )

    @app.before_request
    def refuse_on_an_outdated_schema() -> None:
        if request.endpoint in EXEMPT_ENDPOINTS:
            return
        report = schema_check().report()
        if report.state is SchemaState.BEHIND:
            # Pages render for an anonymous reader: loading a signed-in user
            # would read a table the schema may not have yet.
            g._login_user = login_manager.anonymous_user()
            raise outdated_error(report)
