"""KPI indexes: the cohort index also carries the deal id

The funnel keeps the lost deals of a cohort by ``deal_id IN (deals of the cohort)``;
with the id in the (workspace, stage, created) index PostgreSQL answers that from
the index alone (SQLite indexes carry the rowid anyway) instead of visiting every
deal row. Replaces ``ix_deals_kpi_stage`` (same leading columns).

Revision ID: 0008_kpi
Revises: 0007_billing_logo
Create Date: 2026-11-22 23:10:00
"""
from collections.abc import Sequence

from alembic import op

revision: str = '0008_kpi'
down_revision: str | None = '0007_billing_logo'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('deals', schema=None) as batch_op:
        batch_op.drop_index('ix_deals_kpi_stage')
        batch_op.create_index('ix_deals_kpi_cohort',
                              ['workspace_id', 'stage_id', 'created_at', 'value', 'id'],
                              unique=False)


def downgrade() -> None:
    with op.batch_alter_table('deals', schema=None) as batch_op:
        batch_op.drop_index('ix_deals_kpi_cohort')
        batch_op.create_index('ix_deals_kpi_stage',
                              ['workspace_id', 'stage_id', 'created_at', 'value'], unique=False)
