"""The no-JavaScript comment pages: a post's whole thread with its forms."""

from sidecar.pages.views import bp

__all__ = ["bp"]
