"""Running huey's consumer: `updoot jobs`, on its own (the scaled setup) or as
the child process that `updoot serve` keeps beside itself (the single-VM default,
jobs/beside_server.py).

Background work yields the CPU to the web in two ways. Its threads run at a
lower priority (priority.py, set by `updoot jobs` at start), and together
they spend at most a share of one CPU (pacing.py, UPDOOT_JOBS_CPU_SHARE): a
priority only orders threads that want the CPU at the same moment, so without
the budget a burst of emails would still fill a small VM's cores while it lasts.
"""

from __future__ import annotations

import logging
import socket
import threading
import time

from huey.consumer import Consumer
from huey.storage import RedisStorage

from updoot_app.jobs import (
    pacing,
    tasks,  # noqa: F401 - registers the tasks on the queue
)
from updoot_app.jobs.queue import huey

log = logging.getLogger(__name__)
WORKERS = 2

# Threads: the work is SMTP and database I/O. max_delay bounds how long an idle
# worker sleeps between polls of the SQLite queue (Redis wakes it at once).
OPTIONS = {"worker_type": "thread", "periodic": True, "initial_delay": 0.1,
           "backoff": 1.15, "max_delay": 1.0, "shutdown_timeout": 5}


def make_consumer(workers: int = WORKERS) -> Consumer:
    """The consumer of `updoot jobs` (its signal handlers included)."""
    return huey.create_consumer(workers=workers, **OPTIONS)


_budget: pacing.CpuBudget | None = None
_thread = threading.local()


def use_cpu_share(share: float) -> None:
    """`updoot jobs --cpu-share`: the budget of the job threads (0: none). With
    Redis, every job process on this host shares one budget (pacing.RedisBucket)."""
    global _budget
    _budget = pacing.CpuBudget(share, bucket=host_bucket(share)) if share > 0 else None


def host_bucket(share: float) -> pacing.RedisBucket | None:
    """This host's bucket in the queue's Redis; None on the SQLite queue (one
    job process per machine: a bucket of its own)."""
    if not isinstance(huey.storage, RedisStorage):
        return None
    key = f"{huey.name}:cpu-budget:{socket.gethostname()}"
    return pacing.RedisBucket(huey.storage.conn, key, share, pacing.BURST_S)


@huey.pre_execute()
def _before_job(_task) -> None:
    if _budget is not None:
        _budget.wait_turn()
    _thread.cpu_at = time.thread_time()


@huey.post_execute()
def _after_job(_task, _value, _exc) -> None:
    started = getattr(_thread, "cpu_at", None)
    if _budget is not None and started is not None:
        _budget.pay(time.thread_time() - started)
