"""Security keys and passkeys (WebAuthn) as a second factor beside the authenticator app

Revision ID: 3b0193099b29
Revises: 8cdca29de017
Create Date: 2026-12-06 02:20:00

"""
import sqlalchemy as sa
from alembic import op

import tracker.models.base

# revision identifiers, used by Alembic.
revision = '3b0193099b29'
down_revision = '8cdca29de017'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'webauthn_credential',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('credential_id', sa.String(length=1400), nullable=False),
        sa.Column('public_key', sa.LargeBinary(), nullable=False),
        sa.Column('sign_count', sa.BigInteger(), nullable=False),
        sa.Column('transports', sa.String(length=200), nullable=False),
        sa.Column('name', sa.String(length=80), nullable=False),
        sa.Column('created_at', tracker.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column('last_used_at', tracker.models.base.UTCDateTime(timezone=True),
                  nullable=True),
        sa.ForeignKeyConstraint(['user_id'], ['user_account.id'],
                                name=op.f('fk_webauthn_credential_user_id_user_account'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_webauthn_credential')),
        sa.UniqueConstraint('credential_id', name=op.f('uq_webauthn_credential_credential_id')),
    )
    op.create_index(op.f('ix_webauthn_credential_user_id'), 'webauthn_credential', ['user_id'])


def downgrade():
    op.drop_index(op.f('ix_webauthn_credential_user_id'), table_name='webauthn_credential')
    op.drop_table('webauthn_credential')
