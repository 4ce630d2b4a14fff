"""activity_comment (the conversation on an activity) and notification (in the app)

Revision ID: 8cdca29de017
Revises: e4b19c0d7f62
Create Date: 2026-12-06 02:20:00

"""
import sqlalchemy as sa
from alembic import op

from tracker.models.base import UTCDateTime

# revision identifiers, used by Alembic.
revision = '8cdca29de017'
down_revision = 'e4b19c0d7f62'
branch_labels = None
depends_on = None

KINDS = ('assigned', 'mentioned', 'action_due', 'approval', 'tip')


def upgrade():
    op.create_table(
        'activity_comment',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('activity_id', sa.Integer(), nullable=False),
        sa.Column('author_id', sa.Integer(), nullable=True),
        sa.Column('text', sa.Text(), nullable=False),
        sa.Column('created_at', UTCDateTime(), nullable=False),
        sa.Column('edited_at', UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(['activity_id'], ['activity.id'], ondelete='CASCADE',
                                name=op.f('fk_activity_comment_activity_id_activity')),
        sa.ForeignKeyConstraint(['author_id'], ['user_account.id'], ondelete='SET NULL',
                                name=op.f('fk_activity_comment_author_id_user_account')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_activity_comment')),
    )
    op.create_index('ix_activity_comment_activity_created', 'activity_comment',
                    ['activity_id', 'created_at', 'id'])
    op.create_index(op.f('ix_activity_comment_author_id'), 'activity_comment', ['author_id'])
    op.create_table(
        'notification',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('kind', sa.Enum(*KINDS, name='notification_kind', native_enum=False,
                                  create_constraint=True, length=10), nullable=False),
        sa.Column('target_type', sa.String(length=40), nullable=False),
        sa.Column('target_id', sa.Integer(), nullable=False),
        sa.Column('anchor', sa.String(length=60), server_default='', nullable=False),
        sa.Column('text', sa.String(length=300), server_default='', nullable=False),
        sa.Column('actor_id', sa.Integer(), nullable=True),
        sa.Column('created_at', UTCDateTime(), nullable=False),
        sa.Column('read_at', UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(['user_id'], ['user_account.id'], ondelete='CASCADE',
                                name=op.f('fk_notification_user_id_user_account')),
        sa.ForeignKeyConstraint(['actor_id'], ['user_account.id'], ondelete='SET NULL',
                                name=op.f('fk_notification_actor_id_user_account')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_notification')),
    )
    op.create_index('ix_notification_user_created', 'notification',
                    ['user_id', 'created_at', 'id'])
    op.create_index('ix_notification_unread', 'notification', ['user_id'],
                    postgresql_where=sa.text('read_at IS NULL'),
                    sqlite_where=sa.text('read_at IS NULL'))


def downgrade():
    op.drop_index('ix_notification_unread', table_name='notification')
    op.drop_index('ix_notification_user_created', table_name='notification')
    op.drop_table('notification')
    op.drop_index(op.f('ix_activity_comment_author_id'), table_name='activity_comment')
    op.drop_index('ix_activity_comment_activity_created', table_name='activity_comment')
    op.drop_table('activity_comment')
