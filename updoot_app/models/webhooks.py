"""Outgoing webhooks: the endpoints a workspace registered and one row per
delivery (the delivery log, and the record the job queue works from)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Column, Index, String, Text
from sqlmodel import Field, SQLModel

from updoot_app.models.types import utcnow

# "sending" is internal (an attempt is under way); the API shows it as "queued".
DELIVERY_STATUSES = ("queued", "sending", "delivered", "failed")


class Webhook(SQLModel, table=True):
    """An endpoint and the event types it wants. The secret signs every delivery;
    it is shown once, at creation, and never returned again."""

    __tablename__ = "webhooks"
    id: int | None = Field(default=None, primary_key=True)
    workspace_id: int = Field(foreign_key="workspaces.id", index=True, ondelete="CASCADE")
    url: str = Field(max_length=2000)
    description: str = Field(default="", max_length=200)
    events: list = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    secret: str = Field(max_length=100)
    enabled: bool = Field(default=True)
    disabled_reason: str | None = Field(default=None, max_length=500)
    consecutive_failures: int = Field(default=0)
    created_by: int | None = Field(default=None, foreign_key="users.id", ondelete="SET NULL")
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)


class WebhookDelivery(SQLModel, table=True):
    """One event for one endpoint, written in the transaction of the action that
    caused it; `body` is the exact JSON sent (and signed) on every attempt."""

    __tablename__ = "webhook_deliveries"
    __table_args__ = (Index("ix_webhook_deliveries_hook_created", "webhook_id", "created_at"),
                      Index("ix_webhook_deliveries_status_next", "status", "next_attempt_at"))
    id: int | None = Field(default=None, primary_key=True)
    workspace_id: int = Field(foreign_key="workspaces.id", index=True, ondelete="CASCADE")
    webhook_id: int = Field(foreign_key="webhooks.id", ondelete="CASCADE")
    event_id: str = Field(sa_column=Column(String(60), unique=True, nullable=False))
    event_type: str = Field(max_length=40)
    entity_type: str = Field(default="", max_length=20)
    entity_id: int | None = None
    # Empty until the first attempt composes it from the resource (webhook_events.py
    # says why); every later attempt sends the same bytes.
    body: str = Field(default="", sa_column=Column(Text, nullable=False, server_default=""))
    dedupe_key: str | None = Field(
        default=None, sa_column=Column(String(200), unique=True, nullable=True))
    status: str = Field(default="queued", max_length=10)
    attempts: int = Field(default=0)
    next_attempt_at: datetime = Field(default_factory=utcnow)
    claimed_at: datetime | None = None
    delivered_at: datetime | None = None
    response_status: int | None = None
    last_error: str | None = Field(default=None, max_length=1000)
    created_at: datetime = Field(default_factory=utcnow)
