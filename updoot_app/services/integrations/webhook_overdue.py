"""`invoice.overdue`: no action happens when a due date passes, so a periodic
pass (jobs/tasks.py, hourly) writes one delivery per open invoice whose due date
passed, per endpoint that chose the event, once ever: the delivery's
`dedupe_key` is `overdue:{invoice}:{webhook}` (unique). Only invoices that fell
due while the endpoint existed: a new endpoint is not flooded with old ones.

Takes no session: each endpoint is its own transaction, so a race with another
worker (the unique key refuses the second row) loses one endpoint's pass, which
the next pass redoes."""

from __future__ import annotations

import logging
from datetime import date

from sqlalchemy.exc import IntegrityError
from sqlmodel import select

from updoot_app import db
from updoot_app.models import Invoice, Webhook, WebhookDelivery
from updoot_app.services.billing.invoices import OPEN
from updoot_app.services.integrations.webhook_events import write_one

log = logging.getLogger(__name__)
EVENT = "invoice.overdue"


def _subscribed() -> list[int]:
    with db.session_scope() as session:
        hooks = session.exec(select(Webhook).where(Webhook.enabled.is_(True))).all()
        return [h.id for h in hooks if EVENT in (h.events or ())]


def _pass_for(webhook_id: int, day: date) -> int:
    with db.session_scope(write=True) as session:
        hook = session.get(Webhook, webhook_id)
        if hook is None or not hook.enabled:
            return 0
        due = session.exec(select(Invoice.id).where(
            Invoice.workspace_id == hook.workspace_id, Invoice.status.in_(OPEN),
            Invoice.due_date < day, Invoice.due_date >= hook.created_at.date())).all()
        keys = {f"overdue:{iid}:{hook.id}": iid for iid in due}
        done = set(session.exec(select(WebhookDelivery.dedupe_key).where(
            WebhookDelivery.webhook_id == hook.id,
            WebhookDelivery.dedupe_key.in_(list(keys) or [""]))).all())
        for key, iid in keys.items():
            if key not in done:
                write_one(session, hook, EVENT, "invoice", iid, dedupe_key=key)
        return len(keys) - len(done)


def emit_overdue(day: date) -> int:
    """The pass for `day`; how many deliveries it wrote."""
    made = 0
    for webhook_id in _subscribed():
        try:
            made += _pass_for(webhook_id, day)
        except IntegrityError:
            log.info("overdue webhooks of endpoint %s: raced another pass", webhook_id)
    return made
