"""log_entry.version_id (corrections with optimistic locking) and idempotency_key

Revision ID: e4b19c0d7f62
Revises: e16b3c5d7f20
Create Date: 2026-12-05 23:40:00

"""
import sqlalchemy as sa
from alembic import op

from tracker.models.base import UTCDateTime

# revision identifiers, used by Alembic.
revision = 'e4b19c0d7f62'
down_revision = 'e16b3c5d7f20'
branch_labels = None
depends_on = None

# log_entry gets its column with a plain ADD COLUMN, never batch mode: on SQLite a batch
# rebuild would drop the logged_count triggers of 5f0c2d7e8a41.


def upgrade():
    op.add_column('log_entry', sa.Column('version_id', sa.Integer(), nullable=False,
                                         server_default=sa.text('1')))
    op.create_table(
        'idempotency_key',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('scope', sa.String(length=80), nullable=False),
        sa.Column('key', sa.String(length=100), nullable=False),
        sa.Column('fingerprint', sa.String(length=64), nullable=False),
        sa.Column('location', sa.String(length=500), nullable=False),
        sa.Column('entity', sa.String(length=60), nullable=False),
        sa.Column('entity_id', sa.Integer(), nullable=True),
        sa.Column('created_at', UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_idempotency_key')),
        sa.UniqueConstraint('scope', 'key', name=op.f('uq_idempotency_key_scope_key')),
    )


def downgrade():
    op.drop_table('idempotency_key')
    if op.get_bind().dialect.name == "postgresql":
        op.drop_column('log_entry', 'version_id')
    else:
        # SQLite 3.35+ drops a column in place (ALTER TABLE DROP COLUMN), keeping the triggers.
        op.execute('ALTER TABLE log_entry DROP COLUMN version_id')
