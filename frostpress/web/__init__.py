"""The static-site Flask app that Frozen-Flask freezes into ``build/``."""

from frostpress.web.app import create_app

__all__ = ["create_app"]
