"""Webhook delivery to a real receiver on loopback: signed, retried with backoff
when the receiver is down or answers 500, the endpoint turned off on 410 or after
repeated failures, a slow receiver timed out without holding up later
deliveries, and nothing lost from the log."""

from __future__ import annotations

import socket
from datetime import timedelta
from pathlib import Path

from tests.unit.billing_helpers import principal
from tests.unit.webhook_helpers import add_hook, deliver_all, deliveries
from tests.webhook_receiver import verify
from updoot_app import db
from updoot_app.models import Webhook
from updoot_app.models.types import utcnow
from updoot_app.services.integrations import webhook_delivery, webhook_reads, webhooks


def queue_test(actor, webhook_id) -> int:
    with db.session_scope() as s:
        return webhooks.send_test(s, principal(actor), webhook_id)


def hook(webhook_id) -> Webhook:
    with db.session_scope() as s:
        return s.get(Webhook, webhook_id)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_delivered_once_and_signed(alice, receiver):
    created = add_hook(alice, receiver.url)
    did = queue_test(alice, created.webhook.id)
    assert webhook_delivery.deliver(did).status == "delivered"
    assert webhook_delivery.deliver(did).status == "skipped"   # a second job finds it done
    [got] = receiver.received
    assert verify(created.secret, got.headers, got.body)
    [row] = deliveries()
    assert row.status == "delivered" and row.response_status == 200 and row.attempts == 1


def test_receiver_down_is_retried_with_backoff_then_failed(alice, receiver):
    created = add_hook(alice, receiver.url)
    with db.session_scope() as s:
        webhooks.update_webhook(s, principal(alice), created.webhook.id,
                                {"url": f"http://127.0.0.1:{free_port()}/gone"})
    did = queue_test(alice, created.webhook.id)
    now = utcnow()
    first = webhook_delivery.deliver(did, now=now)
    assert first.status == "queued" and first.retry_in_s == webhook_delivery.BACKOFF_BASE_S
    assert "Could not reach" in deliveries()[0].last_error
    assert webhook_delivery.deliver(did, now=now).status == "skipped"    # not due yet
    delays = [first.retry_in_s]
    for _ in range(webhook_delivery.MAX_ATTEMPTS - 1):
        outcome = webhook_delivery.deliver(did, now=now + timedelta(days=1))
        delays.append(outcome.retry_in_s)
    assert outcome.status == "failed" and delays[:3] == [30, 60, 120]
    [row] = deliveries()
    assert row.status == "failed" and row.attempts == webhook_delivery.MAX_ATTEMPTS
    assert hook(created.webhook.id).consecutive_failures == 1


def test_a_500_is_retried_and_then_delivered(alice, receiver):
    created = add_hook(alice, receiver.url)
    did = queue_test(alice, created.webhook.id)
    receiver.mode = "500"
    outcome = webhook_delivery.deliver(did)
    assert outcome.status == "queued" and outcome.response_status == 500
    receiver.mode = "ok"
    assert webhook_delivery.deliver(did, now=utcnow() + timedelta(hours=1)).status == \
        "delivered"
    assert len(receiver.received) == 2
    first, second = receiver.received
    assert first.headers["webhook-id"] == second.headers["webhook-id"]
    assert first.body == second.body
    with db.session_scope() as s:
        [row], total = webhook_reads.list_deliveries(s, alice.workspace_id, created.webhook.id)
    assert total == 1 and row["status"] == "delivered" and row["attempts"] == 2
    assert row["response_status"] == 200


def test_410_turns_the_endpoint_off_with_a_notice(alice, receiver):
    created = add_hook(alice, receiver.url)
    did = queue_test(alice, created.webhook.id)
    receiver.mode = "410"
    outcome = webhook_delivery.deliver(did)
    assert outcome.status == "failed" and outcome.response_status == 410
    turned_off = hook(created.webhook.id)
    assert not turned_off.enabled and "410" in turned_off.disabled_reason
    assert deliveries()[0].status == "failed"               # kept in the log
    with db.session_scope() as s:                           # a person switches it on again
        webhooks.update_webhook(s, principal(alice), created.webhook.id, {"enabled": True})
    assert hook(created.webhook.id).enabled and hook(created.webhook.id).disabled_reason is None


def test_repeated_failed_deliveries_turn_the_endpoint_off(alice, receiver, monkeypatch):
    monkeypatch.setattr(webhook_delivery, "MAX_ATTEMPTS", 1)
    created = add_hook(alice, receiver.url)
    receiver.mode = "500"
    for _ in range(webhook_delivery.DISABLE_AFTER):
        webhook_delivery.deliver(queue_test(alice, created.webhook.id))
    off = hook(created.webhook.id)
    assert not off.enabled and "in a row failed" in off.disabled_reason
    assert [d.status for d in deliveries()] == ["failed"] * webhook_delivery.DISABLE_AFTER


def test_a_slow_receiver_times_out_and_later_deliveries_go_through(alice, receiver,
                                                                   monkeypatch):
    monkeypatch.setattr(webhook_delivery, "TIMEOUT_S", 0.5)
    slow = add_hook(alice, receiver.url)
    fine = add_hook(alice, receiver.url)
    receiver.mode, receiver.slow_s = "slow", 30
    slow_id = queue_test(alice, slow.webhook.id)
    outcome = webhook_delivery.deliver(slow_id)
    assert outcome.status == "queued" and "did not answer" in outcome.error
    receiver.mode = "ok"
    fine_id = queue_test(alice, fine.webhook.id)
    assert webhook_delivery.deliver(fine_id).status == "delivered"
    outcomes = deliver_all(now=utcnow() + timedelta(hours=1))    # the slow one, retried
    assert [o.status for o in outcomes] == ["delivered"]
    assert {d.status for d in deliveries()} == {"delivered"}


def test_a_delivery_a_dead_process_left_sending_is_queued_again(alice, receiver):
    created = add_hook(alice, receiver.url)
    did = queue_test(alice, created.webhook.id)
    assert webhook_delivery._claim(did, utcnow())                 # claimed, then the process died
    assert webhook_delivery.due_delivery_ids() == []
    later = utcnow() + webhook_delivery.LEASE + timedelta(seconds=1)
    assert webhook_delivery.requeue_interrupted(later) == 1
    assert [o.status for o in deliver_all(now=later)] == ["delivered"]


def test_the_address_is_checked_again_at_delivery(alice, receiver, monkeypatch):
    created = add_hook(alice, receiver.url)
    did = queue_test(alice, created.webhook.id)
    monkeypatch.delenv("UPDOOT_WEBHOOKS_ALLOW_PRIVATE")
    outcome = webhook_delivery.deliver(did)
    assert outcome.status == "queued" and "Refused" in outcome.error
    assert receiver.received == []


def test_the_readme_snippet_verifies_a_delivery(alice, receiver):
    text = (Path(__file__).resolve().parents[2] / "README.md").read_text()
    snippet = text.split("**Verifying the signature**", 1)[1].split("```python", 1)[1] \
        .split("```", 1)[0]
    scope: dict = {}
    exec(snippet, scope)  # noqa: S102 - the README's own code, checked to be true
    created = add_hook(alice, receiver.url)
    webhook_delivery.deliver(queue_test(alice, created.webhook.id))
    [got] = receiver.received
    assert scope["verify"](created.secret, got.headers, got.body)
    assert not scope["verify"](created.secret, got.headers, got.body + b" ")
