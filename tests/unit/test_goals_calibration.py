"""Goals (validation, pace, status) and the ICP calibration (lift, shrinkage, suggestions)."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

import pytest
from sqlmodel import select

from tests.unit.test_kpis import at, company, deal
from updoot_app import db
from updoot_app.models import Goal, Icp, IcpVersion
from updoot_app.services.kpis import calibration, goals, periods
from updoot_app.services.platform.errors import Forbidden, NotFound, ValidationError
from updoot_app.services.profiles import icps

NOV = periods.parse_period("2026-11")
MID_NOV = datetime(2026, 11, 16, tzinfo=UTC)  # half of November elapsed


def principal(actor, principal_of):
    return principal_of(actor)


def test_goal_crud_and_validation(alice, bob, principal_of):
    p, q = principal_of(alice), principal_of(bob)
    with db.session_scope() as s:
        g = goals.create_goal(s, p, {"metric": "revenue", "period": "2026-11", "target": "10000",
                                     "segment_type": "fit_tier", "segment_value": "a"})
        assert (g.segment_value, g.owner_id, g.period_kind) == ("A", alice.user_id, "month")
        assert g.start == NOV.start and g.target == Decimal("10000")
        gid = g.id
    bad = [
        ({"metric": "happiness", "target": 1}, "metric"),
        ({"metric": "revenue", "target": "-5"}, "target"),
        ({"metric": "revenue", "target": "lots"}, "target"),
        ({"metric": "win_rate", "target": "140"}, "target"),
        ({"metric": "new_leads", "target": "2.5"}, "target"),
        ({"metric": "revenue", "target": 1, "segment_type": "fit_tier",
          "segment_value": "Q"}, "segment_value"),
        ({"metric": "revenue", "target": 1, "period_kind": "custom", "start": "2026-02-01",
          "end": "2026-01-01"}, "end"),
        ({"metric": "revenue", "target": 1, "owner_id": bob.user_id}, "owner_id"),
        ({"metric": "revenue", "target": 1, "sneaky": True}, "sneaky"),
    ]
    for data, fld in bad:
        with db.session_scope() as s, pytest.raises(ValidationError) as err:
            goals.create_goal(s, p, data)
        assert err.value.field == fld, data
    with db.session_scope() as s:
        # Another workspace's goal is not found, for reading, editing and deleting.
        for fn, args in ((goals.get_goal, ()), (goals.update_goal, ({"target": 1},)),
                         (goals.delete_goal, ())):
            with pytest.raises(NotFound):
                fn(s, q, gid, *args)
        g = goals.update_goal(s, p, gid, {"target": "12000", "period_kind": "custom",
                                          "start": "2026-11-01", "end": "2026-11-30"})
        assert g.target == Decimal("12000") and g.period_kind == "custom"
        assert g.end == NOV.end and goals.list_goals(s, q) == []
        goals.delete_goal(s, p, gid)
        assert goals.list_goals(s, p) == []


def test_viewer_cannot_write_goals(alice, principal_of):
    from dataclasses import replace

    viewer = replace(principal_of(alice), role="viewer")
    with db.session_scope() as s, pytest.raises(Forbidden):
        goals.create_goal(s, viewer, {"metric": "revenue", "target": 1})


def test_progress_pace_on_track_and_at_risk(alice, principal_of):
    ws = alice.workspace_id
    c = company(ws, "A1", tier="A", created=at(2))
    deal(ws, c, ["New", "Won"], "4600", created=at(1), closed=at(5))
    p = principal_of(alice)
    with db.session_scope() as s:
        g = goals.create_goal(s, p, {"metric": "revenue", "period": "2026-11", "target": "10000"})
        # Half the month gone: expected 5000; 4600 >= 0.9 × 5000 = 4500 -> on track.
        prog = goals.progress(s, g, MID_NOV)
        assert prog["expected"] == Decimal("5000.00") and prog["actual"] == Decimal("4600")
        assert (prog["status"], prog["percent"]) == ("on_track", 46)
        # 3/4 gone: expected 7500, 0.9 × 7500 = 6750 > 4600 -> at risk.
        late = datetime(2026, 11, 23, 12, tzinfo=UTC)
        assert goals.progress(s, g, late)["status"] == "at_risk"
        before = goals.progress(s, g, datetime(2026, 10, 1, tzinfo=UTC))
        assert before["status"] == "not_started"
        # A rate: compared with the target itself, whatever the pace. 1 won of 1 -> 100 %.
        rate = goals.create_goal(s, p, {"metric": "win_rate", "period": "2026-11", "target": "50"})
        assert goals.progress(s, rate, MID_NOV)["actual"] == Decimal("100.0")
        assert goals.progress(s, rate, MID_NOV)["status"] == "on_track"
        # Lower is better: a 4-day cycle against a 3-day target (4 > 3.3) is at risk.
        cycle = goals.create_goal(s, p, {"metric": "sales_cycle_days", "period": "2026-11",
                                         "target": "3"})
        assert goals.progress(s, cycle, MID_NOV)["status"] == "at_risk"
        # No data: an empty period's win rate. Invoiced revenue comes from billing: none
        # invoiced yet halfway through the month is at risk.
        empty = goals.create_goal(s, p, {"metric": "win_rate", "period": "2026-10",
                                         "target": "30"})
        assert goals.progress(s, empty, MID_NOV)["status"] == "no_data"
        inv = goals.create_goal(s, p, {"metric": "revenue_invoiced", "period": "2026-11",
                                       "target": "10"})
        out = goals.goal_out(s, inv, MID_NOV)
        assert out["progress"]["status"] == "at_risk"
        assert Decimal(str(out["progress"]["actual"])) == 0


def test_shrinkage_pulls_small_samples_toward_the_overall_rate():
    # 3 of 3 won with an overall 30 % and k = 10: (3 + 3) / 13, not 100 %.
    assert calibration.shrink(3, 3, 0.3, 10) == pytest.approx(6 / 13)
    # A large sample barely moves: 600 of 1000 -> (600 + 3) / 1010.
    assert calibration.shrink(600, 1000, 0.3, 10) == pytest.approx(603 / 1010)
    assert calibration.shrink(0, 0, 0.3, 10) == pytest.approx(0.3)


def test_suggested_weights_sum_to_100_and_skip_thin_criteria():
    rows = [
        {"weight": 40, "lift": 0.30, "enough": True},
        {"weight": 30, "lift": 0.10, "enough": True},
        {"weight": 20, "lift": -0.05, "enough": True},
        {"weight": 10, "lift": 0.50, "enough": False},  # too few deals: keeps 10
    ]
    # 90 points shared 3:1:0 -> 67.5, 22.5, 0 -> largest remainder 68, 22 (tie: first)
    assert calibration.suggest_weights(rows) == [68, 22, 0, 10]
    assert sum(calibration.suggest_weights(rows)) == 100
    flat = [{"weight": 50, "lift": -0.1, "enough": True}, {"weight": 50, "lift": 0.0,
                                                           "enough": True}]
    assert calibration.suggest_weights(flat) == [50, 50]


ICP = {"name": "Test ICP", "kind": "b2b", "criteria": [
    {"field": "industry", "values": ["Technology"], "weight": 50},
    {"field": "geography", "values": ["US"], "weight": 50}]}


def test_lift_by_criterion_with_n_and_apply_as_new_version(alice, principal_of):
    ws, p = alice.workspace_id, principal_of(alice)
    with db.session_scope() as s:
        icp_id = icps.create_icp(s, p, ICP).id
    # industry matched: 8 deals, 6 won; missed: 6 deals, 1 won.
    # geography matched: 7 deals, 4 won (results codes: industry then geography).
    plan = [("MM", 4, 4), ("MX", 4, 2), ("XM", 3, 0), ("XX", 3, 1)]
    for results, n, wins in plan:
        cid = company(ws, results, tier="B", icp_id=icp_id, results=results)
        for i in range(n):
            stage = "Won" if i < wins else "Lost"
            deal(ws, cid, ["New", stage], "1000", created=at(1), closed=at(3))
    with db.session_scope() as s:
        [item] = calibration.criterion_lift(s, ws, NOV)
    assert (item["n"], item["wins"]) == (14, 7) and item["win_rate"] == pytest.approx(0.5)
    ind, geo_row = item["criteria"]
    assert (ind["n_match"], ind["wins_match"], ind["n_miss"], ind["wins_miss"]) == (8, 6, 6, 1)
    assert ind["shrunk_match"] == pytest.approx((6 + 5) / 18)
    assert ind["shrunk_miss"] == pytest.approx((1 + 5) / 16)
    assert ind["lift"] == pytest.approx(11 / 18 - 6 / 16)
    assert (geo_row["n_match"], geo_row["wins_match"], geo_row["n_miss"]) == (7, 4, 7)
    assert geo_row["lift"] == pytest.approx((4 + 5) / 17 - (3 + 5) / 17)
    total = ind["lift"] + geo_row["lift"]
    expected = round(100 * ind["lift"] / total)
    assert [r["suggested"] for r in item["criteria"]] == [expected, 100 - expected]
    assert item["has_suggestion"]

    with db.session_scope() as s:
        version = calibration.apply_suggestion(s, p, icp_id, NOV)
        assert version.number == 2
        assert [c["weight"] for c in version.payload["criteria"]] == [expected, 100 - expected]
        assert s.exec(select(IcpVersion).where(IcpVersion.icp_id == icp_id)).all()[0].number == 1
        assert s.get(Icp, icp_id).current_version_id == version.id


def test_by_tier_rows_with_totals(alice):
    ws = alice.workspace_id
    a, c = company(ws, "A", tier="A"), company(ws, "C", tier="C")
    deal(ws, a, ["New", "Won"], "1000", created=at(1), closed=at(5))
    deal(ws, a, ["New", "Lost"], "1000", created=at(1), closed=at(5))
    deal(ws, c, ["New", "Lost"], "1000", created=at(1), closed=at(5))
    with db.session_scope() as s:
        rows = calibration.by_tier(s, ws, NOV)
        assert calibration.by_tier(s, ws, periods.parse_period("2020")) == []
    assert [(r["key"], r["closed"], r["won"]) for r in rows] == [
        ("A", 2, 1), ("C", 1, 0), ("all", 3, 1)]
    assert rows[0]["win_rate"] == 0.5 and rows[-1]["avg_cycle_days"] == pytest.approx(4.0)


def test_other_workspace_icp_is_not_found(alice, bob, principal_of):
    with db.session_scope() as s:
        icp_id = icps.create_icp(s, principal_of(alice), ICP).id
    with db.session_scope() as s, pytest.raises(NotFound):
        calibration.apply_suggestion(s, principal_of(bob), icp_id, NOV)
    with db.session_scope() as s:
        assert s.exec(select(Goal)).all() == []
