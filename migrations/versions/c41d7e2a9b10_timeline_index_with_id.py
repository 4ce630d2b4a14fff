"""log entry timeline index ends with id

Revision ID: c41d7e2a9b10
Revises: 8806cec4e8ab
Create Date: 2026-11-23 02:50:00

"""
from alembic import op

# revision identifiers, used by Alembic.
revision = 'c41d7e2a9b10'
down_revision = '8806cec4e8ab'
branch_labels = None
depends_on = None


def upgrade():
    # An activity's timeline is ordered by date, then id. With id in the index a backward scan
    # yields that order and stops at the page's 100 rows; without it every entry of a busy day
    # is read and sorted (bench/README.md).
    with op.batch_alter_table('log_entry') as batch_op:
        batch_op.drop_index('ix_log_entry_activity_occurred')
        batch_op.create_index('ix_log_entry_activity_occurred',
                              ['activity_id', 'occurred_on', 'id'], unique=False)


def downgrade():
    with op.batch_alter_table('log_entry') as batch_op:
        batch_op.drop_index('ix_log_entry_activity_occurred')
        batch_op.create_index('ix_log_entry_activity_occurred',
                              ['activity_id', 'occurred_on'], unique=False)
