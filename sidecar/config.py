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
from urllib.parse import urlsplit

__all__ = ["ConfigurationError", "settings_from_env"]

MODERATION_POLICIES = ("none", "first", "all")
# Comments without an account: none, each held for a moderator, or published
# as the moderation policy would an account's (``on`` means ``moderated``).
GUEST_POLICIES = ("off", "moderated", "open")
_WEAK_SECRETS = {"", "dev", "change-me", "changeme", "secret", "development"}


class ConfigurationError(RuntimeError):
    """The sidecar cannot start with these settings; the message says why."""


def _flag(value: str | None, default: bool) -> bool:
    if value is None or value == "":
        return default
    return value.strip().lower() in ("1", "true", "yes", "on")


def _public_url(value: str, production: bool, origins: list[str]) -> str:
    """The origin readers reach the sidecar's pages at: every link in a mail or a page
    is built from it, never from the request's ``Host``."""
    if not value:
        if production:
            raise ConfigurationError(
                "PUBLIC_URL must be set in production: the public origin of the site whose "
                "/auth and /comments paths reach the sidecar (e.g. https://blog.example); "
                "every link in a mail is built from it"
            )
        value = origins[0] if origins else "http://127.0.0.1:5000"
    parts = urlsplit(value.strip())
    if (
        parts.scheme not in ("http", "https")
        or not parts.hostname
        or parts.path not in ("", "/")
        or parts.query
        or parts.fragment
    ):
        raise ConfigurationError(
            f"PUBLIC_URL must be an origin such as https://blog.example, not {value!r}"
        )
    if production and parts.scheme != "https":
        raise ConfigurationError("PUBLIC_URL must use https in production")
    return f"{parts.scheme}://{parts.netloc}"


def _trusted_hosts(value: str, production: bool, public_url: str, origins: list[str]) -> list[str]:
    """Hosts the sidecar answers for (Flask's ``TRUSTED_HOSTS``; any other is a 400):
    the ones named, the public URL's and the site origins'; locally, loopback too."""
    hosts = [h.strip().lower() for h in value.split(",") if h.strip()]
    hosts += [str(urlsplit(url).hostname) for url in (public_url, *origins)]
    if not production:
        hosts += ["localhost", "127.0.0.1"]
    return list(dict.fromkeys(hosts))


