"""drop the day indexes the (day, path) and (day, host) unique indexes already cover

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-24 11:45:00

Each counted page view wrote three index entries where two serve every query
(they filter on day first).
"""
from alembic import op

revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('view_counts', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_view_counts_day'))
    with op.batch_alter_table('referrer_counts', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_referrer_counts_day'))


def downgrade():
    with op.batch_alter_table('referrer_counts', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_referrer_counts_day'), ['day'], unique=False)
    with op.batch_alter_table('view_counts', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_view_counts_day'), ['day'], unique=False)
