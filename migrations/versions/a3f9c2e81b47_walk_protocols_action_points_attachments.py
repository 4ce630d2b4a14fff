"""walk protocols, findings, action points and attachments

Revision ID: a3f9c2e81b47
Revises: 3b0193099b29
Create Date: 2026-12-06 02:04:08

"""
import sqlalchemy as sa
from alembic import op

from tracker.models.base import UTCDateTime


# revision identifiers, used by Alembic.
revision = 'a3f9c2e81b47'
down_revision = '3b0193099b29'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('walk_protocol',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('log_entry_id', sa.Integer(), nullable=False),
    sa.Column('activity_id', sa.Integer(), nullable=False),
    sa.Column('municipality_id', sa.Integer(), nullable=False),
    sa.Column('participants', sa.JSON(), nullable=False),
    sa.Column('summary', sa.Text(), nullable=False),
    sa.Column('published_at', UTCDateTime(), nullable=True),
    sa.Column('version_id', sa.Integer(), nullable=False),
    sa.Column('created_at', UTCDateTime(), nullable=False),
    sa.Column('updated_at', UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['activity_id'], ['activity.id'], name=op.f('fk_walk_protocol_activity_id_activity'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['log_entry_id'], ['log_entry.id'], name=op.f('fk_walk_protocol_log_entry_id_log_entry'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['municipality_id'], ['municipality.id'], name=op.f('fk_walk_protocol_municipality_id_municipality'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_walk_protocol')),
    sa.UniqueConstraint('log_entry_id', name=op.f('uq_walk_protocol_log_entry_id'))
    )
    with op.batch_alter_table('walk_protocol', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_walk_protocol_activity_id'), ['activity_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_walk_protocol_municipality_id'), ['municipality_id'], unique=False)

    op.create_table('finding',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('protocol_id', sa.Integer(), nullable=False),
    sa.Column('municipality_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('place_id', sa.Integer(), nullable=True),
    sa.Column('category', sa.Enum('belysning', 'vegetation', 'klotter', 'nedskrapning', 'skadegorelse', 'trafik', 'otrygg_plats', 'annat', name='finding_category', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('created_at', UTCDateTime(), nullable=False),
    sa.Column('updated_at', UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['municipality_id'], ['municipality.id'], name=op.f('fk_finding_municipality_id_municipality'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['place_id'], ['place.id'], name=op.f('fk_finding_place_id_place'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['protocol_id'], ['walk_protocol.id'], name=op.f('fk_finding_protocol_id_walk_protocol'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_finding'))
    )
    with op.batch_alter_table('finding', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_finding_place_id'), ['place_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_finding_protocol_id'), ['protocol_id'], unique=False)

    op.create_table('walk_route_place',
    sa.Column('protocol_id', sa.Integer(), nullable=False),
    sa.Column('place_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['place_id'], ['place.id'], name=op.f('fk_walk_route_place_place_id_place'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['protocol_id'], ['walk_protocol.id'], name=op.f('fk_walk_route_place_protocol_id_walk_protocol'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('protocol_id', 'place_id', name=op.f('pk_walk_route_place'))
    )
    with op.batch_alter_table('walk_route_place', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_walk_route_place_place_id'), ['place_id'], unique=False)

    op.create_table('action_point',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('municipality_id', sa.Integer(), nullable=False),
    sa.Column('activity_id', sa.Integer(), nullable=False),
    sa.Column('log_entry_id', sa.Integer(), nullable=True),
    sa.Column('finding_id', sa.Integer(), nullable=True),
    sa.Column('place_id', sa.Integer(), nullable=True),
    sa.Column('category', sa.Enum('belysning', 'vegetation', 'klotter', 'nedskrapning', 'skadegorelse', 'trafik', 'otrygg_plats', 'annat', name='action_point_category', native_enum=False, create_constraint=True), nullable=True),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('party', sa.Enum('kommunen', 'polisen', 'fastighetsagare', 'annan', name='responsible_party', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('party_name', sa.String(length=200), nullable=False),
    sa.Column('owner_id', sa.Integer(), nullable=True),
    sa.Column('due_date', sa.Date(), nullable=True),
    sa.Column('status', sa.Enum('open', 'in_progress', 'done', 'closed', name='action_status', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('status_reason', sa.Text(), nullable=False),
    sa.Column('version_id', sa.Integer(), nullable=False),
    sa.Column('created_at', UTCDateTime(), nullable=False),
    sa.Column('updated_at', UTCDateTime(), nullable=False),
    sa.CheckConstraint("status <> 'closed' OR status_reason <> ''", name=op.f('ck_action_point_closed_needs_reason')),
    sa.ForeignKeyConstraint(['activity_id'], ['activity.id'], name=op.f('fk_action_point_activity_id_activity'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['finding_id'], ['finding.id'], name=op.f('fk_action_point_finding_id_finding'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['log_entry_id'], ['log_entry.id'], name=op.f('fk_action_point_log_entry_id_log_entry'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['municipality_id'], ['municipality.id'], name=op.f('fk_action_point_municipality_id_municipality'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['owner_id'], ['user_account.id'], name=op.f('fk_action_point_owner_id_user_account'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['place_id'], ['place.id'], name=op.f('fk_action_point_place_id_place'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_action_point')),
    sa.UniqueConstraint('finding_id', name=op.f('uq_action_point_finding_id'))
    )
    with op.batch_alter_table('action_point', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_action_point_activity_id'), ['activity_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_action_point_log_entry_id'), ['log_entry_id'], unique=False)
        batch_op.create_index('ix_action_point_municipality_status', ['municipality_id', 'status'], unique=False)
        batch_op.create_index(batch_op.f('ix_action_point_owner_id'), ['owner_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_action_point_place_id'), ['place_id'], unique=False)

    op.create_table('attachment',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('municipality_id', sa.Integer(), nullable=False),
    sa.Column('activity_id', sa.Integer(), nullable=False),
    sa.Column('log_entry_id', sa.Integer(), nullable=True),
    sa.Column('finding_id', sa.Integer(), nullable=True),
    sa.Column('action_point_id', sa.Integer(), nullable=True),
    sa.Column('kind', sa.Enum('image', 'pdf', name='attachment_kind', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('content_type', sa.String(length=60), nullable=False),
    sa.Column('file_name', sa.String(length=200), nullable=False),
    sa.Column('stored_name', sa.String(length=80), nullable=False),
    sa.Column('thumb_name', sa.String(length=80), nullable=True),
    sa.Column('size_bytes', sa.Integer(), nullable=False),
    sa.Column('width', sa.Integer(), nullable=True),
    sa.Column('height', sa.Integer(), nullable=True),
    sa.Column('uploaded_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['action_point_id'], ['action_point.id'], name=op.f('fk_attachment_action_point_id_action_point'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['activity_id'], ['activity.id'], name=op.f('fk_attachment_activity_id_activity'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['finding_id'], ['finding.id'], name=op.f('fk_attachment_finding_id_finding'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['log_entry_id'], ['log_entry.id'], name=op.f('fk_attachment_log_entry_id_log_entry'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['municipality_id'], ['municipality.id'], name=op.f('fk_attachment_municipality_id_municipality'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['uploaded_by_id'], ['user_account.id'], name=op.f('fk_attachment_uploaded_by_id_user_account'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_attachment')),
    sa.UniqueConstraint('stored_name', name=op.f('uq_attachment_stored_name'))
    )
    with op.batch_alter_table('attachment', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_attachment_action_point_id'), ['action_point_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_attachment_activity_id'), ['activity_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_attachment_finding_id'), ['finding_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_attachment_log_entry_id'), ['log_entry_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_attachment_municipality_id'), ['municipality_id'], unique=False)



def downgrade():
    for table in ("attachment", "action_point", "walk_route_place", "finding", "walk_protocol"):
        op.drop_table(table)
