"""Municipality data version: the key of the busiest pages' cached parts

Revision ID: 5d2c8e1f4a90
Revises: 67ca22901c13
Create Date: 2026-12-06 05:40:00

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '5d2c8e1f4a90'
down_revision = '67ca22901c13'
branch_labels = None
depends_on = None


def upgrade():
    op.add_column('municipality', sa.Column('data_version', sa.BigInteger(), nullable=False,
                                            server_default='0'))


def downgrade():
    with op.batch_alter_table('municipality') as batch:
        batch.drop_column('data_version')
