"""Job runs hold a lease: who runs it, its last heartbeat, when the lease expires, the day it is for

Revision ID: d4e8b2c61f07
Revises: b8d4f0a1c3e7
Create Date: 2026-12-06 00:00:00

"""
import sqlalchemy as sa
from alembic import op

import tracker.models.base

# revision identifiers, used by Alembic.
revision = 'd4e8b2c61f07'
down_revision = 'b8d4f0a1c3e7'
branch_labels = None
depends_on = None


def upgrade():
    # A running row without a lease (from before this revision) counts as expired: it is taken
    # over by the next scheduler that looks at it.
    with op.batch_alter_table('job_run') as batch_op:
        batch_op.add_column(sa.Column('run_for', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('holder', sa.String(length=120), nullable=False,
                                      server_default=''))
        batch_op.add_column(sa.Column('heartbeat_at',
                                      tracker.models.base.UTCDateTime(timezone=True),
                                      nullable=True))
        batch_op.add_column(sa.Column('lease_expires_at',
                                      tracker.models.base.UTCDateTime(timezone=True),
                                      nullable=True))
        batch_op.add_column(sa.Column('attempts', sa.Integer(), nullable=False,
                                      server_default='1'))


def downgrade():
    with op.batch_alter_table('job_run') as batch_op:
        batch_op.drop_column('attempts')
        batch_op.drop_column('lease_expires_at')
        batch_op.drop_column('heartbeat_at')
        batch_op.drop_column('holder')
        batch_op.drop_column('run_for')
