"""``create_app``: the sidecar, configured from the environment."""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from argon2 import PasswordHasher
from flask import Flask, Response, g, request
from flask_login import current_user
from flask_talisman import Talisman
from flask_wtf.csrf import CSRFError
from werkzeug.middleware.proxy_fix import ProxyFix

from sidecar import failsafe, metrics, outbox, schema_check
from sidecar.api import fastreads
from sidecar.config import settings_from_env
from sidecar.database import RowId
from sidecar.errors import (
    Invalid,
    Unauthorized,
    error_response,
    register_errorhandlers,
    wants_json,
)
from sidecar.extensions import (
    LOGIN_ACCOUNT_RATE,
    api,
    cors,
    csrf,
    db,
    limiter,
    login_manager,
    migrate,
)
from sidecar.logs import configure_logging
from sidecar.ratelimits import fallback_limits
from sidecar.realtime.channel import init_app as init_realtime
from sidecar.services import catalog, readcache, rebuild, rendering
from sidecar.services.accounts import prepare_dummy_hash
from sidecar.services.mail import DisabledMailer, LogMailer, Mailer, SmtpMailer
from sidecar.services.spam import load_checks
from sidecar.services.throttle import Throttle

__all__ = ["create_app"]

PACKAGE = Path(__file__).resolve().parent
DEFAULTS: dict[str, Any] = {
    "MAX_CONTENT_LENGTH": 64 * 1024,
    "SESSION_COOKIE_HTTPONLY": True,
    "SESSION_COOKIE_SAMESITE": "Lax",
    "REMEMBER_COOKIE_HTTPONLY": True,
    "REMEMBER_COOKIE_SAMESITE": "Lax",
    # Errors name the statement, never its values (comment bodies, emails, hashes).
    "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True, "hide_parameters": True},
    "WTF_CSRF_CHECK_DEFAULT": False,  # checked in a hook unless the request has a token
    "WTF_CSRF_TIME_LIMIT": None,
    "API_TITLE": "frostpress sidecar",
    "API_VERSION": "1",
    "OPENAPI_VERSION": "3.0.3",
    "OPENAPI_URL_PREFIX": "/api",
    "OPENAPI_JSON_PATH": "openapi.json",
    "API_SPEC_OPTIONS": {
        "components": {
            "securitySchemes": {
                "bearer": {
                    "type": "http",
                    "scheme": "bearer",
                    "description": "a personal token from POST /api/auth/tokens",
                },
                "session": {
                    "type": "apiKey",
                    "in": "cookie",
                    "name": "session",
                    "description": "browsers: the session cookie plus X-CSRFToken",
                },
            }
        },
        "security": [{"bearer": []}, {"session": []}, {}],
    },
    "RATELIMIT_HEADERS_ENABLED": True,
    "RATELIMIT_SWALLOW_ERRORS": True,
    "ARGON2_PROFILE": "standard",  # "fast" makes hashing cheap, for tests only
}


def create_app(
    config: Mapping[str, Any] | None = None, *, environ: Mapping[str, str] | None = None
) -> Flask:
    environ = os.environ if environ is None else environ
    root = Path(environ.get("FROSTPRESS_ROOT", os.getcwd())).resolve()
    instance = Path(environ.get("SIDECAR_INSTANCE", root / "instance")).resolve()
    # The sidecar's own static files live under a path the CDN proxies to it.
    app = Flask(
        "sidecar",
        root_path=str(PACKAGE),
        instance_path=str(instance),
        static_url_path="/comments/static",
    )
    app.config.update(DEFAULTS)
    app.config.update(settings_from_env(environ, instance))
    if config:
        app.config.update(config)
    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite:///"):
        instance.mkdir(parents=True, exist_ok=True)
    configure_logging(app)
    schema_check.init_app(app)  # first: no other hook may meet an outdated schema
    # Before the extensions' hooks: the rate limiter keys on the account a bearer
    # token resolves to, and must never be the one to read it from the database.
    register_request_hooks(app)
    register_extensions(app)
    app.url_map.converters["int"] = RowId  # before any route is added
    register_blueprints(app)
    register_errorhandlers(app)
    register_commands(app)
    metrics.init_app(app)  # last: the outermost WSGI layer sees the peer's own address
    return app


