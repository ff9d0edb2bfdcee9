"""frostpress sidecar: accounts, comments and the JSON API beside the static site."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from sidecar.app import create_app

__all__ = ["create_app"]


def __getattr__(name: str) -> Any:
    # Imported on first use, not with the package: gunicorn's master loads
    # sidecar.gunicorn_config and sidecar.logs, and the gevent worker must
    # patch the standard library before the app's libraries are imported.
    if name == "create_app":
        from sidecar.app import create_app

        return create_app
    raise AttributeError(f"module 'sidecar' has no attribute {name!r}")
