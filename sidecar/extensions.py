"""Extension objects, unbound: ``create_app`` binds them with ``init_app``.

Models import ``db`` from here, never from the package root.
"""

from __future__ import annotations

import hashlib
from typing import TYPE_CHECKING

from flask import current_app, g, request, session
from flask_cors import CORS
from flask_limiter import Limiter
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_socketio import SocketIO
from flask_sqlalchemy import SQLAlchemy
from flask_wtf.csrf import CSRFProtect

from sidecar.database import Base
from sidecar.openapi import SidecarApi

__all__ = [
    "ACCOUNT_WRITE_RATE",
    "COMMENT_RATE",
    "DELETE_RATE",
    "EDIT_RATE",
    "LOGIN_ACCOUNT_RATE",
    "LOGIN_RATE",
    "MODERATION_RATE",
    "PREVIEW_RATE",
    "THREAD_RATE",
    "Model",
    "api",
    "client_address",
    "comment_rate",
    "commenter_key",
    "cors",
    "csrf",
    "db",
    "guest_email_key",
    "limiter",
    "login_manager",
    "migrate",
    "no_guest_email",
    "socketio",
]


def client_address() -> str:
    """The client's address as seen after trusted proxies (ProxyFix sets it)."""
    return request.remote_addr or "unknown"


def commenter_key() -> str:
    """New comments are budgeted per author, so readers sharing an address (an
    office, a campus) do not use up each other's; the address when signed out.

    It reads no database: a failing read here would look to the limiter like its
    own storage failing. The account is the one a bearer token resolved to (that
    hook runs first), or the one the signed session cookie names."""
    user = g.get("_login_user")
    if user is not None and getattr(user, "is_authenticated", False):
        return f"user:{user.id}"
    claimed = str(session.get("_user_id") or "").partition(":")[0]
    if claimed.isdigit():
        return f"user:{claimed}"
    return client_address()


# One budget for new comments, whether they come through the API or the form;
# one for edits, likewise; one for previews. Each render may cost up to
# COMMENT_RENDER_TIMEOUT seconds of a worker's time.
COMMENT_RATE = "6 per minute;60 per hour"


def _guest_email() -> str:
    """The email address a guest's comment gives, from the JSON body or the form."""
    data = request.get_json(silent=True) if request.is_json else None
    if isinstance(data, dict) and isinstance(data.get("guest"), dict):
        value = data["guest"].get("email")
    else:
        value = request.form.get("guest_email")
    return str(value or "").strip().lower()[:254]


def guest_email_key() -> str:
    """Guests' comments are budgeted per address they give too, however many
    network addresses they come from (hashed: the key names no one)."""
    return "guest-email:" + hashlib.sha256(_guest_email().encode()).hexdigest()[:32]


def no_guest_email() -> bool:
    return not _guest_email()


def comment_rate() -> str:
    """``COMMENT_RATE``, or the setting of that name (raised for load tests, never off)."""
    return str(current_app.config.get("COMMENT_RATE") or COMMENT_RATE)


# One per-address budget for signing in, through the form or the API; each
# account has its own on top (services.accounts, LOGIN_ACCOUNT_RATE).
LOGIN_RATE = "10 per minute;100 per hour"
LOGIN_ACCOUNT_RATE = "5 per minute;30 per hour"
# One generous budget per address for reading threads, as JSON or as the no-JS page.
THREAD_RATE = "300 per minute"
EDIT_RATE = "10 per minute;60 per hour"
PREVIEW_RATE = "10 per minute;100 per hour"
# Every other write has a budget too: deleting a comment (API and form share it),
# ending sessions and revoking tokens, and a moderator's actions in the admin.
DELETE_RATE = "10 per minute;60 per hour"
ACCOUNT_WRITE_RATE = "30 per minute;300 per hour"
MODERATION_RATE = "120 per minute;2000 per hour"

# Objects keep what they held at COMMIT: an answer is built from what was committed,
# never by reading the row again afterwards (a read that can fail once it is stored).
db = SQLAlchemy(model_class=Base, session_options={"expire_on_commit": False})
migrate = Migrate()
login_manager = LoginManager()
csrf = CSRFProtect()
limiter = Limiter(key_func=client_address)
cors = CORS()
api = SidecarApi()
socketio = SocketIO()

# Every model's base: Flask-SQLAlchemy's class made from ``Base`` (it adds the
# query property and bind keys, which the models do not use); typed as ``Base``,
# whose columns and mapping are all they rely on.
if TYPE_CHECKING:
    Model = Base
else:
    Model = db.Model
