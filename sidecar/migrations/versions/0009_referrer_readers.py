"""count the distinct readers each referrer host sent, per day

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-24 12:30:00

A host is shown on the dashboard only once several readers came from it, so
one script sending made-up referrers cannot put its host there. Days counted
before this have no readers (0): nothing vouches for them.
"""
import sqlalchemy as sa
from alembic import op

revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('referrer_counts', schema=None) as batch_op:
        batch_op.add_column(
            sa.Column('readers', sa.Integer(), server_default='0', nullable=False)
        )


def downgrade():
    with op.batch_alter_table('referrer_counts', schema=None) as batch_op:
        batch_op.drop_column('readers')
