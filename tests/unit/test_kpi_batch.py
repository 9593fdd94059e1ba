"""Goal figures in batches (services/kpis/batch.py) equal the per-goal figures; the
shared-query memo runs a query once across threads; the funnel's lost-from rule."""

from __future__ import annotations

import contextvars
import threading
from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal

import pytest

from tests.unit.test_kpis import NOV, OCT, Q4, at, company, deal, sample  # noqa: F401
from updoot_app import db
from updoot_app.services.kpis import batch, funnel, goals, memo, metric_catalog, segments
from updoot_app.services.kpis.segments import Segment

SEGMENTS = [Segment("fit_tier", t) for t in ("A", "B", "C", "D", "none")] + [
    Segment("icp", "1"), Segment("icp", "2"), Segment("industry", "retail"),
    Segment("industry", "Technology"), Segment("country", "DE"), Segment("country", "US"),
    Segment("country", "FR"), Segment("region", "Europe"), Segment("region", "North America")]


@pytest.fixture
def richer(sample):  # noqa: F811 - the fixture imported from test_kpis
    """The November sample plus companies on other ICPs, industries and countries."""
    ws = sample.workspace_id
    fr = company(ws, "F1", tier="B", industry="RETAIL", country="FR", icp_id=2,
                 results="MX", created=at(4))
    none = company(ws, "N1", tier=None, industry="Technology", country="US", created=at(9))
    d = company(ws, "D1", tier="D", industry="Energy", country="DE", icp_id=1, results="XX",
                created=at(12, 10))
    won = ["New", "Contacted", "Won"]
    deal(ws, fr, won, "1500", created=at(3), closed=at(18))
    deal(ws, fr, ["New", "Lost"], "800", created=at(4), closed=at(5))
    deal(ws, none, won, "2500", created=at(10), closed=at(25))
    deal(ws, d, won, "700", created=at(2, 10), closed=at(20, 10))
    deal(ws, d, ["New", "Contacted"], "300", created=at(13))
    return sample


def _requests():
    return [(metric, period, seg, None)
            for metric in batch.FAMILIES for period in (NOV, OCT, Q4) for seg in SEGMENTS]


def test_batched_figures_equal_the_per_goal_ones(richer):
    ws = richer.workspace_id
    requests = _requests()
    with db.session_scope() as s:
        one_by_one = [metric_catalog.metric_value(s, ws, m, p, seg, st) for m, p, seg, st in requests]
        batched = batch.metric_values(s, ws, requests)
        with memo.memoized():  # fit tier / ICP from the calibration's grouped query
            reused = batch.metric_values(s, ws, requests, {NOV, Q4})
    assert batched == one_by_one
    assert reused == one_by_one
    figures = dict(zip(((m, p, seg) for m, p, seg, _ in requests), batched, strict=True))
    # A few worked by hand, so that equal-but-empty figures cannot pass.
    assert figures[("revenue", NOV, Segment("fit_tier", "B"))].value == Decimal("4500")
    assert figures[("revenue", NOV, Segment("industry", "retail"))].value == Decimal("4500")
    assert figures[("win_rate", NOV, Segment("region", "Europe"))].value == pytest.approx(2 / 3)
    assert figures[("revenue", NOV, Segment("fit_tier", "none"))].value == Decimal("2500")
    assert figures[("deals_created", Q4, Segment("icp", "1"))].value == 2
    fit_leads = figures[("icp_fit_leads", NOV, Segment("country", "FR"))]
    assert (fit_leads.value, fit_leads.detail) == (1, {"of_new_leads": 1})
    assert figures[("sales_cycle_days", OCT, Segment("fit_tier", "D"))].value == \
        pytest.approx(18.0)


def test_lone_segments_and_other_metrics_use_the_per_goal_query(richer, monkeypatch):
    ws = richer.workspace_id
    grouped = []
    real = batch._closed_table
    monkeypatch.setattr(batch, "_closed_table",
                        lambda *a: grouped.append(a[2:4]) or real(*a))
    requests = [("revenue", NOV, Segment("fit_tier", "A"), None),
                ("win_rate", NOV, Segment("country", "DE"), None),
                ("win_rate", NOV, Segment("country", "FR"), None),
                ("pipeline_value", NOV, Segment("country", "DE"), None),
                ("revenue", NOV, segments.ALL, None)]
    with db.session_scope() as s:
        out = batch.metric_values(s, ws, requests)
        assert out == [metric_catalog.metric_value(s, ws, *r) for r in requests]
    assert grouped == [(NOV, "country")]  # one grouped query for the two countries


def test_goal_outs_match_goal_out(richer, principal_of):
    p = principal_of(richer)
    with db.session_scope() as s:
        for seg in ("A", "B", "none"):
            goals.create_goal(s, p, {"metric": "win_rate", "period": "2026-11", "target": "50",
                                     "segment_type": "fit_tier", "segment_value": seg})
        goals.create_goal(s, p, {"metric": "new_leads", "period": "2026-11", "target": "5",
                                 "segment_type": "region", "segment_value": "Europe"})
    with db.session_scope() as s:
        listed = goals.list_goals(s, p)
        single = [goals.goal_out(s, g, at(16)) for g in listed]
        assert goals.goal_outs(s, listed, at(16)) == single
        assert goals.goal_outs(s, listed, at(16), {NOV}) == single
        assert goals.goal_outs(s, [], at(16)) == []
    assert [g["progress"]["actual"] for g in single] == ["100.00", "66.70", "100.00", "2.00"]


def test_memo_runs_a_shared_query_once_across_threads():
    calls = []
    started = threading.Barrier(4)

    @memo.memoize
    def slow(session, workspace_id, period, seg=segments.ALL):
        calls.append(1)
        return {"n": len(calls)}

    def call():
        started.wait()
        return slow(None, 1, NOV)

    with memo.memoized():
        with ThreadPoolExecutor(4) as pool:
            futures = [pool.submit(contextvars.copy_context().run, call) for _ in range(4)]
            results = [f.result() for f in futures]
        with memo.memoized():  # nested: the same memo
            assert slow(None, 1, NOV) == {"n": 1}
    assert results == [{"n": 1}] * 4 and len(calls) == 1
    assert slow(None, 1, NOV) == {"n": 2}  # outside a memoized block: runs again


def test_memo_forgets_a_failed_query():
    attempts = []

    @memo.memoize
    def flaky(session, workspace_id, period, seg=segments.ALL):
        attempts.append(1)
        if len(attempts) == 1:
            raise RuntimeError("database went away")
        return 7

    with memo.memoized():
        with pytest.raises(RuntimeError):
            flaky(None, 1, NOV)
        assert flaky(None, 1, NOV) == 7


def test_funnel_counts_a_reopened_lost_deal_at_its_furthest_stage(sample):  # noqa: F811
    ws = sample.workspace_id
    # Lost from Contacted, reopened into Proposal, lost again: it reached Proposal.
    deal(ws, company(ws, "R1", created=at(9)),
         ["New", "Contacted", "Lost", "Proposal", "Lost"], "100", created=at(9), closed=at(19))
    with db.session_scope() as s:
        reached = {r["stage"]: r["reached"] for r in funnel.funnel(s, ws, NOV)}
    assert reached == {"New": 6, "Contacted": 6, "Qualified": 6, "Proposal": 4,
                       "Negotiation": 2, "Won": 2}
