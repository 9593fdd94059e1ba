"""Which actions become which webhook events, and writing the deliveries.

The events are the activity log's actions (services/platform/activity.py):
`install()` registers `on_activity` as a listener there, so every `log`/`append`
of a mapped action writes one `webhook_deliveries` row per enabled endpoint of the
workspace that chose that event type, IN THE SAME TRANSACTION (the action and its
deliveries commit or roll back together), and hands the rows to the job queue
after COMMIT.

Why the listener is installed by the job queue (updoot_app/jobs/tasks.py) and not
by this module's import: platform cannot import integrations, and nothing below
the job queue is imported by every writing process. The web server, `updoot
jobs` and every CLI command import updoot_app.jobs (the server for its consumer,
the CLI through cli_jobs), so each process that writes has it; tests of services
alone install it themselves.

Why the body is composed at the first attempt (webhook_delivery.py) and not here:
a deal move, the pipeline's most frequent write, runs on a bare driver
transaction where only prepared statements may run (db.connection_scope), and
the API's resource dicts are ORM reads. The listener therefore costs one
prepared SELECT (the workspace's enabled endpoints) and, only when one wants
the event, one INSERT; the body (the resource as the API shows it just after
the action) is built once by the first attempt and resent unchanged.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable

from sqlalchemy import Connection, bindparam, insert, select
from sqlmodel import Session

from updoot_app import db
from updoot_app.models import Invoice, Webhook, WebhookDelivery
from updoot_app.models.types import utcnow
from updoot_app.prepared import Prepared
from updoot_app.services.platform import activity

# --- the event types ----------------------------------------------------------------------

EVENT_LABELS = {
    "company.created": "Company created",
    "company.updated": "Company updated",
    "deal.created": "Deal created",
    "deal.stage_changed": "Deal moved to another stage",
    "deal.won": "Deal won",
    "deal.lost": "Deal lost",
    "quote.sent": "Quote sent",
    "quote.accepted": "Quote accepted",
    "invoice.finalised": "Invoice finalised",
    "invoice.paid": "Invoice paid in full",
    "invoice.overdue": "Invoice overdue",
    "payment.recorded": "Payment recorded",
}
EVENT_TYPES = tuple(EVENT_LABELS)
TEST_EVENT = "webhook.test"

# action of the activity log -> event types (deal moves and payments add more below)
ACTION_EVENTS = {
    "company.create": ("company.created",),
    "company.update": ("company.updated",),
    "deal.create": ("deal.created",),
    "deal.move": ("deal.stage_changed",),
    "quote.send": ("quote.sent",),
    "quote.accept": ("quote.accepted",),
    "invoice.send": ("invoice.finalised",),
    "invoice.payment": ("payment.recorded",),
}


def event_types(bind: Session | Connection, values: dict) -> list[str]:
    """The event types an activity entry stands for (none for most actions)."""
    action = values["action"]
    types = list(ACTION_EVENTS.get(action, ()))
    if action == "deal.move":
        kind = (values.get("detail") or {}).get("to_kind")
        if kind in ("won", "lost"):
            types.append(f"deal.{kind}")
    elif action in ("invoice.payment", "invoice.send") and isinstance(bind, Session):
        invoice = bind.get(Invoice, values["entity_id"])
        if invoice is not None and invoice.status == "paid":
            types.append("invoice.paid")
    return types


# --- handing deliveries to the job queue --------------------------------------------------

_dispatcher: Callable[[int], None] | None = None


def set_dispatcher(dispatcher: Callable[[int], None] | None) -> None:
    """The job queue registers itself here (like services/mail/dispatch.py)."""
    global _dispatcher
    _dispatcher = dispatcher


def hand_over(bind: Session | Connection, delivery_ids: list[int]) -> None:
    """After COMMIT, give the rows to the queue; without one (or if the hand-over is
    lost) the sweep picks them up."""
    if _dispatcher is None or not delivery_ids:
        return
    dispatcher = _dispatcher

    def send() -> None:
        for delivery_id in delivery_ids:
            dispatcher(delivery_id)

    if isinstance(bind, Session):
        db.call_after_commit(bind, send)
    else:
        db.call_after_commit_on(bind, send)


# --- the listener -------------------------------------------------------------------------

_W, _D = Webhook.__table__, WebhookDelivery.__table__
_ENDPOINTS = Prepared(select(_W.c.id, _W.c.events)
                      .where(_W.c.workspace_id == bindparam("ws"),
                             _W.c.enabled == bindparam("enabled")))
_INSERT = Prepared(insert(_D).values(
    workspace_id=bindparam("ws"), webhook_id=bindparam("webhook_id"),
    event_id=bindparam("event_id"), event_type=bindparam("event_type"),
    entity_type=bindparam("entity_type"), entity_id=bindparam("entity_id"), body="",
    dedupe_key=bindparam("dedupe_key"), status="queued", attempts=0,
    next_attempt_at=bindparam("at"), created_at=bindparam("at")).returning(_D.c.id))


def new_event_id() -> str:
    return f"msg_{secrets.token_urlsafe(18)}"


def write_deliveries(bind: Session | Connection, *, workspace_id: int, types: list[str],
                     entity_type: str, entity_id: int | None, at,
                     dedupe: str | None = None) -> list[int]:
    """One queued delivery per enabled endpoint of the workspace and type it chose,
    in the caller's transaction; the ids, handed to the queue after COMMIT."""
    conn = bind.connection() if isinstance(bind, Session) else bind
    endpoints = _ENDPOINTS.all(conn, {"ws": workspace_id, "enabled": True})
    ids = []
    for webhook_id, chosen in endpoints:
        for event_type in types:
            if event_type in (chosen or ()):
                key = f"{dedupe}:{webhook_id}" if dedupe else None
                ids.append(_INSERT.first(conn, {
                    "ws": workspace_id, "webhook_id": webhook_id,
                    "event_id": new_event_id(), "event_type": event_type,
                    "entity_type": entity_type, "entity_id": entity_id,
                    "dedupe_key": key, "at": at})[0])
    hand_over(bind, ids)
    return ids


def write_one(session: Session, webhook: Webhook, event_type: str, entity_type: str,
              entity_id: int | None, dedupe_key: str | None = None) -> int:
    """One delivery to one endpoint, whatever events it chose (a test event, an
    overdue invoice); handed to the queue after COMMIT."""
    delivery_id = _INSERT.first(session.connection(), {
        "ws": webhook.workspace_id, "webhook_id": webhook.id, "event_id": new_event_id(),
        "event_type": event_type, "entity_type": entity_type, "entity_id": entity_id,
        "dedupe_key": dedupe_key, "at": utcnow()})[0]
    hand_over(session, [delivery_id])
    return delivery_id


def write_test(session: Session, webhook: Webhook) -> int:
    """A `webhook.test` delivery to one endpoint."""
    return write_one(session, webhook, TEST_EVENT, "webhook", webhook.id)


def on_activity(bind: Session | Connection, values: dict) -> None:
    types = event_types(bind, values)
    if types:
        write_deliveries(bind, workspace_id=values["workspace_id"], types=types,
                         entity_type=values["entity_type"], entity_id=values["entity_id"],
                         at=values["created_at"])


def install() -> bool:
    """Register the listener; whether it was registered already."""
    present = activity.has_listener(on_activity)
    activity.add_listener(on_activity)
    return present


def uninstall() -> None:
    activity.remove_listener(on_activity)
