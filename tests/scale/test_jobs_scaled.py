"""The scaled setup's job workers: two `updoot jobs` processes on PostgreSQL and
Redis deliver a burst to a real SMTP server; one is killed (SIGKILL) in the
middle. Every message is delivered exactly once or, if the killed worker was
sending it, failed after the lease as "may have been delivered" (at most once)."""

from __future__ import annotations

import os
import signal
from datetime import timedelta

import pytest
from huey import RedisHuey

from tests.conftest import POSTGRES_URL, _private_postgres_database, make_actor
from tests.jobs_helpers import (
    check_at_most_once,
    queue_invoices,
    settled,
    start_worker,
    wait_until,
)
from tests.smtp_sink import SmtpSink
from tests.unit.billing_helpers import new_invoice
from tests.unit.mail_helpers import outbox_rows
from updoot_app import db, migrations
from updoot_app.jobs import queue
from updoot_app.models.types import utcnow
from updoot_app.services.mail import delivery

BURST = 60
WORKER_THREADS = 2


@pytest.fixture
def postgres_and_redis(private_redis_url, monkeypatch):
    if not POSTGRES_URL:
        pytest.skip("UPDOOT_TEST_POSTGRES_URL is not set (CI sets it)")
    with _private_postgres_database(POSTGRES_URL) as database_url:
        db.configure(database_url)
        migrations.upgrade()
        # This process queues into the same Redis the workers consume from.
        monkeypatch.setattr(queue.huey, "storage",
                            RedisHuey("updoot", url=private_redis_url, blocking=True).storage)
        yield database_url, private_redis_url


@pytest.fixture
def sink(monkeypatch):
    server = SmtpSink().start()
    monkeypatch.setenv("UPDOOT_SMTP_URL", server.url)
    monkeypatch.setenv("UPDOOT_MAIL_FROM", "billing@updoot.test")
    yield server
    server.stop()


def test_two_workers_one_killed_mid_burst(postgres_and_redis, sink):
    database_url, redis_url = postgres_and_redis
    actor = make_actor("owner@example.com", "Scaled Co")
    drafts = [new_invoice(actor) for _ in range(BURST)]
    sink.delay_s = 0.05
    workers = [start_worker(database_url, sink.url, redis_url, WORKER_THREADS)
               for _ in range(2)]
    try:
        ids = queue_invoices(actor, BURST, drafts)
        wait_until(lambda: len(sink.received) >= 10, 60, "the first deliveries")
        os.killpg(workers[0].pid, signal.SIGKILL)
        workers[0].wait(10)
        killed_at = utcnow()
        assert len(sink.received) < BURST, "the burst ended before the kill"
        wait_until(settled(killed_at), 180, "the other worker to handle the rest")
    finally:
        for worker in workers:
            if worker.poll() is None:
                os.killpg(worker.pid, signal.SIGTERM)
                worker.wait(30)
    delivery.fail_interrupted(utcnow() + delivery.LEASE + timedelta(seconds=1))
    check_at_most_once(outbox_rows(), [m["Message-ID"] for m in sink.messages],
                       total=len(ids), max_interrupted=WORKER_THREADS)
