"""follow-ups, buying signals, trigger windows, workspace time zone

Follow-ups (tasks) on companies, contacts and deals; buying signals (a trigger that
happened to a company on a day); how many days a signal of each trigger stays fresh;
and the workspace's time zone, the calendar of "due today" and "overdue"; an index
of deals by value (Today reads the most valuable open deals first, up to a limit);
who gets the Today list by email every morning.

The time zone is added and dropped with plain ALTER TABLE, not a batch "move and
copy": rebuilding ``workspaces`` on SQLite would drop its auth-epoch triggers
(0010_auth_epoch).

Revision ID: 0015_followups_signals
Revises: 0016_persona_insights
Create Date: 2026-12-06 13:23:08.554303
"""
from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel

from alembic import op

revision: str = '0015_followups_signals'
down_revision: str | None = '0016_persona_insights'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('trigger_windows',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('workspace_id', sa.Integer(), nullable=False),
    sa.Column('trigger', sqlmodel.sql.sqltypes.AutoString(length=60), nullable=False),
    sa.Column('days', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['workspace_id'], ['workspaces.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('workspace_id', 'trigger', name='uq_trigger_windows_ws_trigger')
    )
    with op.batch_alter_table('trigger_windows', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_trigger_windows_workspace_id'), ['workspace_id'], unique=False)

    op.create_table('buying_signals',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('workspace_id', sa.Integer(), nullable=False),
    sa.Column('company_id', sa.Integer(), nullable=False),
    sa.Column('trigger', sqlmodel.sql.sqltypes.AutoString(length=60), nullable=False),
    sa.Column('occurred_on', sa.Date(), nullable=False),
    sa.Column('note', sqlmodel.sql.sqltypes.AutoString(length=500), nullable=False),
    sa.Column('created_by', sa.Integer(), nullable=True),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['company_id'], ['companies.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['created_by'], ['users.id'], ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['workspace_id'], ['workspaces.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('buying_signals', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_buying_signals_company_id'), ['company_id'], unique=False)
        batch_op.create_index('ix_buying_signals_ws_occurred', ['workspace_id', 'occurred_on'], unique=False)

    op.create_table('follow_ups',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('workspace_id', sa.Integer(), nullable=False),
    sa.Column('title', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('kind', sqlmodel.sql.sqltypes.AutoString(length=12), nullable=False),
    sa.Column('due_on', sa.Date(), nullable=False),
    sa.Column('due_at', sa.Time(), nullable=True),
    sa.Column('assignee_id', sa.Integer(), nullable=True),
    sa.Column('company_id', sa.Integer(), nullable=True),
    sa.Column('contact_id', sa.Integer(), nullable=True),
    sa.Column('deal_id', sa.Integer(), nullable=True),
    sa.Column('notes', sa.Text(), server_default='', nullable=False),
    sa.Column('done_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.Column('done_by', sa.Integer(), nullable=True),
    sa.Column('snoozed_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.Column('created_by', sa.Integer(), nullable=True),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('updated_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['assignee_id'], ['users.id'], ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['company_id'], ['companies.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['contact_id'], ['contacts.id'], ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['created_by'], ['users.id'], ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['deal_id'], ['deals.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['done_by'], ['users.id'], ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['workspace_id'], ['workspaces.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('follow_ups', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_follow_ups_company_id'), ['company_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_follow_ups_contact_id'), ['contact_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_follow_ups_deal_id'), ['deal_id'], unique=False)
        batch_op.create_index('ix_follow_ups_ws_assignee_due', ['workspace_id', 'assignee_id', 'done_at', 'due_on'], unique=False)
        batch_op.create_index('ix_follow_ups_ws_open_due', ['workspace_id', 'done_at', 'due_on'], unique=False)

    op.create_table('today_digests',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('workspace_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['workspace_id'], ['workspaces.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('workspace_id', 'user_id', name='uq_today_digests_ws_user')
    )
    with op.batch_alter_table('today_digests', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_today_digests_user_id'), ['user_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_today_digests_workspace_id'), ['workspace_id'], unique=False)

    op.create_index('ix_deals_ws_value', 'deals', ['workspace_id', 'value'], unique=False)
    op.add_column('workspaces', sa.Column('time_zone', sqlmodel.sql.sqltypes.AutoString(length=64),
                                          server_default='UTC', nullable=False))



def downgrade() -> None:
    op.execute("ALTER TABLE workspaces DROP COLUMN time_zone")
    op.drop_index('ix_deals_ws_value', table_name='deals')
    with op.batch_alter_table('today_digests', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_today_digests_workspace_id'))
        batch_op.drop_index(batch_op.f('ix_today_digests_user_id'))

    op.drop_table('today_digests')

    with op.batch_alter_table('follow_ups', schema=None) as batch_op:
        batch_op.drop_index('ix_follow_ups_ws_open_due')
        batch_op.drop_index('ix_follow_ups_ws_assignee_due')
        batch_op.drop_index(batch_op.f('ix_follow_ups_deal_id'))
        batch_op.drop_index(batch_op.f('ix_follow_ups_contact_id'))
        batch_op.drop_index(batch_op.f('ix_follow_ups_company_id'))

    op.drop_table('follow_ups')
    with op.batch_alter_table('buying_signals', schema=None) as batch_op:
        batch_op.drop_index('ix_buying_signals_ws_occurred')
        batch_op.drop_index(batch_op.f('ix_buying_signals_company_id'))

    op.drop_table('buying_signals')
    with op.batch_alter_table('trigger_windows', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_trigger_windows_workspace_id'))

    op.drop_table('trigger_windows')
