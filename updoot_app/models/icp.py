"""Ideal Customer Profiles, their versions, and personas.

An ``Icp`` is the stable identity (name, kind, active flag, pain points); its
scoring model lives in ``IcpVersion.payload`` (the API shape that
``parse_icp`` of services/profiles/ takes). Every change adds a version;
``Icp.current_version_id`` points at the one in force.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Column, UniqueConstraint
from sqlmodel import Field, SQLModel

from updoot_app.models.types import utcnow

ICP_KINDS = ("b2b", "b2c")
BUYING_ROLES = ("economic_buyer", "champion", "user", "technical_evaluator", "blocker")


class Icp(SQLModel, table=True):
    __tablename__ = "icps"
    id: int | None = Field(default=None, primary_key=True)
    workspace_id: int = Field(foreign_key="workspaces.id", index=True, ondelete="CASCADE")
    name: str = Field(max_length=120)
    kind: str = Field(default="b2b", max_length=8)
    is_active: bool = Field(default=True)
    current_version_id: int | None = None
    pain_points: list = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)


class IcpVersion(SQLModel, table=True):
    __tablename__ = "icp_versions"
    __table_args__ = (UniqueConstraint("icp_id", "number", name="uq_icp_versions_icp_number"),)
    id: int | None = Field(default=None, primary_key=True)
    workspace_id: int = Field(foreign_key="workspaces.id", index=True, ondelete="CASCADE")
    icp_id: int = Field(foreign_key="icps.id", index=True, ondelete="CASCADE")
    number: int
    payload: dict = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    created_at: datetime = Field(default_factory=utcnow)
    created_by: int | None = Field(default=None, foreign_key="users.id", ondelete="SET NULL")


class Persona(SQLModel, table=True):
    __tablename__ = "personas"
    id: int | None = Field(default=None, primary_key=True)
    workspace_id: int = Field(foreign_key="workspaces.id", index=True, ondelete="CASCADE")
    icp_id: int = Field(foreign_key="icps.id", index=True, ondelete="CASCADE")
    name: str = Field(max_length=120)
    role_title: str = Field(max_length=150)
    seniority: str = Field(default="", max_length=60)
    demographics: str = Field(default="", max_length=1000)
    background: str = Field(default="", max_length=2000)
    goals: list = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    motivations: str = Field(default="", max_length=2000)
    challenges: list = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    channels: list = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    objections: list = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    buying_role: str = Field(default="user", max_length=32)
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)
