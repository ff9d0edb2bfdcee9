"""The one list of who answers which path on the site's origin.

The static site owns every path except the sidecar's. That split is needed in
three places that must agree: the CDN's proxy rules (``netlify.toml``'s
``[[redirects]]``, checked against this list by tests/unit/test_public_paths.py),
the dev server's routing (``make dev`` sends these paths to the sidecar), and
the page slugs the engine refuses (a page ``/api/`` would be hidden by the
proxy). The engine reads it and the sidecar may; it names no sidecar code.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = [
    "ENGINE_SEGMENTS",
    "MANIFEST_PATH",
    "RESERVED_PAGE_SLUGS",
    "SIDECAR_PATHS",
    "SidecarPath",
    "is_sidecar_path",
    "proxied_paths",
]


@dataclass(frozen=True)
class SidecarPath:
    path: str  # "/api": the path itself, or with ``subtree`` everything below it too
    subtree: bool = True
    # False: the browser reaches it on the sidecar's own host, never through the CDN
    # (CDN proxies carry no websocket upgrades); only the dev server routes it.
    proxied: bool = True

    def matches(self, path: str) -> bool:
        return path == self.path or (self.subtree and path.startswith(self.path + "/"))

    @property
    def netlify_from(self) -> str:
        """The ``from`` of its proxy rule (Netlify's splat is ``/*``)."""
        return self.path + "/*" if self.subtree else self.path


SIDECAR_PATHS: tuple[SidecarPath, ...] = (
    SidecarPath("/api"),
    SidecarPath("/auth"),
    SidecarPath("/comments"),
    SidecarPath("/admin"),
    SidecarPath("/search/results", subtree=False),
    SidecarPath("/socket.io", proxied=False),
    SidecarPath("/dev/mail", subtree=False, proxied=False),  # make dev's outbox
)

# The first path segments of the engine's own URLs (frostpress.web's routes; the
# test checks every route against it). A page may not take one as its slug.
ENGINE_SEGMENTS = frozenset(
    {"posts", "tags", "categories", "archive", "page", "static", "media", "search", "_frostpress"}
)

# The published posts, for a sidecar without a checkout (frostpress.web.manifest).
# Under /_frostpress/: no page slug can start with "_", and the CDN serves it as a file.
MANIFEST_PATH = "/_frostpress/posts.json"


def _segment(path: str) -> str:
    return path.strip("/").split("/", 1)[0]


RESERVED_PAGE_SLUGS = frozenset(ENGINE_SEGMENTS | {_segment(p.path) for p in SIDECAR_PATHS})


def is_sidecar_path(path: str) -> bool:
    """Whether a request for ``path`` goes to the sidecar (in ``make dev``, as through
    the CDN, plus the live channel)."""
    return any(p.matches(path) for p in SIDECAR_PATHS)


def proxied_paths() -> tuple[SidecarPath, ...]:
    return tuple(p for p in SIDECAR_PATHS if p.proxied)
