"""log entry measures as jsonb on postgresql

Revision ID: 8806cec4e8ab
Revises: 898204a8fbb1
Create Date: 2026-11-23 01:11:46.131203

"""
import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

# revision identifiers, used by Alembic.
revision = '8806cec4e8ab'
down_revision = '898204a8fbb1'
branch_labels = None
depends_on = None


def upgrade():
    # jsonb is parsed once on write; the follow-up's aggregates read keys of every entry of a
    # year (bench/README.md). SQLite has one JSON type: nothing to do there.
    if op.get_bind().dialect.name != "postgresql":
        return
    op.alter_column('log_entry', 'measures', type_=postgresql.JSONB(),
                    existing_type=sa.JSON(), existing_nullable=False,
                    postgresql_using='measures::jsonb')


def downgrade():
    if op.get_bind().dialect.name != "postgresql":
        return
    op.alter_column('log_entry', 'measures', type_=sa.JSON(),
                    existing_type=postgresql.JSONB(), existing_nullable=False,
                    postgresql_using='measures::json')
