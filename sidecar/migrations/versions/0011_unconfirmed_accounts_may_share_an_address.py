"""an address is unique among confirmed accounts only

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-02 18:30:00

Registering signs the newcomer in at once, and must answer the same whether
or not the address already has an account: so registering with a known
address makes a second, unconfirmed account, whose confirmation mail tells
the address's owner instead of carrying a link. Two accounts may then share
an address until one is confirmed; a second can never be (this index).

On SQLite dropping the old constraint rebuilds the table, which would lose
the expression indexes, so they are dropped first and made again after.
"""
import sqlalchemy as sa
from alembic import op

revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None

CONFIRMED = sa.text('email_confirmed_at IS NOT NULL')


def upgrade():
    op.drop_index('uq_users_email_lower', table_name='users')
    op.drop_index('uq_users_username_lower', table_name='users')
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_constraint('uq_users_email', type_='unique')
        batch_op.create_index('ix_users_email', ['email'], unique=False)
    op.create_index('uq_users_username_lower', 'users', [sa.text('lower(username)')], unique=True)
    op.create_index(
        'uq_users_email_lower',
        'users',
        [sa.text('lower(email)')],
        unique=True,
        sqlite_where=CONFIRMED,
        postgresql_where=CONFIRMED,
    )


def downgrade():
    # Fails while two accounts share an address: remove the unconfirmed one first.
    op.drop_index('uq_users_email_lower', table_name='users')
    op.drop_index('uq_users_username_lower', table_name='users')
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_index('ix_users_email')
        batch_op.create_unique_constraint('uq_users_email', ['email'])
    op.create_index('uq_users_username_lower', 'users', [sa.text('lower(username)')], unique=True)
    op.create_index('uq_users_email_lower', 'users', [sa.text('lower(email)')], unique=True)
