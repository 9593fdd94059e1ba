"""A CPU budget for the job worker: background work never takes more than a
share of one CPU from the web, however many jobs are waiting.

A lower priority (priority.py) only orders threads that want the CPU at the
same moment; on a small VM a burst of 1,000 emails still keeps every core busy
for as long as it lasts, and a web request that arrives meanwhile waits behind
it (measured in bench/bench_mail.py). So the worker also budgets its own CPU
time: a token bucket filled at SHARE CPU-seconds per second (`updoot jobs
--cpu-share`, UPDOOT_JOBS_CPU_SHARE, default 0.15 of one core per job process),
from which each job pays the CPU time its thread used. A job starts only when
the bucket is not in debt, so a burst is spread out in time instead of filling
the machine. The default was measured on a 2-core VM (bench_mail, 300 mails):
0.15 kept the web's p95 within 1.05-1.13x during a burst on SQLite (about 15
messages a second), 0.25 gave 1.25x, no budget 1.3-1.4x. A machine with cores
to spare can take more.

CPU time, not wall time, is what is paid: waiting on a remote SMTP server or on
the database costs this machine nothing and is not throttled.
"""

from __future__ import annotations

import threading
import time

SHARE_ENV = "UPDOOT_JOBS_CPU_SHARE"
DEFAULT_SHARE = 0.15
MAX_SHARE = 64
# A long job (a big archive, the nightly backup) is not paid back in full: the
# budget spreads bursts of small jobs; it must not stall the mail for minutes
# after one big one. The most a job makes the next ones wait: MAX_DEBT_S / share.
MAX_DEBT_S = 0.5
PAID_S = 1e-6   # a debt this small is paid: float residue must not spin the loop
BURST_S = 0.01   # CPU-seconds a quiet worker may spend at once: about one job


class CpuBudget:
    """Shared by the job threads of one process."""

    def __init__(self, share: float = DEFAULT_SHARE, burst_s: float = BURST_S,
                 clock=time.monotonic, sleep=time.sleep):
        if not 0 < share <= MAX_SHARE:
            raise ValueError("the CPU share must be above 0")
        self.share, self.burst_s = share, burst_s
        self._clock, self._sleep = clock, sleep
        self._tokens = burst_s
        self._filled_at = clock()
        self._lock = threading.Lock()

    def _refill(self) -> float:
        now = self._clock()
        self._tokens = min(self.burst_s, self._tokens + (now - self._filled_at) * self.share)
        self._filled_at = now
        return self._tokens

    def wait_turn(self) -> float:
        """Block until the budget is out of debt; returns the seconds waited."""
        waited = 0.0
        while True:
            with self._lock:
                debt = -self._refill()
            if debt <= PAID_S:
                return waited
            pause = debt / self.share
            self._sleep(pause)
            waited += pause

    def pay(self, cpu_s: float) -> None:
        """A job used `cpu_s` seconds of CPU (its thread's, time.thread_time)."""
        with self._lock:
            self._refill()
            self._tokens = max(self._tokens - max(0.0, cpu_s), -MAX_DEBT_S)
