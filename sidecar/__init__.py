"""frostpress sidecar: accounts, comments and the JSON API beside the static site."""

from sidecar.app import create_app

__all__ = ["create_app"]
