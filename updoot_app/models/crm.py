"""Companies, contacts, pipeline stages, deals, stage history, interactions."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import JSON, Column, Index
from sqlmodel import Field, SQLModel

from updoot_app.models.types import Money, utcnow

STAGE_KINDS = ("open", "won", "lost")
INTERACTION_KINDS = ("call", "email", "meeting", "note", "stage_change")


class Company(SQLModel, table=True):
    __tablename__ = "companies"
    __table_args__ = (
        Index("ix_companies_ws_domain", "workspace_id", "domain"),
        Index("ix_companies_ws_fit", "workspace_id", "fit_score"),
        Index("ix_companies_ws_name", "workspace_id", "name"),
    )
    id: int | None = Field(default=None, primary_key=True)
    workspace_id: int = Field(foreign_key="workspaces.id", index=True, ondelete="CASCADE")
    name: str = Field(max_length=200)
    domain: str | None = Field(default=None, max_length=253)
    industry: str | None = Field(default=None, max_length=100)
    employees: int | None = None
    annual_revenue: Decimal | None = Field(default=None, sa_column=Column(Money))
    country: str | None = Field(default=None, max_length=2)
    tax_id: str | None = Field(default=None, max_length=40)  # VAT/GST number
    billing_address: str = Field(default="", max_length=500)
    tech_stack: list = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    triggers: list = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    tags: list = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    owner_id: int | None = Field(default=None, foreign_key="users.id", ondelete="SET NULL")
    notes: str = Field(default="")
    fit_score: int | None = None
    fit_tier: str | None = Field(default=None, max_length=10, index=True)
    fit_icp_id: int | None = None
    fit_coverage: float | None = None
    fit_results: str | None = Field(default=None, max_length=64)
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)


class Contact(SQLModel, table=True):
    __tablename__ = "contacts"
    id: int | None = Field(default=None, primary_key=True)
    workspace_id: int = Field(foreign_key="workspaces.id", index=True, ondelete="CASCADE")
    company_id: int | None = Field(
        default=None, foreign_key="companies.id", index=True, ondelete="SET NULL"
    )
    first_name: str = Field(max_length=100)
    last_name: str = Field(default="", max_length=100)
    title: str = Field(default="", max_length=150)
    email: str | None = Field(default=None, max_length=320)
    phone: str | None = Field(default=None, max_length=50)
    persona_id: int | None = None
    notes: str = Field(default="")
    created_at: datetime = Field(default_factory=utcnow)


class Stage(SQLModel, table=True):
    __tablename__ = "stages"
    id: int | None = Field(default=None, primary_key=True)
    workspace_id: int = Field(foreign_key="workspaces.id", index=True, ondelete="CASCADE")
    name: str = Field(max_length=60)
    position: int
    probability: int = Field(default=0)
    kind: str = Field(default="open", max_length=8)


class Deal(SQLModel, table=True):
    __tablename__ = "deals"
    __table_args__ = (
        Index("ix_deals_ws_stage", "workspace_id", "stage_id"),
        # the board: per-stage cards in order, and totals read from the index alone
        Index("ix_deals_ws_stage_entered", "workspace_id", "stage_id", "stage_entered_at"),
        Index("ix_deals_ws_stage_totals", "workspace_id", "stage_id", "currency", "value"),
        # Today: open deals most valuable first, read in index order up to a LIMIT
        Index("ix_deals_ws_value", "workspace_id", "value"),
    )
    id: int | None = Field(default=None, primary_key=True)
    workspace_id: int = Field(foreign_key="workspaces.id", index=True, ondelete="CASCADE")
    company_id: int = Field(foreign_key="companies.id", index=True, ondelete="CASCADE")
    title: str = Field(max_length=200)
    value: Decimal = Field(default=Decimal("0"), sa_column=Column(Money, nullable=False))
    currency: str = Field(default="USD", max_length=3)
    stage_id: int = Field(foreign_key="stages.id")
    owner_id: int | None = Field(default=None, foreign_key="users.id", ondelete="SET NULL")
    created_at: datetime = Field(default_factory=utcnow, index=True)
    stage_entered_at: datetime = Field(default_factory=utcnow)
    last_activity_at: datetime = Field(default_factory=utcnow)
    expected_close: date | None = None
    closed_at: datetime | None = None
    lost_reason: str | None = Field(default=None, max_length=300)
    # A copy of the company's fit (tier, ICP, per-criterion results), kept in step by
    # database triggers (migration 0009_deal_fit) whenever a deal is inserted or changes
    # company and whenever a company's fit changes: the KPI results by fit read it from
    # an index instead of joining every closed deal to its company. Read-only for the
    # app (an ORM object does not see what the trigger wrote until it is reloaded).
    company_fit_tier: str | None = Field(default=None, max_length=10)
    company_fit_icp_id: int | None = None
    company_fit_results: str | None = Field(default=None, max_length=64)


class DealStageChange(SQLModel, table=True):
    __tablename__ = "deal_stage_changes"
    id: int | None = Field(default=None, primary_key=True)
    workspace_id: int = Field(foreign_key="workspaces.id", index=True, ondelete="CASCADE")
    deal_id: int = Field(foreign_key="deals.id", index=True, ondelete="CASCADE")
    from_stage_id: int | None = None
    to_stage_id: int
    changed_at: datetime = Field(default_factory=utcnow)
    user_id: int | None = Field(default=None, foreign_key="users.id", ondelete="SET NULL")


class Interaction(SQLModel, table=True):
    __tablename__ = "interactions"
    __table_args__ = (Index("ix_interactions_persona", "workspace_id", "persona_id",
                            "occurred_at"),)
    id: int | None = Field(default=None, primary_key=True)
    workspace_id: int = Field(foreign_key="workspaces.id", index=True, ondelete="CASCADE")
    kind: str = Field(max_length=16)
    company_id: int | None = Field(
        default=None, foreign_key="companies.id", index=True, ondelete="CASCADE"
    )
    contact_id: int | None = Field(
        default=None, foreign_key="contacts.id", index=True, ondelete="CASCADE"
    )
    deal_id: int | None = Field(default=None, foreign_key="deals.id", index=True, ondelete="CASCADE")
    occurred_at: datetime = Field(default_factory=utcnow)
    summary: str = Field(default="", max_length=2000)
    outcome: str = Field(default="", max_length=300)
    user_id: int | None = Field(default=None, foreign_key="users.id", ondelete="SET NULL")
    # What the conversation said about a persona (migration 0016_persona_insights): the
    # persona the contact plays (no foreign key, like contacts.persona_id) and the
    # objections heard; read by crm/persona_insights.
    persona_id: int | None = None
    objections: list = Field(default_factory=list,
                             sa_column=Column(JSON, nullable=False, server_default="[]"))
