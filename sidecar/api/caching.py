"""HTTP caching of the API's reads: who gets the shared answer, and its headers.

- A request that carries no credentials (no session naming an account, no
  remember-me cookie, no ``Authorization``) is anonymous: everyone asking it
  gets the same bytes, so they come from the read cache with an ``ETag``,
  ``Cache-Control: public, max-age=0, must-revalidate`` (browsers always ask
  again, cheaply, with ``If-None-Match``: a reader who comes back from a
  dropped connection must see what was said meanwhile, and a browser honours
  ``stale-while-revalidate`` too), and for CDNs only
  ``Netlify-CDN-Cache-Control`` / ``CDN-Cache-Control: public, max-age=5,
  stale-while-revalidate=30`` (kept 5 seconds, then served 30 more while the
  CDN asks again; CDNs strip these headers before the browser).
- Anything else is personal — a signed-in reader sees their own held
  comments and the sources they may edit — and is ``private, no-store``:
  no shared cache may keep it, whether or not it honours ``Vary``.
- Whatever sets a cookie is private too, whatever the view said.
- Public answers also carry ``Netlify-Vary: cookie=session|remember_token``:
  a CDN that honours it keeps apart the readers who carry those cookies, so a
  reader who has just signed in is never handed the anonymous copy for the
  few seconds it is fresh (their own request reaches the sidecar, which
  answers it ``private``).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from flask import Response, current_app, g, request, session

from sidecar.services.readcache import ReadCache

__all__ = [
    "CDN",
    "CDN_HEADERS",
    "PRIVATE",
    "PUBLIC",
    "cached_json",
    "is_anonymous",
    "keep_cookies_private",
    "requested_slugs",
]

PUBLIC = "public, max-age=0, must-revalidate"
CDN = "public, max-age=5, stale-while-revalidate=30"
CDN_HEADERS = ("Netlify-CDN-Cache-Control", "CDN-Cache-Control")
PRIVATE = "private, no-store"


def _remember_cookie() -> str:
    return str(current_app.config.get("REMEMBER_COOKIE_NAME", "remember_token"))


def requested_slugs(raw: str) -> list[str]:
    """The posts ``?slugs=a,b`` asks about: each once, in order, at most 200."""
    return list(dict.fromkeys(s.strip() for s in raw.split(",") if s.strip()))[:200]


def is_anonymous() -> bool:
    """Whether the request names nobody, read without touching the database."""
    if request.headers.get("Authorization") or g.get("_login_user") is not None:
        return False
    if request.cookies.get(_remember_cookie()):
        return False
    return not (request.cookies and session.get("_user_id"))


def cached_json(
    kind: str, slugs: Sequence[str], params: str, build: Callable[[], Any], *, public: bool = True
) -> Response:
    """The kept answer (or ``build()``, kept), 304 when the reader has it already."""
    cache: ReadCache = current_app.extensions["sidecar.readcache"]
    answer = cache.answer(kind, slugs, params, build)
    response = Response(answer.body, mimetype="application/json")
    response.set_etag(answer.etag)
    response.headers["Cache-Control"] = PUBLIC if public else PRIVATE
    if public:
        for header in CDN_HEADERS:
            response.headers[header] = CDN
        names = (current_app.config.get("SESSION_COOKIE_NAME", "session"), _remember_cookie())
        response.headers["Netlify-Vary"] = "cookie=" + "|".join(names)
    response.make_conditional(request)
    return response


def keep_cookies_private(response: Response) -> Response:
    """An ``after_request`` hook: a public answer that would set a cookie is private."""
    if "public" not in response.headers.get("Cache-Control", ""):
        return response
    interface = current_app.session_interface
    if response.headers.get("Set-Cookie") or (
        not interface.is_null_session(session) and interface.should_set_cookie(current_app, session)
    ):
        response.headers["Cache-Control"] = PRIVATE
        for header in CDN_HEADERS:
            response.headers.pop(header, None)
    return response
