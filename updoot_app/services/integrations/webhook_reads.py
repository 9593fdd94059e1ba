"""Reading webhooks and their delivery log (never the secret)."""

from __future__ import annotations

from sqlalchemy import func
from sqlmodel import Session, select

from updoot_app.models import Webhook, WebhookDelivery
from updoot_app.services.integrations.webhook_events import EVENT_LABELS
from updoot_app.services.platform.validation import clean_paging
from updoot_app.services.platform.workspace_rows import get_in_workspace


def webhook_dict(row: Webhook) -> dict:
    return {"id": row.id, "url": row.url, "description": row.description,
            "events": list(row.events or []), "enabled": row.enabled,
            "disabled_reason": row.disabled_reason,
            "consecutive_failures": row.consecutive_failures,
            "created_at": row.created_at, "updated_at": row.updated_at}


def delivery_dict(row: WebhookDelivery) -> dict:
    return {"id": row.id, "event_id": row.event_id, "type": row.event_type,
            "label": EVENT_LABELS.get(row.event_type, "Test event"),
            # "sending" is internal: an attempt under way is still queued to the reader
            "status": "queued" if row.status == "sending" else row.status,
            "attempts": row.attempts, "response_status": row.response_status,
            "last_error": row.last_error, "created_at": row.created_at,
            "delivered_at": row.delivered_at,
            "next_attempt_at": row.next_attempt_at if row.status == "queued" else None}


def list_webhooks(session: Session, workspace_id: int) -> list[dict]:
    rows = session.exec(select(Webhook).where(Webhook.workspace_id == workspace_id)
                        .order_by(Webhook.id))
    return [webhook_dict(r) for r in rows]


def get_webhook(session: Session, workspace_id: int, webhook_id: object) -> Webhook:
    return get_in_workspace(session, Webhook, workspace_id, webhook_id, "Webhook", "webhook_id")


def one_webhook(session: Session, workspace_id: int, webhook_id: object) -> dict:
    return webhook_dict(get_webhook(session, workspace_id, webhook_id))


def list_deliveries(session: Session, workspace_id: int, webhook_id: object, *,
                    page: object = 1, page_size: object = 25) -> tuple[list[dict], int]:
    """The delivery log of one endpoint, newest first; (rows, total)."""
    hook = get_webhook(session, workspace_id, webhook_id)
    page, page_size = clean_paging(page, page_size)
    query = select(WebhookDelivery).where(WebhookDelivery.webhook_id == hook.id)
    total = session.exec(select(func.count()).select_from(WebhookDelivery)
                         .where(WebhookDelivery.webhook_id == hook.id)).one()
    rows = session.exec(query.order_by(WebhookDelivery.id.desc())
                        .offset((page - 1) * page_size).limit(page_size))
    return [delivery_dict(r) for r in rows], total
