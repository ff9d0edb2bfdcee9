"""guests may comment: a comment without an account, and names that look alike

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-03 09:30:00

A guest's comment has no author_id; it keeps the name the guest gave (and,
never shown, an address for reply mail; a website) and the secret its edit
token carries. users.name_key is the username folded for look-alikes, so a
guest's name is checked against every account with one indexed lookup.
"""
import warnings

import sqlalchemy as sa
from alembic import op

from sidecar.names import name_key

revision = '0013'
down_revision = '0012'
branch_labels = None
depends_on = None


def _let_guests_comment():
    with op.batch_alter_table('comments', schema=None) as batch_op:
        batch_op.alter_column('author_id', existing_type=sa.Integer(), nullable=True)
        batch_op.add_column(sa.Column('guest_name', sa.String(length=60), nullable=True))
        batch_op.add_column(sa.Column('guest_email', sa.String(length=254), nullable=True))
        batch_op.add_column(sa.Column('guest_website', sa.String(length=300), nullable=True))
        batch_op.add_column(sa.Column('guest_secret', sa.String(length=32), nullable=True))
        batch_op.create_check_constraint(
            'ck_comments_author_or_guest', 'author_id IS NOT NULL OR guest_name IS NOT NULL'
        )


def upgrade():
    # comments has only plain indexes, so SQLite's rebuild (needed to let
    # author_id be NULL) keeps them all; PostgreSQL alters it in place. The
    # rebuild reflects users too (the foreign key), whose expression indexes
    # SQLAlchemy says it skips: users is only read, not rebuilt.
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", "Skipped unsupported reflection", sa.exc.SAWarning)
        _let_guests_comment()
    op.create_index(
        'uq_comments_guest_idempotency_key',
        'comments',
        ['idempotency_key'],
        unique=True,
        sqlite_where=sa.text('author_id IS NULL'),
        postgresql_where=sa.text('author_id IS NULL'),
    )

    # Not in batch mode: a rebuild of users would lose its expression indexes.
    op.add_column(
        'users', sa.Column('name_key', sa.String(length=200), server_default='', nullable=False)
    )
    users = sa.table(
        'users', sa.column('id', sa.Integer), sa.column('username', sa.String),
        sa.column('name_key', sa.String),
    )
    connection = op.get_bind()
    for user_id, username in connection.execute(sa.select(users.c.id, users.c.username)).all():
        connection.execute(
            users.update().where(users.c.id == user_id).values(name_key=name_key(username))
        )
    op.create_index('ix_users_name_key', 'users', ['name_key'], unique=False)


def downgrade():
    guests = op.get_bind().scalar(sa.text("SELECT count(*) FROM comments WHERE author_id IS NULL"))
    if guests:
        # Every comment needs an account again, and replies hang below these.
        raise RuntimeError(
            f"{guests} comments were written by guests; delete them before downgrading."
        )
    op.drop_index('ix_users_name_key', table_name='users')
    op.drop_column('users', 'name_key')
    op.drop_index('uq_comments_guest_idempotency_key', table_name='comments')
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", "Skipped unsupported reflection", sa.exc.SAWarning)
        with op.batch_alter_table('comments', schema=None) as batch_op:
            batch_op.drop_constraint('ck_comments_author_or_guest', type_='check')
            batch_op.drop_column('guest_secret')
            batch_op.drop_column('guest_website')
            batch_op.drop_column('guest_email')
            batch_op.drop_column('guest_name')
            batch_op.alter_column('author_id', existing_type=sa.Integer(), nullable=False)
