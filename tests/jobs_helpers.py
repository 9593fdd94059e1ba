"""Helpers of the job-queue tests (tests/unit and tests/scale): queue emails,
start `updoot jobs` as its own process, check the at-most-once promise."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
from pathlib import Path

from tests.unit.billing_helpers import new_invoice, principal
from tests.unit.mail_helpers import outbox_rows
from updoot_app import db
from updoot_app.services.mail.documents import email_invoice

ROOT = Path(__file__).resolve().parents[1]


def queue_invoices(actor, count: int, drafts: list[int] | None = None) -> list[int]:
    """Email `count` invoices (drafts made first unless given). Each send is a
    write_scope (BEGIN IMMEDIATE), as in the app: a worker may be writing meanwhile."""
    drafts = drafts or [new_invoice(actor) for _ in range(count)]
    ids = []
    for n, iid in enumerate(drafts):
        with db.write_scope() as s:
            ids.append(email_invoice(s, principal(actor), iid,
                                     {"to": [f"client{n}@example.com"]}).id)
    return ids


def wait_until(predicate, timeout_s: float, what: str) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.1)
    raise AssertionError(f"timed out after {timeout_s} s waiting for {what}")


def start_worker(database_url: str, smtp_url: str, redis_url: str | None = None,
                 workers: int = 2, nice: int | None = 0) -> subprocess.Popen:
    """`updoot jobs` in a session of its own. Tests run it at normal priority
    (`--nice 0`): at nice 10 in its own session (autogroup lowered too) it would
    crawl behind the other tests that CI runs at once; test_jobs_worker.py checks
    the lowering itself. nice=None: the command's default (the benchmark)."""
    env = dict(os.environ, DATABASE_URL=database_url, UPDOOT_SMTP_URL=smtp_url,
               UPDOOT_MAIL_FROM="billing@updoot.test", PYTHONPATH=str(ROOT))
    for key in ("REDIS_URL", "UPDOOT_JOBS_NICE"):
        env.pop(key, None)
    if redis_url:
        env["REDIS_URL"] = redis_url
    return subprocess.Popen(
        [sys.executable, "-m", "updoot_app.cli", "jobs", "--workers", str(workers)]
        + ([] if nice is None else ["--nice", str(nice)]),
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        start_new_session=True)


def settled(killed_at):
    """Every message sent, or left "sending" by a process killed at `killed_at`."""
    return lambda: all(r.status == "sent" or (r.status == "sending" and r.claimed_at < killed_at)
                       for r in outbox_rows())


def check_at_most_once(rows, received_ids: list[str], total: int, max_interrupted: int) -> None:
    """What the note promises after a worker was killed mid-burst and the lease ran out."""
    assert len(received_ids) == len(set(received_ids)), "a message was delivered twice"
    sent = {r.message_id for r in rows if r.status == "sent"}
    interrupted = [r for r in rows if r.status == "failed"]
    assert {r.status for r in rows} <= {"sent", "failed"}, "a message was left queued"
    assert sent <= set(received_ids), "a message marked sent never arrived"
    assert all("may have been delivered" in r.last_error for r in interrupted)
    assert len(interrupted) <= max_interrupted
    assert len(sent) + len(interrupted) == total
    # One the server accepted just before the kill may be among the failed ones.
    assert set(received_ids) - sent <= {r.message_id for r in interrupted}


def pay_from_threads(pay, threads: int, payments: int, cpu_s: float) -> None:
    """`threads` job threads paying `payments` times `cpu_s` each, all at once."""
    def jobs():
        for _ in range(payments):
            pay(cpu_s)

    started = [threading.Thread(target=jobs) for _ in range(threads)]
    for t in started:
        t.start()
    for t in started:
        t.join()
