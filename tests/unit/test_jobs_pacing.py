"""The job worker's CPU budget (jobs/pacing.py), on a clock of our own."""

from __future__ import annotations

import pytest

from tests.jobs_helpers import pay_from_threads
from updoot_app.jobs import pacing


class FakeClock:
    def __init__(self):
        self.now = 1000.0
        self.slept: list[float] = []

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += seconds


def budget(share=0.25, burst_s=0.05):
    clock = FakeClock()
    return pacing.CpuBudget(share, burst_s, clock=clock, sleep=clock.sleep), clock


def test_a_quiet_worker_starts_at_once():
    b, clock = budget()
    assert b.wait_turn() == 0 and clock.slept == []
    b.pay(0.04)                                   # within the burst allowance
    assert b.wait_turn() == 0


def test_cpu_spent_beyond_the_burst_is_paid_back_at_the_share():
    b, clock = budget(share=0.25, burst_s=0.05)
    b.pay(0.15)                                   # 0.10 s of CPU in debt
    assert b.wait_turn() == pytest.approx(0.4)    # 0.10 / 0.25
    assert b.wait_turn() == 0


def test_over_a_burst_the_cpu_used_stays_within_the_share():
    """100 jobs of 20 ms CPU each: spread over at least 100 x 0.02 / 0.5 s."""
    b, clock = budget(share=0.5, burst_s=0.05)
    started = clock.now
    for _ in range(100):
        b.wait_turn()
        clock.now += 0.02                        # the job runs (its wall time)
        b.pay(0.02)
    elapsed = clock.now - started
    assert 100 * 0.02 / elapsed <= 0.5 + 0.05 / elapsed + 1e-9


def test_time_idle_refills_the_budget_but_only_up_to_the_burst():
    b, clock = budget(share=0.25, burst_s=0.05)
    clock.now += 3600                             # an hour idle saves no more than the burst
    b.pay(0.15)
    assert b.wait_turn() == pytest.approx(0.4)


def test_one_long_job_does_not_stall_the_next_ones_for_long():
    """A big archive's minute of CPU makes the mail behind it wait at most
    MAX_DEBT_S / share, not four minutes."""
    b, _ = budget(share=0.25, burst_s=0.01)
    b.pay(60.0)
    assert b.wait_turn() == pytest.approx(pacing.MAX_DEBT_S / 0.25)


def test_a_negative_or_missing_cpu_time_costs_nothing():
    b, _ = budget()
    b.pay(-5)
    assert b.wait_turn() == 0


def test_threads_share_one_budget():
    """Two job threads paying at once: every payment counts (no lost update)."""
    b, _ = budget(share=0.25, burst_s=0.05)
    pay_from_threads(b.pay, threads=2, payments=1000, cpu_s=0.0002)
    assert b.wait_turn() == pytest.approx((0.4 - 0.05) / 0.25)
