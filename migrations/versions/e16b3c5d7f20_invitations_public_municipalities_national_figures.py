"""Invitations, Municipality.is_public and Indicator.has_national_value

Revision ID: e16b3c5d7f20
Revises: e5a1c7d93f20
Create Date: 2026-12-05 23:40:00

"""
import sqlalchemy as sa
from alembic import op

import tracker.models.base

# revision identifiers, used by Alembic.
revision = 'e16b3c5d7f20'
down_revision = 'e5a1c7d93f20'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'invitation',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('token_hash', sa.String(length=128), nullable=False),
        sa.Column('created_by_id', sa.Integer(), nullable=True),
        sa.Column('created_at', tracker.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column('expires_at', tracker.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column('used_at', tracker.models.base.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(['created_by_id'], ['user_account.id'],
                                name=op.f('fk_invitation_created_by_id_user_account'),
                                ondelete='SET NULL'),
        sa.ForeignKeyConstraint(['user_id'], ['user_account.id'],
                                name=op.f('fk_invitation_user_id_user_account'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_invitation')),
        sa.UniqueConstraint('token_hash', name=op.f('uq_invitation_token_hash')),
    )
    with op.batch_alter_table('invitation') as batch_op:
        batch_op.create_index(batch_op.f('ix_invitation_user_id'), ['user_id'], unique=False)
    with op.batch_alter_table('municipality') as batch_op:
        batch_op.add_column(sa.Column('is_public', sa.Boolean(), nullable=False,
                                      server_default=sa.true()))
    with op.batch_alter_table('indicator') as batch_op:
        batch_op.add_column(sa.Column('has_national_value', sa.Boolean(), nullable=False,
                                      server_default=sa.false()))
    # An indicator that already has a national figure somewhere says so.
    op.execute(
        "UPDATE indicator SET has_national_value = "
        "EXISTS (SELECT 1 FROM indicator_value v WHERE v.indicator_id = indicator.id "
        "AND v.national_value IS NOT NULL)"
    )


def downgrade():
    with op.batch_alter_table('indicator') as batch_op:
        batch_op.drop_column('has_national_value')
    with op.batch_alter_table('municipality') as batch_op:
        batch_op.drop_column('is_public')
    with op.batch_alter_table('invitation') as batch_op:
        batch_op.drop_index(batch_op.f('ix_invitation_user_id'))
    op.drop_table('invitation')
