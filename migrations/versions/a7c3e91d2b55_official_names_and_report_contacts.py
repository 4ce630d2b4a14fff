"""Municipality.official_name and report contacts of municipalities and police areas

Revision ID: a7c3e91d2b55
Revises: 5f0c2d7e8a41
Create Date: 2026-12-05 23:30:00

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = 'a7c3e91d2b55'
down_revision = '5f0c2d7e8a41'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('municipality') as batch_op:
        batch_op.add_column(sa.Column('official_name', sa.String(length=160), nullable=False,
                                      server_default=''))
        batch_op.add_column(sa.Column('report_contact', sa.Text(), nullable=False,
                                      server_default=''))
    with op.batch_alter_table('police_area') as batch_op:
        batch_op.add_column(sa.Column('report_contact', sa.Text(), nullable=False,
                                      server_default=''))
    # Existing rows get the name the naming rule suggests; an admin corrects the rare exception.
    from tracker.models.geo import official_name_for

    municipality = sa.table('municipality', sa.column('id', sa.Integer),
                            sa.column('name', sa.String), sa.column('official_name', sa.String))
    connection = op.get_bind()
    for row in connection.execute(sa.select(municipality.c.id, municipality.c.name)):
        connection.execute(municipality.update().where(municipality.c.id == row.id)
                           .values(official_name=official_name_for(row.name)))


def downgrade():
    with op.batch_alter_table('police_area') as batch_op:
        batch_op.drop_column('report_contact')
    with op.batch_alter_table('municipality') as batch_op:
        batch_op.drop_column('report_contact')
        batch_op.drop_column('official_name')
