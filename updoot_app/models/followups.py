"""Follow-ups (tasks) on companies, contacts and deals; dated buying signals; and
how long a signal of each trigger stays fresh."""

from __future__ import annotations

from datetime import date, datetime, time

from sqlalchemy import Column, Index, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from updoot_app.models.types import utcnow

FOLLOW_UP_KINDS = ("call", "email", "meeting", "todo")
DEFAULT_FRESH_DAYS = 90


class FollowUp(SQLModel, table=True):
    """A next step someone owes: due on a day of the workspace's calendar (its time
    zone), optionally at a time of that day. Open while `done_at` is null."""

    __tablename__ = "follow_ups"
    __table_args__ = (
        # Today: the open ones due by a day, the team's or one assignee's.
        Index("ix_follow_ups_ws_open_due", "workspace_id", "done_at", "due_on"),
        Index("ix_follow_ups_ws_assignee_due", "workspace_id", "assignee_id", "done_at",
              "due_on"),
    )
    id: int | None = Field(default=None, primary_key=True)
    workspace_id: int = Field(foreign_key="workspaces.id", ondelete="CASCADE")
    title: str = Field(max_length=200)
    kind: str = Field(default="todo", max_length=12)
    due_on: date
    due_at: time | None = None
    assignee_id: int | None = Field(default=None, foreign_key="users.id", ondelete="SET NULL")
    company_id: int | None = Field(default=None, foreign_key="companies.id", index=True,
                                   ondelete="CASCADE")
    contact_id: int | None = Field(default=None, foreign_key="contacts.id", index=True,
                                   ondelete="SET NULL")
    deal_id: int | None = Field(default=None, foreign_key="deals.id", index=True,
                                ondelete="CASCADE")
    notes: str = Field(default="", sa_column=Column(Text, nullable=False, server_default=""))
    done_at: datetime | None = None
    done_by: int | None = Field(default=None, foreign_key="users.id", ondelete="SET NULL")
    snoozed_at: datetime | None = None
    created_by: int | None = Field(default=None, foreign_key="users.id", ondelete="SET NULL")
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)


class BuyingSignal(SQLModel, table=True):
    """A trigger that happened to a company on a day ("recent funding" on
    2026-11-30): fresh for its trigger's window, stale after."""

    __tablename__ = "buying_signals"
    __table_args__ = (Index("ix_buying_signals_ws_occurred", "workspace_id", "occurred_on"),)
    id: int | None = Field(default=None, primary_key=True)
    workspace_id: int = Field(foreign_key="workspaces.id", ondelete="CASCADE")
    company_id: int = Field(foreign_key="companies.id", index=True, ondelete="CASCADE")
    trigger: str = Field(max_length=60)
    occurred_on: date
    note: str = Field(default="", max_length=500)
    created_by: int | None = Field(default=None, foreign_key="users.id", ondelete="SET NULL")
    created_at: datetime = Field(default_factory=utcnow)


class TriggerWindow(SQLModel, table=True):
    """How many days a signal of one trigger stays fresh in a workspace (a trigger
    without a row: DEFAULT_FRESH_DAYS). `trigger` is stored lower-case."""

    __tablename__ = "trigger_windows"
    __table_args__ = (UniqueConstraint("workspace_id", "trigger",
                                       name="uq_trigger_windows_ws_trigger"),)
    id: int | None = Field(default=None, primary_key=True)
    workspace_id: int = Field(foreign_key="workspaces.id", index=True, ondelete="CASCADE")
    trigger: str = Field(max_length=60)
    days: int = Field(default=DEFAULT_FRESH_DAYS)


class TodayDigest(SQLModel, table=True):
    """A member who asked for the Today list by email every morning (their own
    list in that workspace, as the page shows it)."""

    __tablename__ = "today_digests"
    __table_args__ = (UniqueConstraint("workspace_id", "user_id",
                                       name="uq_today_digests_ws_user"),)
    id: int | None = Field(default=None, primary_key=True)
    workspace_id: int = Field(foreign_key="workspaces.id", index=True, ondelete="CASCADE")
    user_id: int = Field(foreign_key="users.id", index=True, ondelete="CASCADE")
    created_at: datetime = Field(default_factory=utcnow)
