"""The data: one module per aggregate. Imported together so Alembic sees every table."""

from sidecar.database import Base
from sidecar.models.audit import Action, AuditEntry
from sidecar.models.comment import Comment, Status
from sidecar.models.token import ApiToken
from sidecar.models.user import Role, User

__all__ = ["Action", "ApiToken", "AuditEntry", "Base", "Comment", "Role", "Status", "User"]
