"""The buying committee of a deal: which contacts take part in it."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import UniqueConstraint
from sqlmodel import Field, SQLModel

from updoot_app.models.types import utcnow


class DealContact(SQLModel, table=True):
    __tablename__ = "deal_contacts"
    __table_args__ = (UniqueConstraint("deal_id", "contact_id", name="uq_deal_contacts_pair"),)
    id: int | None = Field(default=None, primary_key=True)
    workspace_id: int = Field(foreign_key="workspaces.id", index=True, ondelete="CASCADE")
    deal_id: int = Field(foreign_key="deals.id", index=True, ondelete="CASCADE")
    contact_id: int = Field(foreign_key="contacts.id", index=True, ondelete="CASCADE")
    created_at: datetime = Field(default_factory=utcnow)
