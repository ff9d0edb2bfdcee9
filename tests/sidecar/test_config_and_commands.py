"""Configuration from the environment, and the sidecar's command-line tools."""

from __future__ import annotations

from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import inspect, select

import sidecar
from sidecar import create_app
from sidecar.config import ConfigurationError, settings_from_env
from sidecar.extensions import db
from sidecar.models import Role, User
from tests.conftest import Project


def test_the_package_exports_only_the_factory() -> None:
    assert sidecar.__all__ == ["create_app"]


@pytest.mark.parametrize("secret", ["", "dev", "short-but-not-32-chars"])
def test_production_refuses_to_start_without_a_real_secret(tmp_path: Path, secret: str) -> None:
    with pytest.raises(ConfigurationError, match="SECRET_KEY must be set"):
        create_app(
            environ={
                "SIDECAR_ENV": "production",
                "SECRET_KEY": secret,
                "FROSTPRESS_ROOT": str(tmp_path),
            }
        )


def test_production_turns_on_secure_cookies(tmp_path: Path) -> None:
    settings = settings_from_env(
        {
            "SIDECAR_ENV": "production",
            "SECRET_KEY": "x" * 40,
            "PUBLIC_URL": "https://blog.example",
            "MAIL_SERVER": "smtp.example",
        },
        tmp_path,
    )
    assert settings["SESSION_COOKIE_SECURE"] and settings["REMEMBER_COOKIE_SECURE"]
    assert settings["PREFERRED_URL_SCHEME"] == "https"


@pytest.mark.parametrize(
    ("environ", "message"),
    [
        ({"SIDECAR_ENV": "staging"}, "SIDECAR_ENV must be"),
        ({"MODERATION": "sometimes"}, "MODERATION must be one of"),
        ({"GUESTS": "everyone"}, "GUESTS must be one of off, moderated, open"),
        (
            {
                "SIDECAR_ENV": "production",
                "SECRET_KEY": "x" * 40,
                "PUBLIC_URL": "https://b.example",
            },
            "MAIL_SERVER must be set in production",
        ),
        (
            {
                "SIDECAR_ENV": "production",
                "SECRET_KEY": "x" * 40,
                "PUBLIC_URL": "https://b.example",
                "MAIL_DISABLED": "true",
                "TRUSTED_PROXIES": "2",
            },
            "TRUSTED_PROXIES must be 1 in production",
        ),
    ],
)
def test_bad_settings_say_what_is_wrong(
    tmp_path: Path, environ: dict[str, str], message: str
) -> None:
    with pytest.raises(ConfigurationError, match=message):
        settings_from_env(environ, tmp_path)


@pytest.mark.parametrize(
    ("given", "used"),
    [
        ("postgres://u:p@db/blog", "postgresql+psycopg://u:p@db/blog"),
        ("postgresql://u:p@db/blog", "postgresql+psycopg://u:p@db/blog"),
        ("sqlite:////tmp/x.sqlite3", "sqlite:////tmp/x.sqlite3"),
    ],
)
def test_database_urls_use_psycopg_3(tmp_path: Path, given: str, used: str) -> None:
    assert settings_from_env({"DATABASE_URL": given}, tmp_path)["SQLALCHEMY_DATABASE_URI"] == used


def test_development_defaults_to_sqlite_under_instance(tmp_path: Path) -> None:
    settings = settings_from_env({}, tmp_path / "instance")
    assert (
        settings["SQLALCHEMY_DATABASE_URI"]
        == f"sqlite:///{tmp_path / 'instance' / 'sidecar.sqlite3'}"
    )
    assert settings["REDIS_URL"] is None and settings["MODERATION"] == "first"
    assert settings["GUESTS"] == "off"


@pytest.mark.parametrize(
    ("given", "used"), [("on", "moderated"), (" Open ", "open"), ("off", "off")]
)
def test_guests_are_off_unless_asked_for(tmp_path: Path, given: str, used: str) -> None:
    assert settings_from_env({"GUESTS": given}, tmp_path)["GUESTS"] == used


