"""Settings from the environment (12-factor), read inside ``create_app`` only.

``SIDECAR_ENV`` picks the defaults: ``development`` (the default: SQLite
under ``instance/``, memory rate limits, mail printed to the log),
``testing``, or ``production``, which refuses to start without a real
``SECRET_KEY`` and turns on secure cookies and HTTPS redirects.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Mapping
from pathlib import Path
from typing import Any

__all__ = ["ConfigurationError", "settings_from_env"]

MODERATION_POLICIES = ("none", "first", "all")
_WEAK_SECRETS = {"", "dev", "change-me", "changeme", "secret", "development"}


class ConfigurationError(RuntimeError):
    """The sidecar cannot start with these settings; the message says why."""


def _flag(value: str | None, default: bool) -> bool:
    if value is None or value == "":
        return default
    return value.strip().lower() in ("1", "true", "yes", "on")


def settings_from_env(environ: Mapping[str, str], instance_path: Path) -> dict[str, Any]:
    env = environ.get("SIDECAR_ENV", "development").strip().lower()
    if env not in ("development", "testing", "production"):
        raise ConfigurationError(
            f"SIDECAR_ENV must be development, testing or production, not {env!r}"
        )
    production = env == "production"
    secret = environ.get("SECRET_KEY", "")
    if production and (secret in _WEAK_SECRETS or len(secret) < 32):
        raise ConfigurationError(
            "SECRET_KEY must be set to a random value of at least 32 characters in "
            "production (e.g. python -c 'import secrets; print(secrets.token_hex(32))'); "
            "the sidecar signs sessions and email tokens with it"
        )
    root = Path(environ.get("FROSTPRESS_ROOT", os.getcwd())).resolve()
    database = environ.get("DATABASE_URL") or f"sqlite:///{instance_path / 'sidecar.sqlite3'}"
    if database.startswith("postgres://"):  # Heroku-style URLs
        database = "postgresql+psycopg://" + database[len("postgres://") :]
    elif database.startswith("postgresql://"):
        database = "postgresql+psycopg://" + database[len("postgresql://") :]
    redis_url = environ.get("REDIS_URL") or None
    origins = [
        o.strip().rstrip("/") for o in environ.get("SITE_ORIGIN", "").split(",") if o.strip()
    ]
    hook = environ.get("BUILD_HOOK_URL", "").strip()
    if hook and not hook.startswith(("https://", "http://")):
        raise ConfigurationError("BUILD_HOOK_URL must be an http(s) URL (a Netlify build hook)")
    moderation = environ.get("MODERATION", "first").strip().lower()
    if moderation not in MODERATION_POLICIES:
        raise ConfigurationError(
            f"MODERATION must be one of {', '.join(MODERATION_POLICIES)}, not {moderation!r}"
        )
    # Optional tuning, each defaulted by its own subsystem's init_app.
    tuning = {
        name: kind(environ[name])
        for name, kind in (
            ("COMMENT_RENDER_TIMEOUT", float),
            ("COMMENT_RENDER_WAIT", float),
            ("COMMENT_RENDER_WORKERS", int),
        )
        if environ.get(name)
    }
    return {
        **tuning,
        "SIDECAR_ENV": env,
        "SECRET_KEY": secret or secrets.token_hex(32),
        "SQLALCHEMY_DATABASE_URI": database,
        "REDIS_URL": redis_url,
        "SITE_ORIGINS": origins,
        "FROSTPRESS_ROOT": root,
        "CONTENT_DIR": Path(environ["CONTENT_DIR"]).resolve()
        if environ.get("CONTENT_DIR")
        else None,
        "MODERATION": moderation,
        "BUILD_HOOK_URL": hook or None,
        "EDIT_WINDOW_SECONDS": int(environ.get("EDIT_WINDOW_MINUTES", "15")) * 60,
        "MAX_COMMENT_DEPTH": int(environ.get("MAX_COMMENT_DEPTH", "5")),
        "MAIL_SERVER": environ.get("MAIL_SERVER") or None,
        "MAIL_PORT": int(environ.get("MAIL_PORT", "587")),
        "MAIL_USERNAME": environ.get("MAIL_USERNAME") or None,
        "MAIL_PASSWORD": environ.get("MAIL_PASSWORD") or None,
        "MAIL_USE_TLS": _flag(environ.get("MAIL_USE_TLS"), True),
        "MAIL_SENDER": environ.get("MAIL_SENDER", "frostpress <noreply@localhost>"),
        "TRUSTED_PROXIES": int(environ.get("TRUSTED_PROXIES", "0")),
        "SESSION_COOKIE_SECURE": production,
        "REMEMBER_COOKIE_SECURE": production,
        "PREFERRED_URL_SCHEME": "https" if production else "http",
    }
