"""emails are unique whatever their case, enforced by the database

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-24 08:20:00

The services always lower-case addresses; this index makes "Ada@x" and
"ada@x" one address for any other writer too. (An index, not a CHECK: on
SQLite a new CHECK means rebuilding the table, which would drop the
expression index on lower(username).)
"""
import sqlalchemy as sa
from alembic import op

revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade():
    op.create_index('uq_users_email_lower', 'users', [sa.text('lower(email)')], unique=True)


def downgrade():
    op.drop_index('uq_users_email_lower', table_name='users')
