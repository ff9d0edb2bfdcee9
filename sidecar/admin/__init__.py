"""``/admin/``: the dashboard for moderators and admins (server-rendered forms)."""

from sidecar.admin import blocklist, people, queue, site  # noqa: F401  (their routes join bp)
from sidecar.admin.base import bp

__all__ = ["bp"]
