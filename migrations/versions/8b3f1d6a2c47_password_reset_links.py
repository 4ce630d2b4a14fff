"""Password reset links: an invitation row's purpose (a first password or a new one)

Revision ID: 8b3f1d6a2c47
Revises: 5d2c8e1f4a90
Create Date: 2026-12-06 14:15:00

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '8b3f1d6a2c47'
down_revision = '5d2c8e1f4a90'
branch_labels = None
depends_on = None


def upgrade():
    op.add_column('invitation', sa.Column('purpose', sa.String(length=20), nullable=False,
                                          server_default='invitation'))


def downgrade():
    with op.batch_alter_table('invitation') as batch:
        batch.drop_column('purpose')
