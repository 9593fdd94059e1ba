"""The append-only activity log."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Column
from sqlmodel import Field, SQLModel

from updoot_app.models.types import utcnow


class Activity(SQLModel, table=True):
    __tablename__ = "activities"
    id: int | None = Field(default=None, primary_key=True)
    workspace_id: int = Field(foreign_key="workspaces.id", index=True, ondelete="CASCADE")
    user_id: int | None = Field(default=None, foreign_key="users.id", ondelete="SET NULL")
    action: str = Field(max_length=64)
    entity_type: str = Field(max_length=32)
    entity_id: int | None = None
    summary: str = Field(default="", max_length=500)
    detail: dict = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    created_at: datetime = Field(default_factory=utcnow, index=True)