def register_extensions(app: Flask) -> None:
    from sidecar import models  # noqa: F401 - every table known to Alembic

    config = app.config
    production = config["SIDECAR_ENV"] == "production"
    db.init_app(app)
    failsafe.init_app(app)  # innermost around Flask: sees what escapes it
    fastreads.init_app(app)  # inside the proxy fix: it counts THREAD_RATE per address
    if config["TRUSTED_PROXIES"]:
        hops = config["TRUSTED_PROXIES"]
        app.wsgi_app = ProxyFix(  # type: ignore[method-assign]
            app.wsgi_app,
            x_for=hops,
            x_proto=hops,
            x_host=hops,
        )
    _sqlite_pragmas(app)
    # Batch mode: SQLite can only ALTER tables by copying them.
    migrate.init_app(app, db, directory=str(PACKAGE / "migrations"), render_as_batch=True)
    login_manager.init_app(app)
    login_manager.session_protection = "strong"
    login_manager.login_view = "auth.login"
    login_manager.user_loader(_load_user)
    csrf.init_app(app)
    redis_url = config.get("REDIS_URL")
    config.setdefault("RATELIMIT_STORAGE_URI", redis_url or "memory://")
    if redis_url:
        # Redis unreachable: conservative in-process limits, never off, never a 500.
        config.setdefault("RATELIMIT_IN_MEMORY_FALLBACK_ENABLED", True)
        config.setdefault("RATELIMIT_IN_MEMORY_FALLBACK", fallback_limits)
        config.setdefault(
            "RATELIMIT_STORAGE_OPTIONS", {"socket_timeout": 0.5, "socket_connect_timeout": 0.5}
        )
    limiter.init_app(app)
    cors.init_app(
        app,
        resources={r"/api/*": {"origins": config["SITE_ORIGINS"]}},
        supports_credentials=True,
        expose_headers=["X-CSRFToken", "X-Request-ID"],
    )
    # Talisman keeps its app and options on itself: one instance per app.
    app.extensions["talisman"] = Talisman(
        app,
        force_https=production,
        strict_transport_security=production,
        session_cookie_secure=production,
        frame_options="DENY",
        referrer_policy="strict-origin-when-cross-origin",
        content_security_policy={
            "default-src": "'self'",
            "img-src": "'self' data:",
            "style-src": "'self'",
            "script-src": "'self'",
            "object-src": "'none'",
            "base-uri": "'self'",
            "frame-ancestors": "'none'",
            "form-action": "'self'",
        },
    )
    api.init_app(app)
    init_realtime(app)
    catalog.init_app(app)
    app.extensions["sidecar.mailer"] = _mailer(config)
    # Further spam checks the operator configured (none by default), imported once.
    app.extensions["sidecar.spam_checks"] = load_checks(config.get("SPAM_CHECKS") or "", config)
    outbox.init_app(app)
    app.extensions["sidecar.hasher"] = hasher = _password_hasher(config["ARGON2_PROFILE"])
    prepare_dummy_hash(hasher)
    # One switch for every limit: RATELIMIT_ENABLED (off only in benchmarks).
    app.extensions["sidecar.login_throttle"] = (
        Throttle("login-account", LOGIN_ACCOUNT_RATE, lambda: limiter.limiter)
        if config.get("RATELIMIT_ENABLED", True)
        else None
    )
    rendering.init_app(app)
    rebuild.init_app(app)
    readcache.init_app(app)


def _mailer(config: Any) -> Mailer:
    if config["MAIL_SERVER"]:
        return SmtpMailer(
            config["MAIL_SERVER"],
            config["MAIL_PORT"],
            config["MAIL_SENDER"],
            config["MAIL_USERNAME"],
            config["MAIL_PASSWORD"],
            config["MAIL_USE_TLS"],
        )
    if config.get("MAIL_DISABLED"):
        return DisabledMailer()
    # No server: mail goes to the log, and only development shows the links.
    return LogMailer(reveal=config["SIDECAR_ENV"] == "development")


def _password_hasher(profile: str) -> PasswordHasher:
    if profile == "fast":
        return PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
    return PasswordHasher()  # argon2id with the library's current recommendations


def _sqlite_pragmas(app: Flask) -> None:
    """WAL and a busy timeout, so threaded servers don't trip over each other."""
    if not app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        return
    from sqlalchemy import event

    with app.app_context():

        @event.listens_for(db.engine, "connect")
        def set_pragmas(connection: Any, _record: Any) -> None:
            cursor = connection.cursor()
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA busy_timeout=5000")
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.close()


def _load_user(user_id: str) -> Any:
    """Sessions hold ``id:session_version``; a bumped version ends the session."""
    from sidecar.models import User

    raw_id, _, version = user_id.partition(":")
    if not raw_id.isdigit() or not version.isdigit():
        return None
    user = db.session.get(User, int(raw_id))
    if user is None or user.session_version != int(version) or not user.is_active:
        return None
    return user


