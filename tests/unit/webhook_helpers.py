"""Fixtures and helpers of the webhook tests."""

from __future__ import annotations

from sqlmodel import select

from tests.unit.billing_helpers import principal
from updoot_app import db
from updoot_app.models import WebhookDelivery
from updoot_app.services.integrations import webhook_delivery, webhooks


def add_hook(actor, url, events=("deal.won",)) -> webhooks.Created:
    with db.session_scope() as s:
        return webhooks.create_webhook(s, principal(actor), {"url": url, "events": list(events)})


def deliveries(webhook_id=None) -> list[WebhookDelivery]:
    with db.session_scope() as s:
        query = select(WebhookDelivery).order_by(WebhookDelivery.id)
        if webhook_id is not None:
            query = query.where(WebhookDelivery.webhook_id == webhook_id)
        return list(s.exec(query))


def deliver_all(now=None) -> list[webhook_delivery.Outcome]:
    return [webhook_delivery.deliver(i, now=now)
            for i in webhook_delivery.due_delivery_ids(now)]
