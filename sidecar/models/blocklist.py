"""The site's blocklist: words, domains and networks that hold a comment for review."""

from __future__ import annotations

from sqlalchemy import Index, String
from sqlalchemy.orm import Mapped, mapped_column

from sidecar.extensions import Model

__all__ = ["BlockedItem"]


class BlockedItem(Model):
    __tablename__ = "blocklist"
    __table_args__ = (Index("uq_blocklist_kind_value", "kind", "value", unique=True),)

    kind: Mapped[str] = mapped_column(String(16))  # "word", "domain" or "network"
    value: Mapped[str] = mapped_column(String(254))  # normalised (services.spam.Blocklist)
