"""spam signals: each comment's fingerprint and the reasons it was held; the blocklist

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-03 11:00:00

comments.body_hash finds the same words posted again (the duplicate check);
comments.spam_reasons says why the checks held a comment; blocklist holds
the words, domains and networks the site's moderators block.
"""
import sqlalchemy as sa
from alembic import op

from sidecar.services.spam import body_hash

revision = '0015'
down_revision = '0014'
branch_labels = None
depends_on = None


def upgrade():
    # Plain ADD COLUMN and CREATE INDEX: both databases do them in place.
    op.add_column('comments', sa.Column('body_hash', sa.String(length=64), nullable=True))
    op.add_column('comments', sa.Column('spam_reasons', sa.String(length=300), nullable=True))
    comments = sa.table(
        'comments', sa.column('id', sa.Integer), sa.column('body_source', sa.Text),
        sa.column('body_hash', sa.String),
    )
    connection = op.get_bind()
    rows = connection.execute(sa.select(comments.c.id, comments.c.body_source)).all()
    for comment_id, body in rows:
        connection.execute(
            comments.update().where(comments.c.id == comment_id).values(body_hash=body_hash(body))
        )
    op.create_index('ix_comments_body_hash', 'comments', ['body_hash'], unique=False)
    op.create_table(
        'blocklist',
        sa.Column('kind', sa.String(length=16), nullable=False),
        sa.Column('value', sa.String(length=254), nullable=False),
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_blocklist')),
    )
    op.create_index('uq_blocklist_kind_value', 'blocklist', ['kind', 'value'], unique=True)


def downgrade():
    op.drop_index('uq_blocklist_kind_value', table_name='blocklist')
    op.drop_table('blocklist')
    op.drop_index('ix_comments_body_hash', table_name='comments')
    op.drop_column('comments', 'spam_reasons')  # SQLite 3.35+ drops columns in place
    op.drop_column('comments', 'body_hash')
