"""/webhooks: endpoints that receive the workspace's events (owners and admins).

POST   /webhooks {"url": "https://example.com/hooks", "events": ["deal.won"],
                  "description": "CRM sync"}
       -> 201 {"id", "url", "events", "enabled", ..., "secret": "whsec_..."}
       The secret is in this answer only: no later call returns it.
GET    /webhooks                 every endpoint of the workspace (never a secret)
GET    /webhooks/{id}            one; "disabled_reason" says why it was turned off
PATCH  /webhooks/{id} {"url"?, "events"?, "description"?, "enabled"?}
DELETE /webhooks/{id}            -> 204 (its delivery log goes with it)
GET    /webhooks/{id}/deliveries?page=&page_size=
       the delivery log, newest first: {"id", "event_id", "type", "status":
       "queued"|"delivered"|"failed", "attempts", "response_status", "last_error", ...}
POST   /webhooks/{id}/test       -> 202 {"delivery_id": N}: a "webhook.test" event
Event types: services/integrations/webhook_events.py EVENT_LABELS. Members and
viewers get 403; another workspace's webhook is 404.
"""

from __future__ import annotations

from fastapi import APIRouter, Depends, Response
from sqlmodel import Session

from updoot_app import db
from updoot_app.api.deps import SessionRoute, role
from updoot_app.api.routes_companies import DB, Body, paged, to_json
from updoot_app.services.identity.access import Principal
from updoot_app.services.integrations import webhook_reads, webhooks

router = APIRouter(tags=["webhooks"], route_class=SessionRoute)
ADMIN = Depends(role("admin"))


class WebhookIn(Body):
    url: str | None = None
    events: list[str] | None = None
    description: str | None = None
    enabled: bool | None = None


@router.post("/webhooks", status_code=201)
def create_webhook(body: WebhookIn, p: Principal = ADMIN) -> dict:
    with db.write_scope() as session:
        created = webhooks.create_webhook(session, p, body.model_dump(exclude_unset=True))
        return {**to_json(webhook_reads.webhook_dict(created.webhook)),
                "secret": created.secret}


@router.get("/webhooks")
def list_webhooks(p: Principal = ADMIN, session: Session = DB) -> dict:
    rows = webhook_reads.list_webhooks(session, p.workspace_id)
    return {"items": to_json(rows), "total": len(rows)}


@router.get("/webhooks/{webhook_id}")
def get_webhook(webhook_id: int, p: Principal = ADMIN, session: Session = DB) -> dict:
    return to_json(webhook_reads.one_webhook(session, p.workspace_id, webhook_id))


@router.patch("/webhooks/{webhook_id}")
def update_webhook(webhook_id: int, body: WebhookIn, p: Principal = ADMIN) -> dict:
    with db.write_scope() as session:
        row = webhooks.update_webhook(session, p, webhook_id,
                                      body.model_dump(exclude_unset=True))
        return to_json(webhook_reads.webhook_dict(row))


@router.delete("/webhooks/{webhook_id}", status_code=204)
def delete_webhook(webhook_id: int, p: Principal = ADMIN, session: Session = DB) -> Response:
    webhooks.delete_webhook(session, p, webhook_id)
    return Response(status_code=204)


@router.get("/webhooks/{webhook_id}/deliveries")
def list_deliveries(webhook_id: int, p: Principal = ADMIN, session: Session = DB,
                    page: int = 1, page_size: int = 25) -> dict:
    rows, total = webhook_reads.list_deliveries(session, p.workspace_id, webhook_id,
                                                page=page, page_size=page_size)
    return paged(rows, total, page, page_size)


@router.post("/webhooks/{webhook_id}/test", status_code=202)
def send_test(webhook_id: int, p: Principal = ADMIN) -> dict:
    with db.write_scope() as session:
        return {"delivery_id": webhooks.send_test(session, p, webhook_id)}
