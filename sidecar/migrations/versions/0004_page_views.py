"""page views counted per path and day, with nothing that identifies a reader

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-24 10:33:00

"""
import sqlalchemy as sa
from alembic import op

revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('referrer_counts',
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('host', sa.String(length=253), nullable=False),
    sa.Column('views', sa.Integer(), nullable=False),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_referrer_counts')),
    sa.UniqueConstraint('day', 'host', name=op.f('uq_referrer_counts_day'))
    )
    with op.batch_alter_table('referrer_counts', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_referrer_counts_day'), ['day'], unique=False)

    op.create_table('view_counts',
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('path', sa.String(length=300), nullable=False),
    sa.Column('views', sa.Integer(), nullable=False),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_view_counts')),
    sa.UniqueConstraint('day', 'path', name=op.f('uq_view_counts_day'))
    )
    with op.batch_alter_table('view_counts', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_view_counts_day'), ['day'], unique=False)

    op.create_table('view_salts',
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('salt', sa.String(length=64), nullable=False),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_view_salts')),
    sa.UniqueConstraint('day', name=op.f('uq_view_salts_day'))
    )
    op.create_table('view_seen',
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('digest', sa.String(length=64), nullable=False),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_view_seen')),
    sa.UniqueConstraint('day', 'digest', name=op.f('uq_view_seen_day'))
    )


def downgrade():
    op.drop_table('view_seen')
    op.drop_table('view_salts')
    with op.batch_alter_table('view_counts', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_view_counts_day'))

    op.drop_table('view_counts')
    with op.batch_alter_table('referrer_counts', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_referrer_counts_day'))

    op.drop_table('referrer_counts')
