"""Delivery of outbox messages to a real SMTP server on loopback: once, with
backoff when the server is down or refusing, and never twice after a crash."""

from __future__ import annotations

from datetime import timedelta

import pytest

from tests.unit.billing_helpers import new_invoice, principal
from tests.unit.mail_helpers import outbox_rows
from updoot_app import db
from updoot_app.models.types import utcnow
from updoot_app.services.mail import delivery, dispatch, outbox
from updoot_app.services.mail.documents import email_invoice


def queue_one(actor, to="client@example.com") -> int:
    iid = new_invoice(actor)
    with db.write_scope() as s:
        return email_invoice(s, principal(actor), iid, {"to": [to]}).id


def row(outbox_id):
    return next(r for r in outbox_rows() if r.id == outbox_id)


def test_a_message_is_claimed_once_and_sent_once(alice, smtp_sink):
    oid = queue_one(alice)
    assert delivery.deliver(oid).status == "sent"
    assert delivery.deliver(oid).status == "skipped"      # a second job finds it taken
    smtp_sink.wait_for(1)
    assert len(smtp_sink.received) == 1
    assert row(oid).status == "sent" and row(oid).attempts == 1


def test_server_down_keeps_it_queued_with_backoff_then_failed(alice, smtp_sink, monkeypatch):
    oid = queue_one(alice)
    smtp_sink.stop()                                      # nothing listens on the port
    now = utcnow()
    first = delivery.deliver(oid, now=now)
    assert first.status == "queued" and first.retry_in_s == delivery.BACKOFF_BASE_S
    queued = row(oid)
    assert queued.status == "queued" and queued.attempts == 1
    assert "Could not reach the mail server" in queued.last_error
    assert delivery.deliver(oid, now=now).status == "skipped"   # not due yet
    delays = [first.retry_in_s]
    for _ in range(delivery.MAX_ATTEMPTS - 1):
        outcome = delivery.deliver(oid, now=now + timedelta(days=1))
        delays.append(outcome.retry_in_s)
    assert outcome.status == "failed" and row(oid).status == "failed"
    assert row(oid).attempts == delivery.MAX_ATTEMPTS
    assert delays[:3] == [30, 60, 120]
    smtp_sink.start()   # restarted so the fixture can stop it


def test_a_temporary_refusal_is_retried_and_then_delivered(alice, smtp_sink):
    oid = queue_one(alice)
    smtp_sink.mode = "tempfail"
    outcome = delivery.deliver(oid)
    assert outcome.status == "queued" and "451" in outcome.error
    smtp_sink.mode = "ok"
    assert delivery.deliver(oid, now=utcnow() + timedelta(minutes=5)).status == "sent"
    assert len(smtp_sink.wait_for(1)) == 1 and row(oid).attempts == 2


def test_a_permanent_refusal_fails_at_once_with_the_servers_reason(alice, smtp_sink):
    oid = queue_one(alice)
    smtp_sink.mode = "reject"
    outcome = delivery.deliver(oid)
    assert outcome.status == "failed"
    assert "550" in row(oid).last_error and "refused by policy" in row(oid).last_error
    # Retry by a person: queued again, same Message-ID, delivered once.
    message_id = row(oid).message_id
    smtp_sink.mode = "ok"
    with db.session_scope() as s:
        outbox.retry_message(s, principal(alice), oid)
    assert delivery.deliver(oid).status == "sent"
    (message,) = smtp_sink.wait_for(1)
    assert message["Message-ID"] == message_id


def test_a_crash_after_claiming_never_sends_twice(alice, smtp_sink):
    """The process dies between the claim and the outcome (the SMTP server may
    have accepted): nothing re-sends it by itself; after the lease it is failed
    with a reason that says it may have been delivered."""
    oid = queue_one(alice)
    now = utcnow()
    assert delivery._claim(oid, now)                       # the attempt is recorded ...
    assert delivery.deliver(oid).status == "skipped"       # ... so no other worker sends it
    assert delivery.due_message_ids(now + timedelta(hours=1)) == []
    assert delivery.fail_interrupted(now + delivery.LEASE / 2) == 0
    assert delivery.fail_interrupted(now + delivery.LEASE + timedelta(seconds=1)) == 1
    assert row(oid).status == "failed" and "may have been delivered" in row(oid).last_error
    assert smtp_sink.received == []


def test_the_queue_hears_of_a_message_only_after_commit(alice, smtp_sink):
    handed: list[int] = []
    before = dispatch._dispatcher
    dispatch.set_dispatcher(handed.append)
    try:
        iid = new_invoice(alice)
        with pytest.raises(RuntimeError), db.write_scope() as s:
            email_invoice(s, principal(alice), iid, {"to": ["a@example.com"]})
            assert handed == []                            # not before COMMIT
            raise RuntimeError("the action fails after queueing")
        assert handed == [] and outbox_rows() == []        # rolled back: nothing at all
        oid = queue_one(alice)
        assert handed == [oid]
    finally:
        dispatch.set_dispatcher(before)
