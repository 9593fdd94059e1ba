"""Workspace archives an owner asked for in Settings: one row per request, the
record the job queue works from and the page polls (services/archive/archive_jobs.py)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Column, Index, Integer
from sqlmodel import Field, SQLModel

from updoot_app.models.types import utcnow

# queued -> running -> done | failed. A done row's file is deleted when it expires.
EXPORT_STATUSES = ("queued", "running", "done", "failed")


class ArchiveExport(SQLModel, table=True):
    """One archive of one workspace. `active_workspace_id` is the workspace's id
    while the row is queued or running and NULL afterwards: its unique constraint
    is what keeps a workspace at one archive in the making, whatever races."""

    __tablename__ = "archive_exports"
    __table_args__ = (Index("ix_archive_exports_status_updated", "status", "updated_at"),)
    id: int | None = Field(default=None, primary_key=True)
    workspace_id: int = Field(foreign_key="workspaces.id", index=True, ondelete="CASCADE")
    created_by: int | None = Field(default=None, foreign_key="users.id", ondelete="SET NULL")
    active_workspace_id: int | None = Field(
        default=None, sa_column=Column(Integer, unique=True, nullable=True))
    status: str = Field(default="queued", max_length=10)
    files_done: int = Field(default=0)
    files_total: int = Field(default=0)
    rows_written: int = Field(default=0)
    file_path: str | None = Field(default=None, max_length=500)
    file_size: int | None = None
    error: str | None = Field(default=None, max_length=1000)
    created_at: datetime = Field(default_factory=utcnow)
    # Moved on by every progress report: a running row whose updated_at is older
    # than the lease was left by a worker that died.
    updated_at: datetime = Field(default_factory=utcnow)
    started_at: datetime | None = None
    finished_at: datetime | None = None
    expires_at: datetime | None = None
