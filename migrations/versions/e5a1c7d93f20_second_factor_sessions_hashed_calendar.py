"""TOTP second factor, recovery codes, server-side sessions, hashed calendar secrets

Revision ID: e5a1c7d93f20
Revises: d4e8b2c61f07
Create Date: 2026-12-05 23:40:00

"""
import hashlib

import sqlalchemy as sa
from alembic import op

import tracker.models.base

# revision identifiers, used by Alembic.
revision = 'e5a1c7d93f20'
down_revision = 'd4e8b2c61f07'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('user_account') as batch_op:
        batch_op.add_column(sa.Column('totp_secret', sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column(
            'totp_enabled_at', tracker.models.base.UTCDateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('totp_last_step', sa.BigInteger(), nullable=True))
    with op.batch_alter_table('login_attempt') as batch_op:
        batch_op.add_column(sa.Column('second_factor', sa.Boolean(), nullable=False,
                                      server_default=sa.false()))
    op.create_table(
        'recovery_code',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('code_hash', sa.String(length=64), nullable=False),
        sa.Column('created_at', tracker.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column('used_at', tracker.models.base.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(['user_id'], ['user_account.id'],
                                name=op.f('fk_recovery_code_user_id_user_account'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_recovery_code')),
        sa.UniqueConstraint('code_hash', name=op.f('uq_recovery_code_code_hash')),
    )
    op.create_index(op.f('ix_recovery_code_user_id'), 'recovery_code', ['user_id'])
    op.create_table(
        'user_session',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('secret_hash', sa.String(length=64), nullable=False),
        sa.Column('created_at', tracker.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column('last_seen_at', tracker.models.base.UTCDateTime(timezone=True),
                  nullable=False),
        sa.Column('user_agent', sa.String(length=200), nullable=False),
        sa.Column('remote_addr', sa.String(length=64), nullable=False),
        sa.Column('ended_at', tracker.models.base.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(['user_id'], ['user_account.id'],
                                name=op.f('fk_user_session_user_id_user_account'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_user_session')),
        sa.UniqueConstraint('secret_hash', name=op.f('uq_user_session_secret_hash')),
    )
    op.create_index(op.f('ix_user_session_user_id'), 'user_session', ['user_id'])
    # Calendar secrets become SHA-256 hashes, as API tokens are: the addresses already handed
    # out keep working (the feed hashes what it is given), but the clear text is gone.
    user = sa.table('user_account', sa.column('id', sa.Integer),
                    sa.column('calendar_token', sa.String))
    connection = op.get_bind()
    rows = connection.execute(sa.select(user.c.id, user.c.calendar_token)
                              .where(user.c.calendar_token.is_not(None))).all()
    for row in rows:
        digest = hashlib.sha256(row.calendar_token.encode('utf-8')).hexdigest()
        connection.execute(user.update().where(user.c.id == row.id)
                           .values(calendar_token=digest))


def downgrade():
    # The clear calendar secrets cannot come back: the addresses are switched off instead.
    user = sa.table('user_account', sa.column('calendar_token', sa.String))
    op.get_bind().execute(user.update().values(calendar_token=None))
    op.drop_index(op.f('ix_user_session_user_id'), table_name='user_session')
    op.drop_table('user_session')
    op.drop_index(op.f('ix_recovery_code_user_id'), table_name='recovery_code')
    op.drop_table('recovery_code')
    with op.batch_alter_table('login_attempt') as batch_op:
        batch_op.drop_column('second_factor')
    with op.batch_alter_table('user_account') as batch_op:
        batch_op.drop_column('totp_last_step')
        batch_op.drop_column('totp_enabled_at')
        batch_op.drop_column('totp_secret')
