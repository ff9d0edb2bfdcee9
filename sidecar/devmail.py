"""``/dev/mail``: what the sidecar has mailed, for ``make dev`` (development only).

With no mail server configured, development mail is kept by the
:class:`~sidecar.services.mail.LogMailer` (and printed in the terminal); this
page lists it, newest first, with its links clickable, so confirming an
account or resetting a password needs no mail set-up at all. The blueprint
is registered only when ``SIDECAR_ENV`` is ``development`` (in testing and
production the path does not exist), and answers only a browser on the same
machine.
"""

from __future__ import annotations

import ipaddress
import re

from flask import Blueprint, abort, current_app, render_template, request
from markupsafe import Markup, escape

from sidecar.services.mail import LogMailer

__all__ = ["bp", "linked"]

bp = Blueprint("dev", __name__, url_prefix="/dev")

_LINK = re.compile(r"https?://[^\s<>\"']+")


def linked(text: str) -> Markup:
    """``text`` escaped, with each http(s) link made an anchor."""
    out, last = [], 0
    for match in _LINK.finditer(text):
        out.append(escape(text[last : match.start()]))
        out.append(Markup('<a href="{0}">{0}</a>').format(match.group(0)))  # escapes it
        last = match.end()
    out.append(escape(text[last:]))
    return Markup("").join(out)


def _from_this_machine() -> bool:
    try:
        return ipaddress.ip_address(request.remote_addr or "").is_loopback
    except ValueError:
        return False


@bp.route("/mail")
def mail() -> str:
    mailer = current_app.extensions["sidecar.mailer"]
    if not isinstance(mailer, LogMailer):
        abort(404)  # a mail server is configured: the mail went there
    if not _from_this_machine():
        abort(404)  # a development server reachable from elsewhere shows nobody's links
    messages = list(reversed(mailer.sent))
    return render_template("dev/mail.html", messages=messages, linked=linked)
