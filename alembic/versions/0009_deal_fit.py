"""Deals carry a copy of their company's fit, kept by triggers, for the KPIs by fit

``deals.company_fit_tier`` / ``company_fit_icp_id`` / ``company_fit_results`` copy the
fit of the deal's company. Triggers keep the copy in step in the same statement as the
write, whatever writes it (services, CSV import, demo seed, bulk SQL):

- a deal inserted, or moved to another company, takes its company's fit;
- a company whose fit changes (create/edit, re-score after an ICP change, import)
  passes it to its deals.

Existing deals are filled here. Indexes for ``kpis.closed_by_fit``: on SQLite,
``ix_companies_kpi_fit`` lists the workspace's distinct fits and ``ix_deals_kpi_fit``
reads the deals closed in a period one fit at a time; on PostgreSQL,
``ix_deals_kpi_closed`` also carries the copy (INCLUDE), so that the deals closed in a
period are grouped by fit from that index alone.

On SQLite a later migration that rebuilds ``deals`` or ``companies`` (batch "move and
copy") drops their triggers: it must create them again (``SQLITE_TRIGGERS``).

Revision ID: 0009_deal_fit
Revises: 0008_kpi
Create Date: 2026-11-23 02:30:00
"""
from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = '0009_deal_fit'
down_revision: str | None = '0008_kpi'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_CLOSED = ['workspace_id', 'closed_at', 'stage_id', 'value', 'created_at', 'company_id']
_COPY_FROM_C = ("company_fit_tier = c.fit_tier, company_fit_icp_id = c.fit_icp_id, "
                "company_fit_results = c.fit_results")
_FIT_CHANGED = ("OLD.fit_tier IS DISTINCT FROM NEW.fit_tier "
                "OR OLD.fit_icp_id IS DISTINCT FROM NEW.fit_icp_id "
                "OR OLD.fit_results IS DISTINCT FROM NEW.fit_results")

# SQLite: a trigger cannot change NEW, so the new row is updated (row-value SET).
_SQLITE_COPY_TO_NEW = """
      UPDATE deals SET (company_fit_tier, company_fit_icp_id, company_fit_results) =
        (SELECT fit_tier, fit_icp_id, fit_results FROM companies WHERE id = NEW.company_id)
      WHERE id = NEW.id;"""

SQLITE_TRIGGERS = (
    f"""CREATE TRIGGER trg_deals_fit_insert AFTER INSERT ON deals
    BEGIN {_SQLITE_COPY_TO_NEW} END""",
    f"""CREATE TRIGGER trg_deals_fit_company AFTER UPDATE OF company_id ON deals
    BEGIN {_SQLITE_COPY_TO_NEW} END""",
    f"""CREATE TRIGGER trg_companies_fit AFTER UPDATE OF fit_tier, fit_icp_id, fit_results
    ON companies WHEN {_FIT_CHANGED.replace('IS DISTINCT FROM', 'IS NOT')}
    BEGIN
      UPDATE deals SET company_fit_tier = NEW.fit_tier, company_fit_icp_id = NEW.fit_icp_id,
                       company_fit_results = NEW.fit_results
      WHERE company_id = NEW.id;
    END""",
)

POSTGRES_TRIGGERS = (
    """CREATE FUNCTION deals_fit_from_company() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      SELECT c.fit_tier, c.fit_icp_id, c.fit_results
        INTO NEW.company_fit_tier, NEW.company_fit_icp_id, NEW.company_fit_results
        FROM companies AS c WHERE c.id = NEW.company_id;
      RETURN NEW;
    END $$""",
    """CREATE TRIGGER trg_deals_fit BEFORE INSERT OR UPDATE OF company_id ON deals
    FOR EACH ROW EXECUTE FUNCTION deals_fit_from_company()""",
    """CREATE FUNCTION companies_fit_to_deals() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      UPDATE deals SET company_fit_tier = NEW.fit_tier, company_fit_icp_id = NEW.fit_icp_id,
                       company_fit_results = NEW.fit_results
      WHERE company_id = NEW.id;
      RETURN NULL;
    END $$""",
    f"""CREATE TRIGGER trg_companies_fit AFTER UPDATE OF fit_tier, fit_icp_id, fit_results
    ON companies FOR EACH ROW WHEN ({_FIT_CHANGED})
    EXECUTE FUNCTION companies_fit_to_deals()""",
)


def upgrade() -> None:
    op.add_column('deals', sa.Column('company_fit_tier',
                                     sqlmodel.sql.sqltypes.AutoString(length=10), nullable=True))
    op.add_column('deals', sa.Column('company_fit_icp_id', sa.Integer(), nullable=True))
    op.add_column('deals', sa.Column('company_fit_results',
                                     sqlmodel.sql.sqltypes.AutoString(length=64),
                                     nullable=True))
    # UPDATE ... FROM: PostgreSQL, SQLite >= 3.33
    op.execute(f"UPDATE deals SET {_COPY_FROM_C} FROM companies AS c "
               "WHERE c.id = deals.company_id")
    sqlite = op.get_bind().dialect.name == "sqlite"
    for ddl in SQLITE_TRIGGERS if sqlite else POSTGRES_TRIGGERS:
        op.execute(ddl)
    op.create_index('ix_deals_kpi_fit', 'deals',
                    ['workspace_id', 'company_fit_tier', 'company_fit_icp_id',
                     'company_fit_results', 'closed_at', 'stage_id', 'value', 'created_at'],
                    unique=False)
    op.create_index('ix_companies_kpi_fit', 'companies',
                    ['workspace_id', 'fit_tier', 'fit_icp_id', 'fit_results'], unique=False)
    if not sqlite:
        op.drop_index('ix_deals_kpi_closed', table_name='deals')
        op.create_index('ix_deals_kpi_closed', 'deals', _CLOSED, unique=False,
                        postgresql_include=['company_fit_tier', 'company_fit_icp_id',
                                            'company_fit_results'])


def downgrade() -> None:
    if op.get_bind().dialect.name != "sqlite":
        op.drop_index('ix_deals_kpi_closed', table_name='deals')
        op.create_index('ix_deals_kpi_closed', 'deals', _CLOSED, unique=False)
    op.drop_index('ix_companies_kpi_fit', table_name='companies')
    op.drop_index('ix_deals_kpi_fit', table_name='deals')
    if op.get_bind().dialect.name == "sqlite":
        for name in ("trg_companies_fit", "trg_deals_fit_company", "trg_deals_fit_insert"):
            op.execute(f"DROP TRIGGER IF EXISTS {name}")
    else:
        op.execute("DROP TRIGGER IF EXISTS trg_companies_fit ON companies")
        op.execute("DROP TRIGGER IF EXISTS trg_deals_fit ON deals")
        op.execute("DROP FUNCTION IF EXISTS companies_fit_to_deals()")
        op.execute("DROP FUNCTION IF EXISTS deals_fit_from_company()")
    with op.batch_alter_table('deals', schema=None) as batch_op:
        batch_op.drop_column('company_fit_results')
        batch_op.drop_column('company_fit_icp_id')
        batch_op.drop_column('company_fit_tier')