def register_blueprints(app: Flask) -> None:
    from sidecar.admin import bp as admin_bp
    from sidecar.api import BLUEPRINTS
    from sidecar.auth import bp as auth_bp
    from sidecar.pages import bp as pages_bp
    from sidecar.pages.feeds import bp as feeds_bp
    from sidecar.pages.mail_links import bp as mail_links_bp
    from sidecar.pages.search import bp as search_bp

    for blueprint in BLUEPRINTS:
        api.register_blueprint(blueprint)
    app.register_blueprint(auth_bp)
    app.register_blueprint(feeds_bp)  # before pages: /comments/feed.xml is not a post
    app.register_blueprint(mail_links_bp)
    app.register_blueprint(pages_bp)
    app.register_blueprint(admin_bp)
    app.register_blueprint(search_bp)
    if app.config["SIDECAR_ENV"] == "development":
        from sidecar.devmail import bp as dev_bp

        app.register_blueprint(dev_bp)


_UNSAFE = {"POST", "PUT", "PATCH", "DELETE"}
# The page-view beacon reads no cookie and writes nothing that is anyone's, so
# there is no session to ride on; it is rate-limited instead.
# An unsubscribe link's POST comes from a mail client's one click (RFC 8058): its
# signed token is the permission.
_NO_CSRF = {"api_views.record", "api_site.changed", "mail_links.unsubscribe"}
# Endpoints that check their own Authorization header (a shared secret, not a token).
_OWN_AUTHORIZATION = {"api_site.changed"}


def _has_nul(value: Any) -> bool:
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(_has_nul(k) or _has_nul(v) for k, v in value.items())
    if isinstance(value, list):
        return any(_has_nul(item) for item in value)
    return False


def register_request_hooks(app: Flask) -> None:
    @app.before_request
    def check_text() -> None:
        """NUL bytes and invalid UTF-8 never reach the services or the database."""
        if request.routing_exception is not None:
            return  # a 404 or 405 is the answer, whatever the body says
        if request.method not in _UNSAFE:
            return
        # Read whatever the body's framing: Content-Length or chunked (where the
        # server marks the stream as terminated and no length is given).
        raw = request.get_data(cache=True)
        try:
            raw.decode("utf-8")
        except UnicodeDecodeError:
            raise Invalid("The request body is not valid UTF-8.", code="invalid_encoding") from None
        # Look at what the body *means*: a JSON "\u0000" or a form's %00 is a NUL,
        # while text that merely mentions them is not.
        if request.is_json:
            values: Any = request.get_json(silent=True)
        else:
            values = list(request.form.values())
        if b"\x00" in raw or _has_nul(values):
            raise Invalid("The request contains a NUL character.", code="nul_character")

    @app.before_request
    def authenticate_and_protect() -> None:
        header = request.headers.get("Authorization", "")
        if header and request.endpoint in _OWN_AUTHORIZATION:
            return  # no cookie session is trusted there either: no CSRF needed
        if header:
            from sidecar.services.tokens import authenticate_bearer

            scheme, _, token = header.partition(" ")
            user = (
                authenticate_bearer(db.session, token.strip())
                if scheme.lower() == "bearer"
                else None
            )
            if user is None:
                raise Unauthorized(
                    "The API token is missing, wrong or revoked.", code="invalid_token"
                )
            g._login_user = user  # this request only: no session, no cookie
            g.via_token = True
            return
        if (
            request.method in _UNSAFE
            and request.routing_exception is None
            and request.endpoint not in _NO_CSRF
        ):
            csrf.protect()

    @app.errorhandler(CSRFError)
    def csrf_failed(error: CSRFError) -> Response:
        hint = (
            "Fetch one from /api/csrf and send it as X-CSRFToken."
            if wants_json()
            else "The form has expired: reload the page and submit it again."
        )
        return error_response(400, "csrf_failed", f"{error.description} {hint}")

    @app.after_request
    def no_cookie_for_tokens(response: Response) -> Response:
        if g.get("via_token"):
            response.headers.pop("Set-Cookie", None)
        if request.path.startswith("/api/"):
            response.vary.add("Origin")  # CORS answers differ by Origin: caches must know
        return response

    @app.context_processor
    def inject_user() -> dict[str, Any]:
        return {"current_user": current_user}


def register_commands(app: Flask) -> None:
    from sidecar.commands import create_admin, rerender_comments

    app.cli.add_command(create_admin)
    app.cli.add_command(rerender_comments)
