"""A CPU budget for the job workers: background work never takes more than a
share of one CPU from the web, however many jobs are waiting.

A lower priority (priority.py) only orders threads that want the CPU at the
same moment; on a small VM a burst of 1,000 emails still keeps every core busy
for as long as it lasts, and a web request that arrives meanwhile waits behind
it (measured in bench/bench_mail.py). So the workers also budget their CPU
time: a token bucket filled at SHARE CPU-seconds per second (`updoot jobs
--cpu-share`, UPDOOT_JOBS_CPU_SHARE, default 0.15 of one core), from which each
job pays the CPU time its thread used. A job starts only when the bucket is not
in debt, so a burst is spread out in time instead of filling the machine.

The budget is the machine's, not one process's. On the single VM one job
process holds it (LocalBucket). In the scaled setup every `updoot jobs` on one
host shares one bucket kept in the queue's Redis under the host's name
(RedisBucket): two workers at 0.15 each took 0.3 of a CPU together and the
web's p95 during a burst rose 1.25x; sharing 0.15 kept it within 1.1x
(bench_mail, PostgreSQL + Redis). Workers on other hosts have buckets of their own.

The default was measured on a 2-core VM (bench_mail): 0.15 kept the web's p95
within 1.05-1.2x during a burst (9-15 messages a second on SQLite and 7-8 on
PostgreSQL, whose queries cost the client more CPU, by machine), 0.25 gave
1.25x, no budget 1.3-1.4x. A machine with cores to spare can take more.

CPU time, not wall time, is what is paid: waiting on a remote SMTP server costs
this machine nothing and is not throttled.
"""

from __future__ import annotations

import logging
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

log = logging.getLogger(__name__)


class LocalBucket:
    """The bucket of one process, shared by its job threads."""

    def __init__(self, share: float, burst_s: float, clock=time.monotonic):
        self.share, self.burst_s, self._clock = share, burst_s, clock
        self._tokens = burst_s
        self._filled_at = clock()
        self._lock = threading.Lock()

    def take(self, cpu_s: float) -> float:
        """Refill, pay `cpu_s`; the tokens left (negative: in debt)."""
        with self._lock:
            now = self._clock()
            tokens = min(self.burst_s, self._tokens + (now - self._filled_at) * self.share)
            self._tokens = max(tokens - cpu_s, -MAX_DEBT_S)
            self._filled_at = now
            return self._tokens


# The same arithmetic as LocalBucket.take, in one atomic step on the Redis server,
# on the server's clock (the hosts' clocks need not agree). Returned as a string:
# Redis turns a Lua number into an integer.
_TAKE_LUA = """
local t = redis.call('TIME')
local now = tonumber(t[1]) + tonumber(t[2]) / 1000000
local share, burst = tonumber(ARGV[1]), tonumber(ARGV[2])
local cost, max_debt = tonumber(ARGV[3]), tonumber(ARGV[4])
local saved = redis.call('HMGET', KEYS[1], 'tokens', 'at')
local tokens = tonumber(saved[1]) or burst
local at = tonumber(saved[2]) or now
tokens = math.min(burst, tokens + math.max(0, now - at) * share)
tokens = math.max(tokens - cost, -max_debt)
redis.call('HSET', KEYS[1], 'tokens', tostring(tokens), 'at', tostring(now))
redis.call('EXPIRE', KEYS[1], 3600)
return tostring(tokens)
"""


class RedisBucket:
    """One bucket for every job process of a host, in the queue's Redis."""

    def __init__(self, client, key: str, share: float, burst_s: float):
        self.share, self.burst_s, self.key = share, burst_s, key
        self._script = client.register_script(_TAKE_LUA)

    def take(self, cpu_s: float) -> float:
        try:
            raw = self._script(keys=[self.key],
                               args=[self.share, self.burst_s, cpu_s, MAX_DEBT_S])
        except Exception as exc:  # Redis away: the queue is too; do not stall on the budget
            log.warning("CPU budget in Redis unavailable (%s): not paced", exc)
            return self.burst_s
        return float(raw)


class CpuBudget:
    """What the job threads call: wait for their turn, then pay what they used."""

    def __init__(self, share: float = DEFAULT_SHARE, burst_s: float = BURST_S,
                 clock=time.monotonic, sleep=time.sleep, bucket=None):
        if not 0 < share <= MAX_SHARE:
            raise ValueError("the CPU share must be above 0")
        self.share, self.burst_s = share, burst_s
        self._sleep = sleep
        self._bucket = bucket or LocalBucket(share, burst_s, clock)

    def wait_turn(self) -> float:
        """Block until the budget is out of debt; returns the seconds waited."""
        waited = 0.0
        while True:
            debt = -self._bucket.take(0.0)
            if debt <= PAID_S:
                return waited
            pause = debt / self.share
            self._sleep(pause)
            waited += pause

    def pay(self, cpu_s: float) -> None:
        """A job used `cpu_s` seconds of CPU (its thread's, time.thread_time)."""
        self._bucket.take(max(0.0, cpu_s))
