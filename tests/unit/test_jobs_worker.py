"""The real job queue (huey) delivering to a real SMTP server: the consumer in
this process, and `updoot jobs` as its own process killed in the middle of a burst."""

from __future__ import annotations

import os
import signal
from datetime import timedelta

import pytest

from tests.jobs_helpers import (
    check_at_most_once,
    queue_invoices,
    settled,
    start_worker,
    wait_until,
)
from tests.unit.billing_helpers import new_invoice
from tests.unit.mail_helpers import outbox_rows
from updoot_app.jobs import consumer, queue
from updoot_app.models.types import utcnow
from updoot_app.services.mail import delivery


@pytest.fixture
def empty_queue():
    queue.huey.flush()
    yield queue.huey
    queue.huey.flush()


def test_the_in_process_consumer_delivers_after_commit(alice, smtp_sink, empty_queue):
    drafts = [new_invoice(alice) for _ in range(3)]
    worker = consumer.start_in_process()
    try:
        ids = queue_invoices(alice, 3, drafts)
        smtp_sink.wait_for(3)
        wait_until(lambda: all(r.status == "sent" for r in outbox_rows()), 20, "sent rows")
    finally:
        worker.stop(graceful=True)
    assert sorted(r.id for r in outbox_rows()) == sorted(ids)
    assert len({m["Message-ID"] for m in smtp_sink.messages}) == 3


def test_killing_the_worker_mid_burst_loses_nothing_and_sends_nothing_twice(
        database, alice, smtp_sink, empty_queue):
    """At most once: every message is either delivered exactly once, or (the ones
    the killed worker was sending) failed after the lease, saying it may have
    been delivered. Nothing is delivered twice, nothing stays queued."""
    if not database.startswith("sqlite"):
        pytest.skip("the PostgreSQL + Redis variant is tests/scale/test_jobs_scaled.py")
    smtp_sink.delay_s = 0.15                      # slow enough to kill it mid-burst
    ids = queue_invoices(alice, 24)
    worker = start_worker(database, smtp_sink.url)
    try:
        wait_until(lambda: len(smtp_sink.received) >= 5, 60, "the first deliveries")
        os.killpg(worker.pid, signal.SIGKILL)
        worker.wait(10)
        killed_at = utcnow()
        assert len(smtp_sink.received) < len(ids), "the burst ended before the kill"
        worker = start_worker(database, smtp_sink.url)
        # The restarted worker takes the jobs still in the queue; what the killed
        # one was sending stays "sending" (its job died with it).
        wait_until(settled(killed_at), 120, "every message to be handled")
    finally:
        os.killpg(worker.pid, signal.SIGTERM)
        worker.wait(20)
    delivery.fail_interrupted(utcnow() + delivery.LEASE + timedelta(seconds=1))
    check_at_most_once(outbox_rows(), [m["Message-ID"] for m in smtp_sink.messages],
                       total=len(ids), max_interrupted=2)