def _content_settings(environ: Mapping[str, str], production: bool) -> dict[str, Any]:
    """Where the list of published posts comes from, and who may say it changed."""
    manifest = environ.get("SITE_MANIFEST_URL", "").strip()
    if manifest:
        parts = urlsplit(manifest)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ConfigurationError(
                "SITE_MANIFEST_URL must be the http(s) URL of the site's published-posts "
                f"manifest, e.g. https://blog.example/_frostpress/posts.json, not {manifest!r}"
            )
        if production and parts.scheme != "https":
            raise ConfigurationError("SITE_MANIFEST_URL must use https in production")
    secret = environ.get("CONTENT_HOOK_SECRET", "").strip()
    if secret and len(secret) < 32:
        raise ConfigurationError(
            "CONTENT_HOOK_SECRET must be at least 32 random characters "
            "(e.g. python -c 'import secrets; print(secrets.token_urlsafe(32))')"
        )
    return {"SITE_MANIFEST_URL": manifest or None, "CONTENT_HOOK_SECRET": secret or None}


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
    public_url = _public_url(environ.get("PUBLIC_URL", ""), production, origins)
    proxies = int(environ.get("TRUSTED_PROXIES", "1" if production else "0"))
    if production and proxies != 1:
        raise ConfigurationError(
            "TRUSTED_PROXIES must be 1 in production: every request reaches the sidecar "
            "through one proxy on its host (nginx) that overwrites X-Forwarded-For, "
            "-Proto and -Host (README: Security)"
        )
    mail_server = environ.get("MAIL_SERVER") or None
    mail_disabled = _flag(environ.get("MAIL_DISABLED"), False)
    if production and not mail_server and not mail_disabled:
        raise ConfigurationError(
            "MAIL_SERVER must be set in production, or MAIL_DISABLED=true to send no mail "
            "at all (then nobody can confirm an address or reset a password); without "
            "either, mails and the links in them would only be written to the log"
        )
    hook = environ.get("BUILD_HOOK_URL", "").strip()
    if hook and not hook.startswith(("https://", "http://")):
        raise ConfigurationError("BUILD_HOOK_URL must be an http(s) URL (a Netlify build hook)")
    moderation = environ.get("MODERATION", "first").strip().lower()
    if moderation not in MODERATION_POLICIES:
        raise ConfigurationError(
            f"MODERATION must be one of {', '.join(MODERATION_POLICIES)}, not {moderation!r}"
        )
    guests = environ.get("GUESTS", "off").strip().lower()
    guests = "moderated" if guests == "on" else guests
    if guests not in GUEST_POLICIES:
        raise ConfigurationError(
            f"GUESTS must be one of {', '.join(GUEST_POLICIES)}, not {guests!r}"
        )
    # Optional tuning, each defaulted by its own subsystem's init_app.
    tuning = {
        name: kind(environ[name])
        for name, kind in (
            ("COMMENT_RENDER_TIMEOUT", float),
            ("COMMENT_RENDER_WAIT", float),
            ("COMMENT_RENDER_WORKERS", int),
            ("MANIFEST_REFRESH_SECONDS", float),
            ("MANIFEST_TIMEOUT", float),
            ("MANIFEST_MAX_BYTES", int),
            ("SCHEDULED_REBUILD_SECONDS", float),
            ("COMMENT_RATE", str),  # new comments per author (sidecar.extensions)
            ("REPLY_MAIL_MINUTES", float),  # at most one reply mail per person this often
            ("OUTBOX_POLL_SECONDS", float),  # how often the outbox worker looks for due mail
            ("SPAM_MIN_SECONDS", float),  # a form sent back sooner is held (services.spam)
            ("SPAM_MAX_LINKS", int),  # a comment with more links is held
            ("SPAM_CHECKS", str),  # further checks: module:factory, comma-separated
        )
        if environ.get(name)
    }
    outbox = environ.get("OUTBOX_WORKER", "").strip().lower()
    content = _content_settings(environ, production)
    return {
        **content,
        **tuning,
        **({"OUTBOX_WORKER": outbox} if outbox else {}),
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
        "GUESTS": guests,
        # Where the sidecar's links to posts point, if not the site's base_url
        # (make dev: the dev server itself).
        "SITE_BASE_URL": environ.get("SITE_BASE_URL", "").strip() or None,
        "BUILD_HOOK_URL": hook or None,
        "EDIT_WINDOW_SECONDS": int(environ.get("EDIT_WINDOW_MINUTES", "15")) * 60,
        "MAX_COMMENT_DEPTH": int(environ.get("MAX_COMMENT_DEPTH", "5")),
        "MAIL_SERVER": mail_server,
        "MAIL_DISABLED": mail_disabled,
        "MAIL_PORT": int(environ.get("MAIL_PORT", "587")),
        "MAIL_USERNAME": environ.get("MAIL_USERNAME") or None,
        "MAIL_PASSWORD": environ.get("MAIL_PASSWORD") or None,
        "MAIL_USE_TLS": _flag(environ.get("MAIL_USE_TLS"), True),
        "MAIL_SENDER": environ.get("MAIL_SENDER", "frostpress <noreply@localhost>"),
        "TRUSTED_PROXIES": proxies,
        "PUBLIC_URL": public_url,
        "TRUSTED_HOSTS": _trusted_hosts(
            environ.get("TRUSTED_HOSTS", ""), production, public_url, origins
        ),
        "SESSION_COOKIE_SECURE": production,
        "REMEMBER_COOKIE_SECURE": production,
        "PREFERRED_URL_SCHEME": "https" if production else "http",
        # /metrics for a scraper that is not on the host: Authorization: Bearer <token>.
        "METRICS_TOKEN": environ.get("METRICS_TOKEN") or None,
    }
