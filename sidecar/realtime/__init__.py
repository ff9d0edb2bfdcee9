"""The live channel: Socket.IO rooms per post, presence, and the admin room."""

from sidecar.realtime.namespace import LiveNamespace

__all__ = ["LiveNamespace"]
