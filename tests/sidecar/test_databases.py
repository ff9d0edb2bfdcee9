"""The migrations and the rules the database itself enforces, on SQLite and PostgreSQL.

The schema comes only from the Alembic migrations (never ``create_all``), so they
must build it, take it down and build it again, and agree with the models.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from flask import Flask
from sqlalchemy.exc import IntegrityError

import sidecar
from sidecar.database import SEARCH_TABLES, autogenerate_includes, now_utc
from sidecar.extensions import db
from sidecar.models import User
from tests.sidecar.conftest import migrate_to

TABLES = {
    "users",
    "comments",
    "api_tokens",
    "audit_log",
    "outbox",
    "subscriptions",
    "reply_notices",
    "mail_optouts",
    "blocklist",
    "view_counts",
    "referrer_counts",
    "view_salts",
    "view_seen",
    "search_documents",
}
HEAD = ScriptDirectory(str(Path(sidecar.__file__).parent / "migrations")).get_current_head()


# Indexes on expressions such as lower(username): SQLite's reflection cannot see
# them, so autogenerate cannot compare them; test_expression_indexes_exist does.
def _expression_indexes() -> dict[str, sa.Index]:
    found: dict[str, sa.Index] = {}
    for table in db.metadata.tables.values():
        for index in table.indexes:
            if any(not isinstance(e, sa.Column) for e in index.expressions):
                assert index.name is not None, f"an expression index on {table.name} has no name"
                found[index.name] = index
    return found


EXPRESSION_INDEXES = _expression_indexes()


def inspect(app: Flask, what: Callable[[sa.Inspector], Any]) -> Any:
    with app.app_context():
        try:
            return what(sa.inspect(db.engine))
        finally:
            db.engine.dispose()


def table_names(app: Flask) -> set[str]:
    """Tables, with the search index as one name (FTS5 adds shadow tables)."""
    names = set(inspect(app, lambda inspector: inspector.get_table_names()))
    search = {n for n in names if n.startswith(SEARCH_TABLES)}
    assert not search or "search_documents" in search
    return (names - search) | ({"search_documents"} if search else set())


def revision(app: Flask) -> str | None:
    with app.app_context():
        try:
            with db.engine.connect() as connection:
                return MigrationContext.configure(connection).get_current_revision()
        finally:
            db.engine.dispose()


def test_upgrade_creates_every_table(empty_app: Flask) -> None:
    assert table_names(empty_app) == set()
    migrate_to(empty_app)
    assert table_names(empty_app) == TABLES | {"alembic_version"}
    assert revision(empty_app) == HEAD


def test_downgrade_to_base_and_upgrade_again(empty_app: Flask) -> None:
    migrate_to(empty_app)
    migrate_to(empty_app, "base", down=True)
    assert table_names(empty_app) == {"alembic_version"}
    assert revision(empty_app) is None
    migrate_to(empty_app)
    assert table_names(empty_app) == TABLES | {"alembic_version"}
    assert revision(empty_app) == HEAD


def _not_an_expression_index(
    obj: Any, name: str | None, type_: str, reflected: bool, compare_to: Any
) -> bool:
    return not (type_ == "index" and name in EXPRESSION_INDEXES)


def test_the_models_match_the_migrated_schema(app: Flask) -> None:
    """What ``flask db migrate`` would generate now: nothing."""
    with app.app_context():
        try:
            with db.engine.connect() as connection, warnings.catch_warnings():
                # SQLite cannot reflect the expression indexes, and says so twice.
                names = "|".join(EXPRESSION_INDEXES)
                for message in ("Skipped unsupported reflection", "autogenerate skipping"):
                    warnings.filterwarnings(
                        "ignore", f"{message}.*expression-based index.*(?:{names})"
                    )
                context = MigrationContext.configure(
                    connection,
                    opts={
                        "compare_type": True,
                        "compare_server_default": True,
                        "include_object": _not_an_expression_index,
                        "include_name": autogenerate_includes,
                    },
                )
                differences = compare_metadata(context, db.metadata)
        finally:
            db.engine.dispose()
    assert differences == []


@pytest.mark.parametrize("name", sorted(EXPRESSION_INDEXES))
def test_expression_indexes_exist(app: Flask, name: str) -> None:
    index = EXPRESSION_INDEXES[name]
    with app.app_context():
        try:
            if db.engine.dialect.name == "postgresql":
                sql = "SELECT indexdef FROM pg_indexes WHERE indexname = :name"
            else:
                sql = "SELECT sql FROM sqlite_master WHERE type = 'index' AND name = :name"
            with db.engine.connect() as connection:
                definition = connection.scalar(sa.text(sql), {"name": name})
        finally:
            db.engine.dispose()
    assert definition is not None, f"the migrations do not create {name}"
    assert ("UNIQUE" in definition.upper()) == bool(index.unique)
    # PostgreSQL shows lower(username) as lower((username)::text), SQLite as written.
    normalised = definition.replace('"', "").replace("::text", "").replace("((", "(")
    normalised = normalised.replace("))", ")")
    assert index.table is not None
    for expression in index.expressions:
        assert isinstance(expression, sa.ColumnElement), expression
        wanted = str(expression.compile()).replace(f"{index.table.name}.", "")
        assert wanted in normalised, definition


def _user(username: str, email: str, **fields: Any) -> User:
    return User(email=email, username=username, password_hash="x", **fields)


def _commit_fails(*users: User) -> IntegrityError | None:
    """Add and commit ``users`` one by one: the integrity error, if any."""
    for user in users:
        db.session.add(user)
        try:
            db.session.commit()
        except IntegrityError as error:
            db.session.rollback()
            return error
    return None


def test_usernames_are_unique_whatever_their_case(app: Flask) -> None:
    with app.app_context():
        assert _commit_fails(_user("Ada", "ada@example.test")) is None
        error = _commit_fails(_user("aDA", "other@example.test"))
        assert error is not None, "the database let in a username differing only in case"
        assert "uq_users_username_lower" in str(error.orig)
        assert db.session.scalar(sa.select(sa.func.count()).select_from(User)) == 1


def test_confirmed_accounts_have_addresses_of_their_own(app: Flask) -> None:
    """Unconfirmed accounts may wait on one address (registering never tells
    whether it is known); two confirmed accounts never share one."""
    confirmed = {"email_confirmed_at": now_utc()}
    with app.app_context():
        assert _commit_fails(_user("ada", "ada@example.test", **confirmed)) is None
        assert _commit_fails(_user("grace", "ada@example.test")) is None  # waiting
        assert _commit_fails(_user("alan", "ada@example.test", **confirmed)) is not None
        assert db.session.scalar(sa.select(sa.func.count()).select_from(User)) == 2


def test_emails_differing_only_in_case_are_rejected_by_the_database(app: Flask) -> None:
    """The services lower-case addresses; the database holds any other writer to it."""
    confirmed = {"email_confirmed_at": now_utc()}
    with app.app_context():
        error = _commit_fails(
            _user("ada", "ada@example.test", **confirmed),
            _user("grace", "Ada@Example.TEST", **confirmed),
        )
        assert error is not None, "the database let in an email differing only in case"
        assert db.session.scalar(sa.select(sa.func.count()).select_from(User)) == 1


def test_timestamps_come_back_timezone_aware_in_utc(app: Flask) -> None:
    india = timezone(timedelta(hours=5, minutes=30))
    logged_in = datetime(2026, 3, 1, 17, 30, 15, 123456, tzinfo=india)
    with app.app_context():
        postgres = db.engine.dialect.name == "postgresql"
        user = _user("ada", "ada@example.test", last_login_at=logged_in)
        before = now_utc()
        db.session.add(user)
        db.session.commit()
        user_id = user.id
        db.session.expunge_all()
        if postgres:
            # A server or session in another zone must not change what comes back.
            db.session.execute(sa.text("SET TIME ZONE 'America/Los_Angeles'"))
        found = db.session.get(User, user_id)
        assert found is not None
        for value in (found.created_at, found.updated_at, found.last_login_at):
            assert value is not None and value.tzinfo is not None
            assert value.utcoffset() == timedelta(0)
        assert found.last_login_at == logged_in
        assert found.last_login_at.hour == 12  # 17:30+05:30 is 12:00 UTC
        assert before - timedelta(seconds=5) <= found.created_at <= now_utc()
        if postgres:
            stored = db.session.scalar(
                sa.text("SELECT last_login_at AT TIME ZONE 'UTC' FROM users WHERE id = :id"),
                {"id": user_id},
            )
            assert stored == logged_in.astimezone(UTC).replace(tzinfo=None)
        db.session.rollback()


def test_accounts_made_before_guests_are_protected_from_look_alikes(empty_app: Flask) -> None:
    """0013 gives every existing account the key a guest's name is checked against,
    and keeps every comment (written by an account) as it was."""
    migrate_to(empty_app, "0012")
    with empty_app.app_context():
        try:
            with db.engine.begin() as connection:
                connection.execute(
                    sa.text(
                        "INSERT INTO users (email, username, password_hash, role, "
                        "session_version, created_at, updated_at) VALUES ('a@example.test', "
                        "'Admin', 'x', 'admin', 1, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)"
                    )
                )
                connection.execute(
                    sa.text(
                        "INSERT INTO comments (post_slug, author_id, depth, body_source, "
                        "body_html, status, created_at, updated_at) VALUES ('hello', 1, 0, 'hi', "
                        "'<p>hi</p>', 'approved', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)"
                    )
                )
        finally:
            db.engine.dispose()
    migrate_to(empty_app)
    with empty_app.app_context():
        try:
            with db.engine.connect() as connection:
                key = connection.execute(sa.text("SELECT name_key FROM users")).scalar_one()
                comments = connection.execute(
                    sa.text("SELECT author_id, body_source FROM comments")
                ).all()
        finally:
            db.engine.dispose()
    assert key == "adrnln"  # "admin", "ADM1N", "аdmin" (Cyrillic а) all fold to it
    assert [tuple(c) for c in comments] == [(1, "hi")]
