"""The real job queue (huey) delivering to a real SMTP server: `updoot jobs` as its
own process killed in the middle of a burst, and its CPU priority."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest

from tests.jobs_helpers import (
    ROOT,
    check_at_most_once,
    queue_invoices,
    settled,
    start_worker,
    wait_until,
)
from tests.unit.mail_helpers import outbox_rows
from updoot_app.jobs import priority, queue
from updoot_app.models.types import utcnow
from updoot_app.services.mail import delivery


@pytest.fixture
def empty_queue():
    queue.huey.flush()
    yield queue.huey
    queue.huey.flush()


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


def test_the_sweep_leaves_due_rows_to_a_backlog_and_hands_them_over_after(
        alice, smtp_sink, tmp_path, monkeypatch):
    """Due rows while the queue holds a burst are its jobs: not handed over twice.
    Once the queue has drained, a due row (its job lost) is handed over again.
    A queue of its own: the test processes share the default one."""
    from huey import SqliteHuey

    from updoot_app.jobs import tasks

    ids = queue_invoices(alice, 3)
    own = SqliteHuey("sweep-test", filename=str(tmp_path / "jobs.db"), results=False)
    burst = own.task()(lambda: None)
    handed: list[int] = []
    monkeypatch.setattr(tasks, "huey", own)
    monkeypatch.setattr(tasks, "deliver_message", handed.append)
    for _ in range(tasks.BACKLOG + 1):
        burst()
    tasks.sweep_outbox.call_local()
    assert handed == [], "the backlog holds their jobs"
    own.flush()
    tasks.sweep_outbox.call_local()
    assert sorted(handed) == sorted(ids)


# `updoot jobs --nice N`: what lower_process_priority does to a process of its own
# (it cannot be undone, so each case runs in a child).
PRIORITY_PROBE = """
import os, sys, threading
from updoot_app.jobs import priority
said = priority.lower_process_priority(int(sys.argv[1]))
seen = []
thread = threading.Thread(target=lambda: seen.append(os.getpriority(os.PRIO_PROCESS, 0)))
thread.start()
thread.join()
group = priority.autogroup_niceness()
print(os.getpriority(os.PRIO_PROCESS, 0), seen[0],
      "-" if group is None else group, said, sep="|")
"""


def _autogroups() -> bool:
    """Autogroup scheduling is on and this kernel shows the group's nice value."""
    flag = Path("/proc/sys/kernel/sched_autogroup_enabled")
    return (flag.exists() and flag.read_text().strip() == "1"
            and priority.autogroup_niceness() is not None)


def _probe(niceness: int, *, own_session: bool, start_at: int = 0):
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    done = subprocess.run(
        [sys.executable, "-c", PRIORITY_PROBE, str(niceness)], cwd=ROOT, env=env,
        capture_output=True, text=True, timeout=120, start_new_session=own_session,
        preexec_fn=(lambda: os.nice(start_at)) if start_at else None)
    assert done.returncode == 0, done.stderr
    nice, thread_nice, group, said = done.stdout.strip().split("|")
    return int(nice), int(thread_nice), group, said


def test_the_job_worker_lowers_its_priority_and_its_sessions_autogroup():
    """A worker in a session of its own (systemd, setsid: the scaled setup) at
    nice 10 would still take a full share of the CPU from the web workers under
    autogroup scheduling, so it lowers its autogroup too."""
    nice, thread_nice, group, said = _probe(10, own_session=True)
    assert nice == 10 and thread_nice == 10, "threads started later inherit it"
    if _autogroups():
        assert group == "10" and "autogroup" in said


def test_the_job_worker_leaves_a_session_it_does_not_lead_alone():
    """Started from a shell (or a test runner), the autogroup is the whole
    session's: only the worker's own nice value changes."""
    own_group = priority.autogroup_niceness()
    before = "-" if own_group is None else str(own_group)
    nice, _, group, said = _probe(7, own_session=False)
    assert nice == max(7, os.getpriority(os.PRIO_PROCESS, 0))
    assert group == before and "autogroup" not in said


def test_nice_0_keeps_the_priority_and_a_lower_one_is_never_raised():
    nice, thread_nice, group, said = _probe(0, own_session=True)
    assert (nice, thread_nice) == (0, 0) and said == "normal CPU priority"
    if _autogroups():
        assert group == "0"
    nice, thread_nice, _, _ = _probe(5, own_session=True, start_at=12)
    assert (nice, thread_nice) == (12, 12)


def test_an_empty_autogroup_file_means_no_autogroup(tmp_path, monkeypatch):
    """Some sandboxes (gVisor) have /proc/self/autogroup but leave it empty:
    the worker then only changes nice values, and says nothing of an autogroup."""
    empty = tmp_path / "autogroup"
    empty.write_text("")
    monkeypatch.setattr(priority, "AUTOGROUP", empty)
    assert priority.autogroup_niceness() is None
    assert priority._autogroups_on() is False
    priority._lower_autogroup(10)
    assert empty.read_text() == "", "nothing written where nothing was read"
    empty.write_text("/autogroup-12 nice 0\n")
    assert priority.autogroup_niceness() == 0
