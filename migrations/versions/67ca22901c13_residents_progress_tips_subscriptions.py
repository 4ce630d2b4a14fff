"""Residents: public activities, tip status addresses and answers, subscriptions, feedback

Revision ID: 67ca22901c13
Revises: a3f9c2e81b47
Create Date: 2026-12-06 02:20:00

"""
import sqlalchemy as sa
from alembic import op

from tracker.models.base import UTCDateTime

# revision identifiers, used by Alembic.
revision = '67ca22901c13'
down_revision = 'a3f9c2e81b47'
branch_labels = None
depends_on = None

OLD_STATUSES = ('new', 'answered', 'activity', 'dismissed')
STATUSES = ('new', 'in_progress', 'answered', 'activity', 'dismissed')


def _status_check(values) -> str:
    return "status IN (" + ", ".join(f"'{v}'" for v in values) + ")"


def upgrade():
    # activity has no triggers: a plain ADD COLUMN, no batch rebuild
    op.add_column('activity', sa.Column('show_public', sa.Boolean(), nullable=False,
                                        server_default=sa.false()))
    with op.batch_alter_table('tip', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_tip_tip_status'), type_='check')
        batch_op.alter_column('status', type_=sa.String(length=11),
                              existing_type=sa.String(length=9), existing_nullable=False)
        batch_op.create_check_constraint('tip_status', _status_check(STATUSES))
        batch_op.add_column(sa.Column('status_token_hash', sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column('reply_to_deleted_at', UTCDateTime(), nullable=True))
        batch_op.create_unique_constraint(batch_op.f('uq_tip_status_token_hash'),
                                          ['status_token_hash'])
    op.create_table(
        'tip_event',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('tip_id', sa.Integer(), nullable=False),
        sa.Column('status', sa.Enum(*STATUSES, name='tip_event_status', native_enum=False,
                                    create_constraint=True, length=11), nullable=False),
        sa.Column('answer', sa.Text(), server_default='', nullable=False),
        sa.Column('author_id', sa.Integer(), nullable=True),
        sa.Column('created_at', UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(['author_id'], ['user_account.id'],
                                name=op.f('fk_tip_event_author_id_user_account'),
                                ondelete='SET NULL'),
        sa.ForeignKeyConstraint(['tip_id'], ['tip.id'], name=op.f('fk_tip_event_tip_id_tip'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_tip_event')),
    )
    op.create_index(op.f('ix_tip_event_tip_id'), 'tip_event', ['tip_id'])
    op.create_index(op.f('ix_tip_event_author_id'), 'tip_event', ['author_id'])
    op.create_table(
        'subscription',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('municipality_id', sa.Integer(), nullable=False),
        sa.Column('email', sa.String(length=254), nullable=False),
        sa.Column('confirmed_at', UTCDateTime(), nullable=True),
        sa.Column('created_at', UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(['municipality_id'], ['municipality.id'],
                                name=op.f('fk_subscription_municipality_id_municipality'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_subscription')),
        sa.UniqueConstraint('municipality_id', 'email',
                            name=op.f('uq_subscription_municipality_id_email')),
    )
    op.create_index(op.f('ix_subscription_municipality_id'), 'subscription', ['municipality_id'])
    op.create_table(
        'followup_feedback',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('follow_up_id', sa.Integer(), nullable=False),
        sa.Column('rating', sa.Integer(), nullable=False),
        sa.Column('comment', sa.Text(), server_default='', nullable=False),
        sa.Column('approved_at', UTCDateTime(), nullable=True),
        sa.Column('approved_by_id', sa.Integer(), nullable=True),
        sa.Column('created_at', UTCDateTime(), nullable=False),
        sa.CheckConstraint('rating BETWEEN 1 AND 5', name=op.f('ck_followup_feedback_rating_range')),
        sa.ForeignKeyConstraint(['approved_by_id'], ['user_account.id'],
                                name=op.f('fk_followup_feedback_approved_by_id_user_account'),
                                ondelete='SET NULL'),
        sa.ForeignKeyConstraint(['follow_up_id'], ['follow_up.id'],
                                name=op.f('fk_followup_feedback_follow_up_id_follow_up'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_followup_feedback')),
    )
    op.create_index(op.f('ix_followup_feedback_follow_up_id'), 'followup_feedback',
                    ['follow_up_id'])


def downgrade():
    op.drop_table('followup_feedback')
    op.drop_table('subscription')
    op.drop_table('tip_event')
    op.execute("UPDATE tip SET status = 'new' WHERE status = 'in_progress'")
    with op.batch_alter_table('tip', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('uq_tip_status_token_hash'), type_='unique')
        batch_op.drop_column('reply_to_deleted_at')
        batch_op.drop_column('status_token_hash')
        batch_op.drop_constraint(batch_op.f('ck_tip_tip_status'), type_='check')
        batch_op.alter_column('status', type_=sa.String(length=9),
                              existing_type=sa.String(length=11), existing_nullable=False)
        batch_op.create_check_constraint('tip_status', _status_check(OLD_STATUSES))
    op.drop_column('activity', 'show_public')
