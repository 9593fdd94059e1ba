"""Mail that goes out on a schedule: payment reminders (a workspace's steps, and
the record of each step per invoice) and recurring invoices (a schedule, and the
record of each run)."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Column, Index, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from updoot_app.models.types import utcnow

RECURRING_FREQUENCIES = ("monthly", "quarterly", "yearly")
RECURRING_STATUSES = ("active", "paused", "ended")
# "queued": the reminder is in the outbox; "skipped": a later step was already due
# when this one's turn came (services/mail/reminders.py says why it is not sent).
REMINDER_OUTCOMES = ("queued", "skipped")


class ReminderSettings(SQLModel, table=True):
    """Whether a workspace sends payment reminders (no row: off)."""

    __tablename__ = "reminder_settings"
    workspace_id: int = Field(foreign_key="workspaces.id", primary_key=True, ondelete="CASCADE")
    enabled: bool = Field(default=False)
    updated_at: datetime = Field(default_factory=utcnow)


class ReminderStep(SQLModel, table=True):
    """One step of a workspace's reminder schedule: days from the due date
    (negative: before it) and its own subject and message templates."""

    __tablename__ = "reminder_steps"
    __table_args__ = (UniqueConstraint("workspace_id", "offset_days",
                                       name="uq_reminder_steps_ws_offset"),)
    id: int | None = Field(default=None, primary_key=True)
    workspace_id: int = Field(foreign_key="workspaces.id", ondelete="CASCADE")
    offset_days: int
    subject: str = Field(max_length=300)
    message: str = Field(sa_column=Column(Text, nullable=False))


class ReminderSend(SQLModel, table=True):
    """A step done for an invoice, sent or skipped: unique per (invoice, offset),
    so a step is never sent twice, whatever worker runs the pass and however
    the schedule's rows are edited (a step is known by its offset)."""

    __tablename__ = "reminder_sends"
    __table_args__ = (UniqueConstraint("invoice_id", "offset_days",
                                       name="uq_reminder_sends_invoice_offset"),
                      Index("ix_reminder_sends_ws", "workspace_id"))
    id: int | None = Field(default=None, primary_key=True)
    workspace_id: int = Field(foreign_key="workspaces.id", ondelete="CASCADE")
    invoice_id: int = Field(foreign_key="invoices.id", ondelete="CASCADE")
    offset_days: int
    outcome: str = Field(default="queued", max_length=10)
    outbox_id: int | None = Field(default=None, foreign_key="outbox_messages.id",
                                  ondelete="SET NULL")
    run_date: date
    created_at: datetime = Field(default_factory=utcnow)


class RecurringInvoice(SQLModel, table=True):
    """A schedule that makes a new invoice from `source_invoice_id` every period.

    The n-th run (from 0) falls on start_date + n periods, counted from the start
    each time, so a schedule that starts on Jan 31 runs on Feb 28, then Mar 31."""

    __tablename__ = "recurring_invoices"
    __table_args__ = (Index("ix_recurring_status_next", "status", "next_run_date"),
                      Index("ix_recurring_ws", "workspace_id"))
    id: int | None = Field(default=None, primary_key=True)
    workspace_id: int = Field(foreign_key="workspaces.id", ondelete="CASCADE")
    source_invoice_id: int = Field(foreign_key="invoices.id", ondelete="CASCADE")
    frequency: str = Field(max_length=10)
    start_date: date
    end_date: date | None = None
    max_count: int | None = None
    email_each: bool = Field(default=False)
    status: str = Field(default="active", max_length=10)
    runs_done: int = Field(default=0)
    next_run_date: date | None = None   # None once ended
    created_by: int | None = Field(default=None, foreign_key="users.id", ondelete="SET NULL")
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)


class RecurringRun(SQLModel, table=True):
    """One period of a schedule, done: the unique (schedule, run date) is what
    makes a run happen once, whatever worker gets there first."""

    __tablename__ = "recurring_runs"
    __table_args__ = (UniqueConstraint("schedule_id", "run_date",
                                       name="uq_recurring_runs_schedule_date"),)
    id: int | None = Field(default=None, primary_key=True)
    workspace_id: int = Field(foreign_key="workspaces.id", ondelete="CASCADE")
    schedule_id: int = Field(foreign_key="recurring_invoices.id", ondelete="CASCADE")
    run_date: date
    invoice_id: int | None = Field(default=None, foreign_key="invoices.id", index=True,
                                   ondelete="SET NULL")
    outbox_id: int | None = Field(default=None, foreign_key="outbox_messages.id",
                                  ondelete="SET NULL")
    note: str = Field(default="", max_length=300)
    created_at: datetime = Field(default_factory=utcnow)
