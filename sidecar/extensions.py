"""Extension objects, unbound: ``create_app`` binds them with ``init_app``.

Models import ``db`` from here, never from the package root.
"""

from __future__ import annotations

from flask import request
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
    "COMMENT_RATE",
    "EDIT_RATE",
    "PREVIEW_RATE",
    "api",
    "commenter_key",
    "cors",
    "csrf",
    "db",
    "limiter",
    "login_manager",
    "migrate",
]


def client_address() -> str:
    """The client's address as seen after trusted proxies (ProxyFix sets it)."""
    return request.remote_addr or "unknown"


def commenter_key() -> str:
    """New comments are budgeted per author, so readers sharing an address (an
    office, a campus) do not use up each other's; the address when signed out."""
    from flask_login import current_user

    if current_user.is_authenticated:
        return f"user:{current_user.id}"
    return client_address()


# One budget for new comments, whether they come through the API or the form;
# one for edits, likewise; one for previews. Each render may cost up to
# COMMENT_RENDER_TIMEOUT seconds of a worker's time.
COMMENT_RATE = "6 per minute;60 per hour"
EDIT_RATE = "10 per minute;60 per hour"
PREVIEW_RATE = "10 per minute;100 per hour"

db = SQLAlchemy(model_class=Base)
migrate = Migrate()
login_manager = LoginManager()
csrf = CSRFProtect()
limiter = Limiter(key_func=client_address)
cors = CORS()
api = SidecarApi()
socketio = SocketIO()
