"""payment reminders (a workspace's steps, and each step done per invoice) and
recurring invoices (schedules, and each run, unique per schedule and date)

Revision ID: 0012_reminders_recurring
Revises: 0011_mail_outbox
Create Date: 2026-12-06 13:09:57.911026
"""
from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel

from alembic import op

revision: str = '0012_reminders_recurring'
down_revision: str | None = '0011_mail_outbox'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('reminder_settings',
    sa.Column('workspace_id', sa.Integer(), nullable=False),
    sa.Column('enabled', sa.Boolean(), nullable=False),
    sa.Column('updated_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['workspace_id'], ['workspaces.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('workspace_id')
    )
    op.create_table('reminder_steps',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('workspace_id', sa.Integer(), nullable=False),
    sa.Column('offset_days', sa.Integer(), nullable=False),
    sa.Column('subject', sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
    sa.Column('message', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['workspace_id'], ['workspaces.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('workspace_id', 'offset_days', name='uq_reminder_steps_ws_offset')
    )
    op.create_table('recurring_invoices',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('workspace_id', sa.Integer(), nullable=False),
    sa.Column('source_invoice_id', sa.Integer(), nullable=False),
    sa.Column('frequency', sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False),
    sa.Column('start_date', sa.Date(), nullable=False),
    sa.Column('end_date', sa.Date(), nullable=True),
    sa.Column('max_count', sa.Integer(), nullable=True),
    sa.Column('email_each', sa.Boolean(), nullable=False),
    sa.Column('status', sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False),
    sa.Column('runs_done', sa.Integer(), nullable=False),
    sa.Column('next_run_date', sa.Date(), nullable=True),
    sa.Column('created_by', sa.Integer(), nullable=True),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('updated_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['created_by'], ['users.id'], ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['source_invoice_id'], ['invoices.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['workspace_id'], ['workspaces.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('recurring_invoices', schema=None) as batch_op:
        batch_op.create_index('ix_recurring_status_next', ['status', 'next_run_date'], unique=False)
        batch_op.create_index('ix_recurring_ws', ['workspace_id'], unique=False)

    op.create_table('recurring_runs',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('workspace_id', sa.Integer(), nullable=False),
    sa.Column('schedule_id', sa.Integer(), nullable=False),
    sa.Column('run_date', sa.Date(), nullable=False),
    sa.Column('invoice_id', sa.Integer(), nullable=True),
    sa.Column('outbox_id', sa.Integer(), nullable=True),
    sa.Column('note', sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['invoice_id'], ['invoices.id'], ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['outbox_id'], ['outbox_messages.id'], ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['schedule_id'], ['recurring_invoices.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['workspace_id'], ['workspaces.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('schedule_id', 'run_date', name='uq_recurring_runs_schedule_date')
    )
    with op.batch_alter_table('recurring_runs', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_recurring_runs_invoice_id'), ['invoice_id'], unique=False)

    op.create_table('reminder_sends',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('workspace_id', sa.Integer(), nullable=False),
    sa.Column('invoice_id', sa.Integer(), nullable=False),
    sa.Column('offset_days', sa.Integer(), nullable=False),
    sa.Column('outcome', sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False),
    sa.Column('outbox_id', sa.Integer(), nullable=True),
    sa.Column('run_date', sa.Date(), nullable=False),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['invoice_id'], ['invoices.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['outbox_id'], ['outbox_messages.id'], ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['workspace_id'], ['workspaces.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('invoice_id', 'offset_days', name='uq_reminder_sends_invoice_offset')
    )
    with op.batch_alter_table('reminder_sends', schema=None) as batch_op:
        batch_op.create_index('ix_reminder_sends_ws', ['workspace_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('reminder_sends', schema=None) as batch_op:
        batch_op.drop_index('ix_reminder_sends_ws')

    op.drop_table('reminder_sends')
    with op.batch_alter_table('recurring_runs', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_recurring_runs_invoice_id'))

    op.drop_table('recurring_runs')
    with op.batch_alter_table('recurring_invoices', schema=None) as batch_op:
        batch_op.drop_index('ix_recurring_ws')
        batch_op.drop_index('ix_recurring_status_next')

    op.drop_table('recurring_invoices')
    op.drop_table('reminder_steps')
    op.drop_table('reminder_settings')
