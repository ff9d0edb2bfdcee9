"""index comments by their parent, to read a thread page by page

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-24 13:00:00

A page of a thread is its top-level comments and everything below them,
found by walking down parent_id; without an index each step of that walk
would scan every comment of the site.
"""
from alembic import op

revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('comments', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_comments_parent_id'), ['parent_id'], unique=False)


def downgrade():
    with op.batch_alter_table('comments', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_comments_parent_id'))
