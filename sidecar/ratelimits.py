"""The limits used while Redis, the shared rate-limit store, is unreachable.

Flask-Limiter then counts in each process's memory and applies these
instead of the per-route limits (per address and endpoint). They are
stricter than the normal limits for writes — a process cannot see what the
others counted — and for reading threads (120 a minute where ``THREAD_RATE``
allows 300), yet leave room for readers (the widget asks for one page at a
time), so an outage never locks the comments out and never turns rate
limiting off.
"""

from __future__ import annotations

from flask import request

__all__ = ["fallback_limits"]

_SIGN_UP_AND_RESET = {
    "api_auth.register",
    "auth.register",
    "auth.reset_request",
    "auth.reset_password",
}
_READS = {"GET", "HEAD", "OPTIONS"}


def fallback_limits() -> str:
    if request.method in _READS:
        return "120 per minute"
    if request.endpoint in _SIGN_UP_AND_RESET:
        return "2 per hour"  # normally 5 per hour
    # Normally: logins 10/min, new comments 6/min, edits and previews 10/min
    # (each a render of up to COMMENT_RENDER_TIMEOUT seconds) per user.
    return "4 per minute;30 per hour"
