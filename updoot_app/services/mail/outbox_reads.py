"""Reading the outbox: a workspace's messages, one message, a document's history."""

from __future__ import annotations

from sqlalchemy import func
from sqlmodel import Session, select

from updoot_app.models import OutboxMessage
from updoot_app.services.mail.compose import split_addresses
from updoot_app.services.platform.clock import aware
from updoot_app.services.platform.validation import clean_paging
from updoot_app.services.platform.workspace_rows import get_in_workspace

STATUS_LABELS = {"queued": "Queued", "sending": "Sending", "sent": "Sent", "failed": "Failed"}


def _iso(moment) -> str | None:
    return aware(moment).isoformat() if moment else None


def message_dict(row: OutboxMessage) -> dict:
    """The API's shape (`status` is queued | sent | failed: "sending" shows as queued)."""
    if row.quote_id is not None:
        document = {"type": "quote", "id": row.quote_id, "number": row.document_number}
    elif row.invoice_id is not None:
        document = {"type": "invoice", "id": row.invoice_id, "number": row.document_number}
    else:
        document = None
    return {
        "id": row.id, "status": "queued" if row.status == "sending" else row.status,
        "kind": row.kind, "to": split_addresses(row.to_addrs),
        "cc": split_addresses(row.cc_addrs), "subject": row.subject, "document": document,
        "attempts": row.attempts, "last_error": row.last_error,
        "sent_at": _iso(row.sent_at), "created_at": _iso(row.created_at),
        "message_id": row.message_id,
    }


def get_message(session: Session, workspace_id: int, outbox_id: object) -> dict:
    return message_dict(get_in_workspace(session, OutboxMessage, workspace_id, outbox_id,
                                         "Message", "outbox_id"))


def list_messages(session: Session, workspace_id: int, *, page: object = 1,
                  page_size: object = 50) -> tuple[list[dict], int]:
    page_no, size = clean_paging(page, page_size)
    where = OutboxMessage.workspace_id == workspace_id
    total = session.exec(select(func.count()).select_from(OutboxMessage).where(where)).one()
    rows = session.exec(select(OutboxMessage).where(where)
                        .order_by(OutboxMessage.created_at.desc(), OutboxMessage.id.desc())
                        .offset((page_no - 1) * size).limit(size)).all()
    return [message_dict(r) for r in rows], total


def history_of(session: Session, workspace_id: int, *, quote_id: int | None = None,
               invoice_id: int | None = None) -> list[dict]:
    """A document's messages, newest first (for its page's mail history)."""
    query = select(OutboxMessage).where(OutboxMessage.workspace_id == workspace_id)
    if quote_id is not None:
        query = query.where(OutboxMessage.quote_id == quote_id)
    elif invoice_id is not None:
        query = query.where(OutboxMessage.invoice_id == invoice_id)
    else:
        return []
    rows = session.exec(query.order_by(OutboxMessage.created_at.desc(),
                                       OutboxMessage.id.desc())).all()
    return [message_dict(r) for r in rows]
