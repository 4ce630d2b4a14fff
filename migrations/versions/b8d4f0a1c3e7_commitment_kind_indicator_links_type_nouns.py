"""Commitment kind and indicator links; activity types' nouns for the follow-up's grammar

Revision ID: b8d4f0a1c3e7
Revises: a7c3e91d2b55
Create Date: 2026-12-05 23:50:00

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = 'b8d4f0a1c3e7'
down_revision = 'a7c3e91d2b55'
branch_labels = None
depends_on = None

KINDS = ('prestation', 'effekt', 'arbetssatt')


def upgrade():
    with op.batch_alter_table('commitment') as batch_op:
        batch_op.add_column(sa.Column(
            'kind', sa.Enum(*KINDS, name=op.f('ck_commitment_commitment_kind'),
                            native_enum=False, create_constraint=True, length=10),
            nullable=False, server_default='arbetssatt'))
    op.create_table(
        'commitment_indicator',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('commitment_id', sa.Integer(), nullable=False),
        sa.Column('indicator_id', sa.Integer(), nullable=False),
        sa.Column('higher_is_better', sa.Boolean(), nullable=False),
        sa.Column('target_value', sa.Numeric(precision=14, scale=3), nullable=True),
        sa.ForeignKeyConstraint(['commitment_id'], ['commitment.id'],
                                name=op.f('fk_commitment_indicator_commitment_id_commitment'),
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['indicator_id'], ['indicator.id'],
                                name=op.f('fk_commitment_indicator_indicator_id_indicator'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_commitment_indicator')),
        sa.UniqueConstraint('commitment_id', 'indicator_id',
                            name=op.f('uq_commitment_indicator_commitment_id_indicator_id')),
    )
    op.create_index(op.f('ix_commitment_indicator_commitment_id'), 'commitment_indicator',
                    ['commitment_id'])
    op.create_index(op.f('ix_commitment_indicator_indicator_id'), 'commitment_indicator',
                    ['indicator_id'])
    with op.batch_alter_table('activity_type') as batch_op:
        batch_op.add_column(sa.Column('noun_singular', sa.String(length=120), nullable=False,
                                      server_default=''))
        batch_op.add_column(sa.Column('noun_plural', sa.String(length=120), nullable=False,
                                      server_default=''))
    # Existing commitments get the kind their wording suggests; the coordinator can change it.
    from tracker.models.promise import suggest_kind

    commitment = sa.table('commitment', sa.column('id', sa.Integer), sa.column('text', sa.Text),
                          sa.column('target_count', sa.Integer), sa.column('kind', sa.String))
    connection = op.get_bind()
    rows = connection.execute(sa.select(commitment.c.id, commitment.c.text,
                                        commitment.c.target_count)).all()
    for row in rows:
        connection.execute(commitment.update().where(commitment.c.id == row.id).values(
            kind=suggest_kind(row.text, row.target_count).value))


def downgrade():
    with op.batch_alter_table('activity_type') as batch_op:
        batch_op.drop_column('noun_plural')
        batch_op.drop_column('noun_singular')
    op.drop_index(op.f('ix_commitment_indicator_indicator_id'), table_name='commitment_indicator')
    op.drop_index(op.f('ix_commitment_indicator_commitment_id'), table_name='commitment_indicator')
    op.drop_table('commitment_indicator')
    with op.batch_alter_table('commitment') as batch_op:
        batch_op.drop_constraint(op.f('ck_commitment_commitment_kind'), type_='check')
        batch_op.drop_column('kind')
