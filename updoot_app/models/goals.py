"""Goals (metric × segment × period → target) and the indexes the KPI queries need.

The KPI queries read deals by creation and by closing date, and the stage
history by target stage; the indexes below are declared here (bound to the CRM
tables) so that the CRM models stay untouched and Alembic sees them.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from sqlalchemy import Column, Index
from sqlmodel import Field, SQLModel

from updoot_app.models.crm import Company, Deal, DealStageChange
from updoot_app.models.types import Money, utcnow


class Goal(SQLModel, table=True):
    __tablename__ = "goals"
    id: int | None = Field(default=None, primary_key=True)
    workspace_id: int = Field(foreign_key="workspaces.id", index=True, ondelete="CASCADE")
    name: str = Field(default="", max_length=120)
    metric: str = Field(max_length=32)
    segment_type: str = Field(default="all", max_length=16)
    segment_value: str = Field(default="", max_length=100)
    stage_id: int | None = None  # conversion_rate: from this stage to the next
    period_kind: str = Field(max_length=8)  # month | quarter | year | custom
    start: datetime
    end: datetime  # exclusive
    target: Decimal = Field(sa_column=Column(Money, nullable=False))
    owner_id: int | None = Field(default=None, foreign_key="users.id", ondelete="SET NULL")
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)


# Covering indexes for the KPI scans (SQLite and PostgreSQL read them without the table).
KPI_INDEXES = (
    Index("ix_deals_kpi_created", Deal.workspace_id, Deal.created_at, Deal.stage_id,
          Deal.value, Deal.company_id),
    # PostgreSQL also carries the deal's copy of its company's fit (INCLUDE, migration
    # 0009): the results by fit of a period are read from this index alone
    Index("ix_deals_kpi_closed", Deal.workspace_id, Deal.closed_at, Deal.stage_id,
          Deal.value, Deal.created_at, Deal.company_id,
          postgresql_include=["company_fit_tier", "company_fit_icp_id",
                              "company_fit_results"]),
    # the funnel's cohort per stage; the id lets PostgreSQL answer "deal_id IN cohort"
    # from the index alone (migration 0008_kpi)
    Index("ix_deals_kpi_cohort", Deal.workspace_id, Deal.stage_id, Deal.created_at, Deal.value,
          Deal.id),
    Index("ix_dsc_kpi_to_stage", DealStageChange.workspace_id, DealStageChange.to_stage_id,
          DealStageChange.changed_at, DealStageChange.deal_id, DealStageChange.from_stage_id),
    Index("ix_companies_kpi_created", Company.workspace_id, Company.created_at,
          Company.fit_tier),
    # results by fit on SQLite (kpis.closed_deals.closed_by_fit): the distinct fits of the
    # workspace's companies, then for each one the range of its deals closed in the period
    # (0009)
    Index("ix_companies_kpi_fit", Company.workspace_id, Company.fit_tier, Company.fit_icp_id,
          Company.fit_results),
    Index("ix_deals_kpi_fit", Deal.workspace_id, Deal.company_fit_tier,
          Deal.company_fit_icp_id, Deal.company_fit_results, Deal.closed_at, Deal.stage_id,
          Deal.value, Deal.created_at),
)