def test_site_origins_are_a_list(tmp_path: Path) -> None:
    settings = settings_from_env({"SITE_ORIGIN": "https://a.example/, https://b.example"}, tmp_path)
    assert settings["SITE_ORIGINS"] == ["https://a.example", "https://b.example"]


def test_db_upgrade_from_the_command_line_creates_the_schema(blog: Project, tmp_path: Path) -> None:
    app = create_app(
        {"TESTING": True, "ARGON2_PROFILE": "fast"},
        environ={
            "FROSTPRESS_ROOT": str(blog.root),
            "DATABASE_URL": f"sqlite:///{tmp_path / 'cli.sqlite3'}",
        },
    )
    result = app.test_cli_runner().invoke(args=["db", "upgrade"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        tables = set(inspect(db.engine).get_table_names())
        db.engine.dispose()
    assert {"users", "comments", "api_tokens", "alembic_version"} <= tables


def test_create_admin_from_flags(app: Flask) -> None:
    result = app.test_cli_runner().invoke(
        args=[
            "create-admin",
            "--email",
            "Root@Example.test",
            "--username",
            "root",
            "--password",
            "a long admin password",
        ]
    )
    assert result.exit_code == 0, result.output
    assert "Created admin root <root@example.test>" in result.output
    with app.app_context():
        admin = db.session.scalar(select(User).where(User.username == "root"))
        assert admin is not None and admin.role == Role.ADMIN.value and admin.is_confirmed


def test_create_admin_prompts_for_a_hidden_password(app: Flask) -> None:
    result = app.test_cli_runner().invoke(
        args=["create-admin"], input="ops@example.test\nops\nsecret password 1\nsecret password 1\n"
    )
    assert result.exit_code == 0, result.output
    assert "secret password 1" not in result.output


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["--email", "a@example.test", "--username", "alice", "--password", "short"],
            "at least 8 characters",
        ),
        (["--email", "not-an-address", "--username", "alice"], "not an email address"),
        (["--email", "a@example.test", "--username", "a b"], "3 to 40 letters"),
    ],
)
def test_create_admin_rejects_weak_input(app: Flask, args: list[str], message: str) -> None:
    result = app.test_cli_runner().invoke(args=["create-admin", *args], input="")
    assert result.exit_code != 0 and message in result.output


def test_create_admin_asks_again_for_each_answer_that_will_not_do(app: Flask, make_user) -> None:
    """Each prompt is checked when it is answered, not after all four."""
    make_user(username="taken")  # taken@example.test
    answers = [
        "not-an-address",
        "Taken@Example.test",
        "ops@example.test",
        "x",
        "TAKEN",
        "ops",
        "short",
        "a long admin password",
        "a long admin password",
    ]
    result = app.test_cli_runner().invoke(args=["create-admin"], input="\n".join(answers) + "\n")
    assert result.exception is None and result.exit_code == 0, result.output
    out = result.output
    assert "not an email address" in out
    assert "an account with that email already exists" in out
    assert "3 to 40 letters" in out
    assert "an account with that username already exists" in out
    assert "at least 8 characters" in out
    # the password was asked again straight after the short one, before its confirmation
    assert out.index("at least 8 characters") < out.rindex("Repeat for confirmation")
    assert "Created admin ops <ops@example.test>" in out
    with app.app_context():
        assert db.session.scalars(select(User).where(User.username == "ops")).one().is_moderator


def test_create_admin_refuses_a_taken_name(app: Flask, make_user) -> None:
    make_user(username="taken")
    result = app.test_cli_runner().invoke(
        args=[
            "create-admin",
            "--email",
            "new@example.test",
            "--username",
            "TAKEN",
            "--password",
            "a long admin password",
        ]
    )
    assert result.exit_code != 0 and "already exists" in result.output
