"""Outgoing email: the outbox (one row per message, the delivery record) and each
workspace's mail templates."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Column, Index, LargeBinary, String, Text
from sqlmodel import Field, SQLModel

from updoot_app.models.types import utcnow

# "sending" is internal (an attempt is under way); the API shows it as "queued".
OUTBOX_STATUSES = ("queued", "sending", "sent", "failed")
OUTBOX_KINDS = ("document", "reminder", "recurring", "test", "digest")


class OutboxMessage(SQLModel, table=True):
    """A message as it will go out, written in the transaction that asked for it.

    Everything needed to send it is stored (addresses, text, the PDF), so a retry
    sends exactly the same message, with the same Message-ID. `dedupe_key` (unique
    when set) is how reminders and recurring runs are sent once per step/period.
    """

    __tablename__ = "outbox_messages"
    __table_args__ = (Index("ix_outbox_ws_created", "workspace_id", "created_at"),
                      Index("ix_outbox_status_next", "status", "next_attempt_at"))
    id: int | None = Field(default=None, primary_key=True)
    workspace_id: int = Field(foreign_key="workspaces.id", ondelete="CASCADE")
    kind: str = Field(default="document", max_length=12)
    quote_id: int | None = Field(default=None, foreign_key="quotes.id", index=True,
                                 ondelete="SET NULL")
    invoice_id: int | None = Field(default=None, foreign_key="invoices.id", index=True,
                                   ondelete="SET NULL")
    document_number: str = Field(default="", max_length=40)
    mail_from: str = Field(max_length=320)
    to_addrs: str = Field(sa_column=Column(Text, nullable=False))   # comma-separated
    cc_addrs: str = Field(default="", sa_column=Column(Text, nullable=False, server_default=""))
    subject: str = Field(max_length=300)
    body: str = Field(sa_column=Column(Text, nullable=False))
    attachment_name: str | None = Field(default=None, max_length=200)
    attachment: bytes | None = Field(default=None, sa_column=Column(LargeBinary, nullable=True))
    message_id: str = Field(sa_column=Column(String(200), unique=True, nullable=False))
    dedupe_key: str | None = Field(
        default=None, sa_column=Column(String(200), unique=True, nullable=True))
    status: str = Field(default="queued", max_length=10)
    attempts: int = Field(default=0)
    next_attempt_at: datetime = Field(default_factory=utcnow)
    claimed_at: datetime | None = None
    sent_at: datetime | None = None
    last_error: str | None = Field(default=None, max_length=1000)
    created_by: int | None = Field(default=None, foreign_key="users.id", ondelete="SET NULL")
    created_at: datetime = Field(default_factory=utcnow)


class MailSettings(SQLModel, table=True):
    """A workspace's templates for documents sent by email (placeholders in
    services/mail/templates.py). No row: the defaults apply."""

    __tablename__ = "mail_settings"
    workspace_id: int = Field(foreign_key="workspaces.id", primary_key=True, ondelete="CASCADE")
    quote_subject: str = Field(default="", max_length=300)
    quote_body: str = Field(default="", sa_column=Column(Text, nullable=False, server_default=""))
    invoice_subject: str = Field(default="", max_length=300)
    invoice_body: str = Field(default="",
                              sa_column=Column(Text, nullable=False, server_default=""))
    updated_at: datetime = Field(default_factory=utcnow)
