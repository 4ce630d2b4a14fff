"""Municipality places version: the key of the kept list of its places

Revision ID: c41e7a9b2d58
Revises: 8b3f1d6a2c47
Create Date: 2026-12-06 16:30:00

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = 'c41e7a9b2d58'
down_revision = '8b3f1d6a2c47'
branch_labels = None
depends_on = None


def upgrade():
    op.add_column('municipality', sa.Column('places_version', sa.BigInteger(), nullable=False,
                                            server_default='0'))


def downgrade():
    with op.batch_alter_table('municipality') as batch:
        batch.drop_column('places_version')
