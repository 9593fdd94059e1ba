"""Helpers shared by the mail tests."""

from __future__ import annotations

import io
import re

from pypdf import PdfReader
from sqlmodel import select

from updoot_app import db
from updoot_app.models import OutboxMessage
from updoot_app.services.mail import delivery


def outbox_rows(workspace_id: int | None = None) -> list[OutboxMessage]:
    with db.session_scope() as s:
        query = select(OutboxMessage).order_by(OutboxMessage.id)
        if workspace_id is not None:
            query = query.where(OutboxMessage.workspace_id == workspace_id)
        return list(s.exec(query))


def deliver_all() -> list[delivery.Outcome]:
    return [delivery.deliver(i) for i in delivery.due_message_ids()]


def pdf_text(message) -> tuple[str, str]:
    """(file name, text) of the message's one PDF attachment."""
    parts = [p for p in message.iter_attachments() if p.get_content_type() == "application/pdf"]
    assert len(parts) == 1, f"expected one PDF attachment, got {len(parts)}"
    data = parts[0].get_content()
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)
    return parts[0].get_filename(), text


def link_in(body: str) -> str:
    match = re.search(r"https?://\S+/q/\S+", body)
    assert match, f"no public quote link in {body!r}"
    return match.group(0)
