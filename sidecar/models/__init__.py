"""The data: one module per aggregate. Imported together so Alembic sees every table."""

from sidecar.database import Base
from sidecar.models.audit import Action, AuditEntry
from sidecar.models.blocklist import BlockedItem
from sidecar.models.comment import Comment, Status
from sidecar.models.outbox import MailState, OutboxMail
from sidecar.models.subscription import MailOptOut, ReplyNotice, Subscription
from sidecar.models.token import ApiToken
from sidecar.models.user import Role, User
from sidecar.models.views import ReferrerCount, ViewCount, ViewSalt, ViewSeen

__all__ = [
    "Action",
    "ApiToken",
    "AuditEntry",
    "Base",
    "BlockedItem",
    "Comment",
    "MailOptOut",
    "MailState",
    "OutboxMail",
    "ReferrerCount",
    "ReplyNotice",
    "Role",
    "Status",
    "Subscription",
    "User",
    "ViewCount",
    "ViewSalt",
    "ViewSeen",
]
