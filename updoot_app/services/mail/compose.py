"""An outbox row as an RFC 5322 message, built with the standard email package."""

from __future__ import annotations

import uuid
from email.message import EmailMessage
from email.utils import format_datetime

from updoot_app.models import OutboxMessage
from updoot_app.models.types import utcnow
from updoot_app.services.platform.clock import aware


def new_message_id(domain: str) -> str:
    """A stable Message-ID, chosen when the message is queued: every attempt
    carries the same one, so a receiver can tell a retry from a new message."""
    return f"<updoot.{uuid.uuid4().hex}@{domain}>"


def split_addresses(joined: str) -> list[str]:
    return [a for a in joined.split(",") if a]


def build(row: OutboxMessage) -> EmailMessage:
    message = EmailMessage()
    message["From"] = row.mail_from
    message["To"] = ", ".join(split_addresses(row.to_addrs))
    if row.cc_addrs:
        message["Cc"] = ", ".join(split_addresses(row.cc_addrs))
    message["Subject"] = row.subject
    message["Message-ID"] = row.message_id
    message["Date"] = format_datetime(aware(row.created_at) or utcnow())
    if row.kind in ("reminder", "recurring"):
        message["Auto-Submitted"] = "auto-generated"  # RFC 3834: no auto-replies to it
    message.set_content(row.body)
    if row.attachment is not None:
        message.add_attachment(row.attachment, maintype="application", subtype="pdf",
                               filename=row.attachment_name or "document.pdf")
    return message
