"""when each account last read the replies to its comments

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-02 19:00:00

``GET /api/me/replies`` marks as unread the replies that came after it; the
widget says "N new replies to you" and sets it when the list is opened.
"""
import sqlalchemy as sa
from alembic import op

revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None


def upgrade():
    # Not in batch mode: SQLite adds a column in place, and a rebuild would lose
    # the expression indexes on users.
    op.add_column('users', sa.Column('replies_read_at', sa.DateTime(timezone=True), nullable=True))


def downgrade():
    # SQLite 3.35+ drops a column in place too.
    op.drop_column('users', 'replies_read_at')
