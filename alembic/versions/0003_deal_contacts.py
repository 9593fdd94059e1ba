"""deal contacts (buying committee) and board indexes on deals

Revision ID: 0003_deal_contacts
Revises: 0002_icps
Create Date: 2026-11-22 20:20:00
"""
from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = '0003_deal_contacts'
down_revision: str | None = '0002_icps'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('deal_contacts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('workspace_id', sa.Integer(), nullable=False),
    sa.Column('deal_id', sa.Integer(), nullable=False),
    sa.Column('contact_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['contact_id'], ['contacts.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['deal_id'], ['deals.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['workspace_id'], ['workspaces.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('deal_id', 'contact_id', name='uq_deal_contacts_pair')
    )
    with op.batch_alter_table('deal_contacts', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_deal_contacts_contact_id'), ['contact_id'],
                              unique=False)
        batch_op.create_index(batch_op.f('ix_deal_contacts_deal_id'), ['deal_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_deal_contacts_workspace_id'), ['workspace_id'],
                              unique=False)
    with op.batch_alter_table('deals', schema=None) as batch_op:
        batch_op.create_index('ix_deals_ws_stage_entered',
                              ['workspace_id', 'stage_id', 'stage_entered_at'], unique=False)
        batch_op.create_index('ix_deals_ws_stage_totals',
                              ['workspace_id', 'stage_id', 'currency', 'value'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('deals', schema=None) as batch_op:
        batch_op.drop_index('ix_deals_ws_stage_totals')
        batch_op.drop_index('ix_deals_ws_stage_entered')
    with op.batch_alter_table('deal_contacts', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_deal_contacts_workspace_id'))
        batch_op.drop_index(batch_op.f('ix_deal_contacts_deal_id'))
        batch_op.drop_index(batch_op.f('ix_deal_contacts_contact_id'))
    op.drop_table('deal_contacts')
