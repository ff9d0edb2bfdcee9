"""The admin blueprint and its gate: signed out → the login page; a commenter → 403."""

from __future__ import annotations

from flask import Blueprint, abort, redirect, request, send_file, url_for
from flask_login import current_user
from werkzeug.wrappers import Response

from sidecar.errors import Forbidden
from sidecar.forms import page_number
from sidecar.models import User

__all__ = ["bp", "page_number", "user"]

bp = Blueprint("admin", __name__, url_prefix="/admin")


@bp.before_request
def only_moderators() -> Response | None:
    if not current_user.is_authenticated:
        return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))
    if not current_user.is_moderator:
        raise Forbidden("The dashboard is for moderators and admins.")
    return None


@bp.after_request
def never_cached(response: Response) -> Response:
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/socket.io.js")
def socket_io() -> Response:
    """The Socket.IO client the site itself ships (site.toml's [assets.vendor])."""
    from sidecar import deps

    path = deps.catalog().config.vendor.get("js/socket.io.js")
    if path is None:
        abort(404)
    return send_file(path, mimetype="text/javascript")


def user() -> User:
    found: User = current_user._get_current_object()
    return found
