"""The JSON body of a delivery: {"id", "type", "timestamp", "data"}, where data is
the resource as the REST API shows it (the same dict functions and money
strings), read when the delivery is first attempted (webhook_events.py says why).
A resource deleted in between is sent as {"id": ..., "deleted": true}."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date, datetime

from sqlmodel import Session

from updoot_app.models import Company, Deal, Invoice, Quote, WebhookDelivery
from updoot_app.services.billing import invoices, quotes
from updoot_app.services.crm import companies, deal_reads
from updoot_app.services.platform.api_json import to_json

_RESOURCES: dict[str, tuple[type, Callable[[Session, object], dict]]] = {
    "company": (Company, companies.company_dict),
    "deal": (Deal, deal_reads.deal_dict),
    "quote": (Quote, quotes.quote_dict),
    "invoice": (Invoice, invoices.invoice_dict),
}


def _plain(value: object) -> str:
    if isinstance(value, datetime | date):
        return value.isoformat()
    raise TypeError(f"not JSON: {type(value).__name__}")


def resource(session: Session, row: WebhookDelivery) -> dict:
    if row.entity_type == "webhook":
        return {"webhook_id": row.webhook_id,
                "message": "A test event sent from Updoot: this endpoint is reachable."}
    model, as_dict = _RESOURCES[row.entity_type]
    found = session.get(model, row.entity_id) if row.entity_id is not None else None
    if found is None or found.workspace_id != row.workspace_id:
        return {"id": row.entity_id, "deleted": True}
    return to_json(as_dict(session, found))


def compose(session: Session, row: WebhookDelivery) -> str:
    payload = {"id": row.event_id, "type": row.event_type,
               "timestamp": row.created_at.isoformat(), "data": resource(session, row)}
    return json.dumps(payload, default=_plain, separators=(",", ":"), sort_keys=True)
