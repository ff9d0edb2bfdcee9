"""HTML account pages that work with JavaScript off."""

from sidecar.auth.views import bp

__all__ = ["bp"]
