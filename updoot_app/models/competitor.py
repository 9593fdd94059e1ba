"""Competitors (battlecards) and the deal–competitor link ("competitor present")."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Column, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from updoot_app.models.types import utcnow

# The long battlecard fields, Markdown text (rendered safely, see services/platform/markdown_safe.py).
MARKDOWN_FIELDS = ("strengths", "weaknesses", "where_they_win", "gaps", "pricing_notes",
                   "talk_track")


class Competitor(SQLModel, table=True):
    __tablename__ = "competitors"
    id: int | None = Field(default=None, primary_key=True)
    workspace_id: int = Field(foreign_key="workspaces.id", index=True, ondelete="CASCADE")
    name: str = Field(max_length=120)
    website: str = Field(default="", max_length=300)
    # Who they target, in the ICP criteria vocabulary:
    # {"industries": [...], "employees_min": int|None, "employees_max": int|None,
    #  "geography": [...], "segments": [...]}
    target: dict = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    strengths: str = Field(default="", sa_column=Column(Text, nullable=False))
    weaknesses: str = Field(default="", sa_column=Column(Text, nullable=False))
    where_they_win: str = Field(default="", sa_column=Column(Text, nullable=False))
    gaps: str = Field(default="", sa_column=Column(Text, nullable=False))
    pricing_notes: str = Field(default="", sa_column=Column(Text, nullable=False))
    talk_track: str = Field(default="", sa_column=Column(Text, nullable=False))
    reviewed_at: datetime | None = None
    reviewed_by: int | None = Field(default=None, foreign_key="users.id", ondelete="SET NULL")
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)


class DealCompetitor(SQLModel, table=True):
    __tablename__ = "deal_competitors"
    __table_args__ = (UniqueConstraint("deal_id", "competitor_id",
                                       name="uq_deal_competitors_deal_competitor"),)
    id: int | None = Field(default=None, primary_key=True)
    workspace_id: int = Field(foreign_key="workspaces.id", index=True, ondelete="CASCADE")
    deal_id: int = Field(foreign_key="deals.id", index=True, ondelete="CASCADE")
    competitor_id: int = Field(foreign_key="competitors.id", index=True, ondelete="CASCADE")
    created_at: datetime = Field(default_factory=utcnow)
    created_by: int | None = Field(default=None, foreign_key="users.id", ondelete="SET NULL")
