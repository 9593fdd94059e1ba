"""The job workers of one host share one CPU budget in the queue's Redis
(jobs/pacing.py RedisBucket): two `updoot jobs` at the default share take that
share together, not twice it."""

from __future__ import annotations

import socket

import pytest
import redis
from huey import RedisHuey

from tests.jobs_helpers import pay_from_threads
from updoot_app.jobs import consumer, pacing

SHARE = 0.001  # refills a millisecond of CPU a second: the test's own time barely counts


def bucket(url: str, key: str = "t:cpu-budget:host-a", burst_s: float = 0.05):
    return pacing.RedisBucket(redis.Redis.from_url(url), key, SHARE, burst_s)


def test_what_one_worker_spends_the_other_on_the_host_waits_for(private_redis_url):
    one, two = bucket(private_redis_url), bucket(private_redis_url)
    one.take(0.25)                                   # 0.20 s beyond the burst
    assert two.take(0.0) == pytest.approx(-0.20, abs=0.01)
    waited: list[float] = []
    budget = pacing.CpuBudget(SHARE, 0.05, sleep=lambda s: (waited.append(s), one.take(-s)),
                              bucket=two)
    assert budget.wait_turn() == pytest.approx(0.20 / SHARE, rel=0.05)
    assert waited, "the second worker started a job while the host's budget was in debt"


def test_another_host_keeps_a_budget_of_its_own(private_redis_url):
    bucket(private_redis_url, "t:cpu-budget:host-b").take(0.25)
    assert bucket(private_redis_url, "t:cpu-budget:host-c").take(0.0) == pytest.approx(0.05)


def test_payments_from_many_threads_all_count(private_redis_url):
    shared = bucket(private_redis_url, "t:cpu-budget:host-d")
    pay_from_threads(shared.take, threads=4, payments=200, cpu_s=0.0002)
    assert shared.take(0.0) == pytest.approx(0.05 - 0.16, abs=0.005)


def test_a_long_job_leaves_at_most_the_capped_debt(private_redis_url):
    shared = bucket(private_redis_url, "t:cpu-budget:host-e")
    shared.take(60.0)
    assert shared.take(0.0) == pytest.approx(-pacing.MAX_DEBT_S, abs=0.005)


def test_redis_away_does_not_stall_the_jobs():
    away = pacing.RedisBucket(redis.Redis(host="127.0.0.1", port=1, socket_connect_timeout=0.5),
                              "t:cpu-budget:gone", SHARE, 0.05)
    assert pacing.CpuBudget(SHARE, 0.05, bucket=away).wait_turn() == 0


def test_the_worker_on_redis_uses_its_hosts_bucket(private_redis_url, monkeypatch):
    monkeypatch.setattr(consumer, "huey", RedisHuey("updoot-budget-test", url=private_redis_url))
    monkeypatch.setattr(consumer, "_budget", None)
    consumer.use_cpu_share(0.15)
    shared = consumer._budget._bucket
    assert isinstance(shared, pacing.RedisBucket)
    assert shared.key == f"updoot-budget-test:cpu-budget:{socket.gethostname()}"
    consumer._budget.pay(0.5)
    assert bucket(private_redis_url, shared.key).take(0.0) < -0.4
