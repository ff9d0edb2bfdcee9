"""reply mail: subscriptions, the replies owed to each, opt-outs; moderators' mail

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-03 10:00:00

"Email me replies" stores a subscription (a guest's waits for its address
to be confirmed); each approved reply below it is a notice until a mail
carries it. An address that unsubscribed from everything is an opt-out.
users.moderation_mail is each moderator's choice of mail about held comments.
"""
import sqlalchemy as sa
from alembic import op

revision = '0014'
down_revision = '0013'
branch_labels = None
depends_on = None


def _stamps():
    return [
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    ]


def upgrade():
    op.create_table(
        'subscriptions',
        sa.Column('comment_id', sa.Integer(), nullable=False),
        sa.Column('post_slug', sa.String(length=200), nullable=False),
        sa.Column('email', sa.String(length=254), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=True),
        sa.Column('confirmed_at', sa.DateTime(timezone=True), nullable=True),
        *_stamps(),
        sa.ForeignKeyConstraint(
            ['comment_id'], ['comments.id'], name=op.f('fk_subscriptions_comment_id_comments')
        ),
        sa.ForeignKeyConstraint(
            ['user_id'], ['users.id'], name=op.f('fk_subscriptions_user_id_users')
        ),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_subscriptions')),
    )
    op.create_index('ix_subscriptions_email', 'subscriptions', ['email'], unique=False)
    op.create_index(
        'uq_subscriptions_comment_id_email', 'subscriptions', ['comment_id', 'email'], unique=True
    )
    op.create_table(
        'reply_notices',
        sa.Column('subscription_id', sa.Integer(), nullable=False),
        sa.Column('reply_id', sa.Integer(), nullable=False),
        sa.Column('sent_at', sa.DateTime(timezone=True), nullable=True),
        *_stamps(),
        sa.ForeignKeyConstraint(
            ['subscription_id'], ['subscriptions.id'],
            name=op.f('fk_reply_notices_subscription_id_subscriptions'),
        ),
        sa.ForeignKeyConstraint(
            ['reply_id'], ['comments.id'], name=op.f('fk_reply_notices_reply_id_comments')
        ),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_reply_notices')),
    )
    op.create_index(
        'ix_reply_notices_subscription_id', 'reply_notices', ['subscription_id'], unique=False
    )
    op.create_index(
        'uq_reply_notices_subscription_id_reply_id', 'reply_notices',
        ['subscription_id', 'reply_id'], unique=True,
    )
    op.create_table(
        'mail_optouts',
        sa.Column('email', sa.String(length=254), nullable=False),
        *_stamps(),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_mail_optouts')),
        sa.UniqueConstraint('email', name=op.f('uq_mail_optouts_email')),
    )
    # Not in batch mode: a rebuild of users would lose its expression indexes.
    op.add_column(
        'users',
        sa.Column('moderation_mail', sa.String(length=16), server_default='off', nullable=False),
    )


def downgrade():
    op.drop_column('users', 'moderation_mail')  # SQLite 3.35+ drops columns in place
    op.drop_table('mail_optouts')
    op.drop_index('uq_reply_notices_subscription_id_reply_id', table_name='reply_notices')
    op.drop_index('ix_reply_notices_subscription_id', table_name='reply_notices')
    op.drop_table('reply_notices')
    op.drop_index('uq_subscriptions_comment_id_email', table_name='subscriptions')
    op.drop_index('ix_subscriptions_email', table_name='subscriptions')
    op.drop_table('subscriptions')
