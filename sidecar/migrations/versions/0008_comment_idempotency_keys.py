"""comments remember the idempotency key they were created with

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-01 21:30:00

A client that never heard back (its connection or the server died after the
COMMIT) sends the same key again and gets the same comment, not a second one.
"""
import sqlalchemy as sa
from alembic import op

revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade():
    # Plain ADD COLUMN and CREATE INDEX: both databases do them in place (batch
    # mode would copy the table, and reflecting users' expression indexes warns).
    op.add_column('comments', sa.Column('idempotency_key', sa.String(length=64), nullable=True))
    op.create_index(
        'uq_comments_author_id_idempotency_key',
        'comments',
        ['author_id', 'idempotency_key'],
        unique=True,
    )


def downgrade():
    op.drop_index('uq_comments_author_id_idempotency_key', table_name='comments')
    op.drop_column('comments', 'idempotency_key')  # SQLite 3.35+ drops columns in place
