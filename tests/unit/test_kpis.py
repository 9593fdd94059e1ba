"""Every KPI on small hand-built data sets; the expected answers are worked out here by hand."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from sqlmodel import select

from updoot_app import db
from updoot_app.models import Company, Contact, Deal, DealStageChange, Stage
from updoot_app.services.kpis import (
    billing_figures,
    breakdowns,
    deal_figures,
    funnel,
    lead_figures,
    period_figures,
    periods,
    segments,
    trend,
)
from updoot_app.services.kpis.segments import Segment
from updoot_app.services.platform.errors import ValidationError

NOV = periods.parse_period("2026-11")
OCT = periods.parse_period("2026-10")
Q4 = periods.parse_period("2026-Q4")


def at(day: int, month: int = 11, year: int = 2026) -> datetime:
    return datetime(year, month, day, 12, tzinfo=UTC)


def stage_ids(ws: int) -> dict[str, int]:
    with db.session_scope() as s:
        return {st.name: st.id for st in s.exec(select(Stage).where(Stage.workspace_id == ws))}


def company(ws: int, name: str, *, tier=None, industry="Technology", country="US",
            created=None, icp_id=None, results=None, owner=None) -> int:
    with db.session_scope() as s:
        c = Company(workspace_id=ws, name=name, industry=industry, country=country,
                    fit_tier=tier, fit_icp_id=icp_id, fit_results=results, owner_id=owner,
                    created_at=created or at(1))
        s.add(c)
        s.flush()
        return c.id


def deal(ws: int, company_id: int, path: list[str], value: str, *, created, closed=None,
         owner=None) -> int:
    """A deal that went through `path` (stage names, in order); the last is its stage."""
    ids = stage_ids(ws)
    with db.session_scope() as s:
        d = Deal(workspace_id=ws, company_id=company_id, title="d", value=Decimal(value),
                 stage_id=ids[path[-1]], created_at=created, closed_at=closed, owner_id=owner)
        s.add(d)
        s.flush()
        prev = None
        for name in path:
            s.add(DealStageChange(workspace_id=ws, deal_id=d.id, from_stage_id=prev,
                                  to_stage_id=ids[name], changed_at=created))
            prev = ids[name]
        return d.id


def fig(fn, ws, period=NOV, seg=segments.ALL):
    with db.session_scope() as s:
        return fn(s, ws, period, seg)


@pytest.fixture
def ws(alice):
    return alice.workspace_id


@pytest.fixture
def sample(alice):
    """Nov 2026: 3 won (1000, 2000, 3000; cycles 10, 20, 30 days), 1 lost (500);
    2 open (Qualified 4000 @25 %, Proposal 6000 @50 %). One deal won in October."""
    ws = alice.workspace_id
    a = company(ws, "A1", tier="A", created=at(2))
    b = company(ws, "B1", tier="B", industry="Retail", country="DE", created=at(3))
    c = company(ws, "C1", tier="C", created=at(20, 10))
    won = ["New", "Contacted", "Qualified", "Proposal", "Negotiation", "Won"]
    deal(ws, a, won, "1000", created=at(1), closed=at(11), owner=alice.user_id)
    deal(ws, a, won, "2000", created=at(2), closed=at(22))
    deal(ws, b, ["New", "Won"], "3000", created=at(31, 10), closed=at(30))  # skips stages
    deal(ws, c, ["New", "Contacted", "Qualified", "Lost"], "500", created=at(5), closed=at(6))
    deal(ws, c, ["New", "Contacted", "Qualified"], "4000", created=at(7))
    deal(ws, b, ["New", "Contacted", "Qualified", "Proposal"], "6000", created=at(8))
    deal(ws, a, ["New", "Won"], "9999", created=at(1, 10), closed=at(15, 10))
    return alice


def test_periods_parse_and_bound():
    assert (NOV.start, NOV.end) == (at(1).replace(hour=0), datetime(2026, 12, 1, tzinfo=UTC))
    assert periods.parse_period("2026-12").end == datetime(2027, 1, 1, tzinfo=UTC)
    assert (Q4.start.month, Q4.end.year, Q4.end.month) == (10, 2027, 1)
    assert periods.parse_period("2026").label == "2026"
    q1 = periods.parse_period("2026-Q1")
    assert (q1.start.month, q1.end.month, q1.label) == (1, 4, "Q1 2026")
    custom = periods.parse_period("2026-01-15..2026-01-31")
    assert custom.end == datetime(2026, 2, 1, tzinfo=UTC) and custom.kind == "custom"
    assert periods.period_of("quarter", date(2026, 11, 5)) == Q4
    assert NOV.elapsed_fraction(datetime(2026, 11, 16, tzinfo=UTC)) == pytest.approx(0.5)
    for bad in ("2026-13", "yesterday", "2026-02-10..2026-01-01", 5):
        with pytest.raises(ValidationError):
            periods.parse_period(bad)


def test_segments_are_validated():
    assert segments.parse_segment("fit_tier:a") == Segment("fit_tier", "A")
    assert segments.parse_segment("country:Germany") == Segment("country", "DE")
    assert segments.parse_segment("region:europe").value == "Europe"
    for bad in ("fit_tier:Z", "owner:abc", "planet:Mars", "country:Atlantis", "industry:"):
        with pytest.raises(ValidationError):
            segments.parse_segment(bad)


def test_counts_revenue_win_rate_size_cycle(sample, ws):
    assert fig(lead_figures.new_leads, ws).value == 2  # A1, B1 created in November; C1 in October
    assert fig(lead_figures.icp_fit_leads, ws).value == 2
    assert fig(deal_figures.deals_created, ws).value == 5  # the Oct 31 and Oct 1 deals are October's
    win = fig(deal_figures.win_rate, ws)
    assert (win.value, win.n) == (pytest.approx(3 / 4), 4)
    rev = fig(deal_figures.revenue, ws)
    assert (rev.value, rev.n) == (Decimal("6000"), 3)
    assert fig(deal_figures.avg_deal_size, ws).value == Decimal("2000.00")
    # cycles: Nov 1→11 = 10, Nov 2→22 = 20, Oct 31→Nov 30 = 30 days
    assert fig(deal_figures.sales_cycle_days, ws).value == pytest.approx(20.0)
    assert fig(deal_figures.pipeline_value, ws).value == Decimal("10000.00")
    assert fig(deal_figures.pipeline_weighted, ws).value == Decimal("4000.00")  # 1000 + 3000
    assert (fig(billing_figures.invoiced_revenue, ws).value, fig(billing_figures.invoiced_revenue, ws).n) == (0, 0)
    assert fig(billing_figures.paid_revenue, ws).value == 0
    oct_rev = fig(deal_figures.revenue, ws, OCT)
    assert oct_rev.value == Decimal("9999") and fig(deal_figures.win_rate, ws, OCT).value == 1


def test_empty_period_and_period_without_wins(sample, ws):
    empty = periods.parse_period("2025-03")
    assert fig(lead_figures.new_leads, ws, empty).value == 0
    assert fig(deal_figures.deals_created, ws, empty).value == 0
    assert fig(deal_figures.win_rate, ws, empty).value is None
    assert fig(deal_figures.revenue, ws, empty).value == Decimal(0)
    assert fig(deal_figures.avg_deal_size, ws, empty).value is None
    assert fig(deal_figures.sales_cycle_days, ws, empty).value is None
    assert fig(deal_figures.pipeline_value, ws, empty).value == Decimal(0)  # no deal existed yet
    with db.session_scope() as s:
        assert all(r["reached"] == 0 for r in funnel.funnel(s, ws, empty))
        assert funnel.conversion_rate(s, ws, empty).value is None
    # Only a lost deal closed on Nov 6: win rate 0, no revenue, no size.
    nov6 = periods.parse_period("2026-11-06..2026-11-06")
    win = fig(deal_figures.win_rate, ws, nov6)
    assert (win.value, win.n) == (0, 1)
    assert fig(deal_figures.revenue, ws, nov6).value == Decimal(0)
    assert fig(deal_figures.avg_deal_size, ws, nov6).value is None


def test_funnel_counts_skipped_stages_as_passed(sample, ws):
    with db.session_scope() as s:
        rows = funnel.funnel(s, ws, NOV)
    reached = {r["stage"]: r["reached"] for r in rows}
    # November cohort: won(1000), won(2000), lost from Qualified, open Qualified, open Proposal
    assert reached == {"New": 5, "Contacted": 5, "Qualified": 5, "Proposal": 3,
                       "Negotiation": 2, "Won": 2}
    rates = {r["stage"]: r["next_rate"] for r in rows}
    assert rates["Qualified"] == pytest.approx(3 / 5) and rates["Won"] is None
    # October cohort: one won deal that jumped New → Won (passes through every stage)
    with db.session_scope() as s:
        oct_rows = funnel.funnel(s, ws, OCT)
        assert [r["reached"] for r in oct_rows] == [2, 2, 2, 2, 2, 2]
        assert funnel.conversion_rate(s, ws, NOV).value == pytest.approx(2 / 5)
        q = stage_ids(ws)["Qualified"]
        assert funnel.conversion_rate(s, ws, NOV, segments.ALL, q).value == pytest.approx(3 / 5)
        with pytest.raises(ValidationError):
            funnel.conversion_rate(s, ws, NOV, segments.ALL, stage_ids(ws)["Won"])


def test_segments_filter_deals_and_leads(sample, ws, alice):
    tier_a = Segment("fit_tier", "A")
    assert fig(deal_figures.revenue, ws, NOV, tier_a).value == Decimal("3000")
    assert fig(deal_figures.win_rate, ws, NOV, Segment("fit_tier", "C")).value == 0
    assert fig(deal_figures.revenue, ws, NOV, Segment("country", "DE")).value == Decimal("3000")
    assert fig(deal_figures.revenue, ws, NOV, Segment("region", "Europe")).value == Decimal("3000")
    assert fig(deal_figures.revenue, ws, NOV, Segment("industry", "retail")).value == Decimal("3000")
    assert fig(deal_figures.revenue, ws, NOV, Segment("owner", str(alice.user_id))).value == 1000
    assert fig(lead_figures.new_leads, ws, NOV, tier_a).value == 1
    # competitor: the deals where it was present (won 2000, lost 500)
    from updoot_app.models import Competitor, DealCompetitor

    with db.session_scope() as s:
        rival = Competitor(workspace_id=ws, name="Rival")
        s.add(rival)
        s.flush()
        for value in ("2000", "500"):
            deal_id = s.exec(select(Deal.id).where(Deal.workspace_id == ws,
                                                   Deal.value == Decimal(value))).one()
            s.add(DealCompetitor(workspace_id=ws, deal_id=deal_id, competitor_id=rival.id))
        rival_id = str(rival.id)
    against = Segment("competitor", rival_id)
    assert fig(deal_figures.revenue, ws, NOV, against).value == Decimal("2000")
    assert fig(deal_figures.win_rate, ws, NOV, against).value == pytest.approx(0.5)
    assert fig(lead_figures.new_leads, ws, NOV, against).value == 1  # A1 (C1 came in October)
    with pytest.raises(ValidationError):
        segments.clean_segment("competitor", "Rival")
    with db.session_scope() as s:
        b1 = s.exec(select(Company.id).where(Company.name == "B1")).one()
        s.add(Contact(workspace_id=ws, company_id=b1, first_name="P", persona_id=42))
    assert fig(deal_figures.revenue, ws, NOV, Segment("persona", "42")).value == Decimal("3000")
    assert fig(lead_figures.new_leads, ws, NOV, Segment("persona", "42")).value == 1


def test_other_workspaces_are_invisible(sample, bob):
    other = company(bob.workspace_id, "Bob's", tier="A", created=at(3))
    deal(bob.workspace_id, other, ["New", "Won"], "777", created=at(3), closed=at(4))
    assert fig(deal_figures.revenue, sample.workspace_id).value == Decimal("6000")
    assert fig(deal_figures.revenue, bob.workspace_id).value == Decimal("777")
    assert fig(lead_figures.new_leads, bob.workspace_id).value == 1


def test_trend_breakdown_and_dashboard(sample, ws):
    with db.session_scope() as s:
        months = trend.trend(s, ws, NOV.end, months=3)
        assert [m["month"] for m in months] == ["2026-09", "2026-10", "2026-11"]
        assert [m["deals_created"] for m in months] == [0, 2, 5]
        assert [m["won"] for m in months] == [0, 1, 3]
        assert months[2]["won_value"] == Decimal("6000")
        assert [m["new_leads"] for m in months] == [0, 1, 2]
        tiers = breakdowns.closed_by(s, ws, NOV, "fit_tier")
        assert [(r["key"], r["won"], r["lost"]) for r in tiers] == [
            ("A", 2, 0), ("B", 1, 0), ("C", 0, 1)]
        assert tiers[0]["avg_cycle_days"] == pytest.approx(15.0)
        figures = period_figures.period_figures(s, ws, NOV)
    assert figures["summary"]["revenue"].value == Decimal("6000")
    assert figures["summary"]["win_rate"].n == 4
    assert figures["summary"]["conversion_rate"].value == pytest.approx(2 / 5)
    assert len(figures["trend"]) == 12


def test_invoiced_and_paid_revenue_come_from_billing(alice, ws):
    from tests.unit.billing_helpers import new_invoice, principal
    from updoot_app.services.billing import invoices

    # The worked example of docs/architecture.md ("Money"): total 73.45; a partial payment of 20.00.
    invoice_id = new_invoice(alice, issue_date="2026-11-10")
    with db.session_scope() as s:
        invoices.send_invoice(s, principal(alice), invoice_id)
        invoices.record_payment(s, principal(alice), invoice_id,
                                {"paid_on": "2026-11-15", "amount": "20.00", "method": "card"})
    draft = new_invoice(alice, issue_date="2026-11-11")  # a draft counts for nothing
    assert draft
    invoiced = fig(billing_figures.invoiced_revenue, ws)
    assert (invoiced.value, invoiced.n) == (Decimal("73.45"), 1)
    assert fig(billing_figures.paid_revenue, ws).value == Decimal("20.00")
    assert fig(billing_figures.invoiced_revenue, ws, OCT).value == 0
    by_tier = fig(billing_figures.invoiced_revenue, ws, NOV, Segment("fit_tier", "A"))
    assert by_tier.value is None and "all segments" in by_tier.detail["note"]


def test_trend_of_a_segment_and_of_another_workspace(sample, bob, ws):
    """The trend's statement is built once per shape and reused with new parameters:
    a segment's figures, and another workspace's, must still be their own."""
    other = company(bob.workspace_id, "Bob's", tier="A", created=at(3))
    deal(bob.workspace_id, other, ["New", "Won"], "777", created=at(3), closed=at(4))
    with db.session_scope() as s:
        tier_a = trend.trend(s, ws, NOV.end, Segment("fit_tier", "A"), months=2)
        retail = trend.trend(s, ws, NOV.end, Segment("industry", "retail"), months=2)
        mine = trend.trend(s, ws, NOV.end, months=2)
        bobs = trend.trend(s, bob.workspace_id, NOV.end, months=2)
    # Tier A: A1's deal of 9999 created and won in October; 1000 and 2000 in November.
    assert [(m["deals_created"], m["won"], m["new_leads"]) for m in tier_a] == [
        (1, 1, 0), (2, 2, 1)]
    assert tier_a[1]["won_value"] == Decimal("3000")
    # Retail is B1: 3000 created on 31 October and won in November, 6000 created in
    # November; B1 itself created in November.
    assert [(m["deals_created"], m["won"], m["new_leads"]) for m in retail] == [
        (1, 0, 0), (1, 1, 1)]
    assert [m["deals_created"] for m in mine] == [2, 5]
    assert [(m["deals_created"], m["won"], m["won_value"]) for m in bobs] == [
        (0, 0, Decimal("0.0000")), (1, 1, Decimal("777"))]


def test_dashboard_bundle_is_the_same_serial_or_on_threads(sample, alice, principal_of,
                                                           monkeypatch):
    """A small workspace's figures are computed in one session, a large one's on
    threads: both ways must give the same bundle."""
    from updoot_app.services.kpis import dashboard

    p = principal_of(alice)
    serial = dashboard.compute(p, "quarter", now=at(15))
    monkeypatch.setattr(dashboard, "PARALLEL_FROM", 1)
    threaded = dashboard.compute(p, "quarter", now=at(15))
    assert serial == threaded
    assert serial["figures"]["summary"]["revenue"].value > 0
