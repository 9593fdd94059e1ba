"""The dashboard and goals pages, called as the browser calls them."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from decimal import Decimal

from sqlmodel import select

from tests.state.conftest import as_plotly, call, new_state, toast_text
from updoot_app import db
from updoot_app.models import BuyingSignal, Company, Deal, Goal, IcpVersion, Stage
from updoot_app.services.demo import seed as demo_seed
from updoot_app.services.identity.access import resolve_session
from updoot_app.services.kpis import goals
from updoot_app.services.profiles import icps
from updoot_app.state.kpis.dashboard_state import DashboardState, to_csv
from updoot_app.state.kpis.goals_state import SEGMENT_CHOICES, GoalsState


def seed(actor, n=60):
    with db.session_scope() as s:
        demo_seed.seed_workspace(s, actor.workspace_id, [actor.user_id], companies=n)


def _stages(workspace_id):
    with db.session_scope() as s:
        return s.exec(select(Stage).where(Stage.workspace_id == workspace_id)).all()


def principal(actor):
    with db.session_scope() as s:
        return resolve_session(s, actor.token)


def test_dashboard_loads_figures_charts_and_small_state(alice):
    seed(alice)
    state = new_state(DashboardState, alice.token)
    call(state, "load")
    assert state.companies == 60 and state.period == "quarter"
    assert {r["metric"] for r in state.kpi_rows} >= {"Win rate", "Revenue (won deals)"}
    assert [r["stage"] for r in state.funnel_rows][0] == "New"
    assert len(state.trend_rows) == 12
    funnel, trend, tiers = (as_plotly(f) for f in (state.funnel_fig, state.trend_fig,
                                                   state.tier_fig))
    assert list(funnel.data[0].y) == [r["stage"] for r in state.funnel_rows][::-1]
    assert [t.name for t in trend.data] == ["Deals created", "Deals won"]
    assert len(trend.data[0].x) == 12 and tiers.layout.yaxis.title.text == "Win rate %"
    call(state, "set_period", "year")
    assert state.period == "year" and state.period_label == str(datetime.now(UTC).year)
    assert "period" in toast_text(call(state, "set_period", "decade")) or state.period == "year"
    size = len(json.dumps(state.dict(), default=str))
    assert size < 300_000


def test_tables_toggle_and_csv(alice):
    seed(alice)
    state = new_state(DashboardState, alice.token)
    call(state, "load")
    call(state, "toggle_table", "funnel")
    assert state.tables_open == ["funnel"]
    call(state, "toggle_table", "funnel")
    call(state, "toggle_table", "<script>")
    assert state.tables_open == []
    event = call(state, "download_csv", "funnel")
    assert "updoot-funnel.csv" in str(event) and "Stage" not in str(event)  # keys as header
    assert to_csv([{"a": "=cmd()", "b": "-5", "c": "-x"}]).splitlines()[1] == "'=cmd(),-5,'-x"
    assert "Unknown table" in toast_text(call(state, "download_csv", "users"))


def test_goals_page_create_list_delete_and_errors(alice):
    seed(alice)
    state = new_state(GoalsState, alice.token)
    call(state, "load")
    assert state.goal_rows == [] and len(state.owners) == 1 and len(state.open_stages) == 5
    call(state, "create", {"metric": "deals_created", "period_kind": "month", "target": "5",
                           "segment_type": "all"})
    assert state.form_error == "" and len(state.goal_rows) == 1
    row = state.goal_rows[0]
    assert row["status"] in ("on_track", "at_risk", "not_started") and row["target"] == "5"
    call(state, "create", {"metric": "revenue", "target": "-1"})
    assert "zero or more" in state.form_error and len(state.goal_rows) == 1
    # The dashboard shows the goal's progress.
    dash = new_state(DashboardState, alice.token)
    call(dash, "load")
    assert [g["title"] for g in dash.goal_rows] == [row["title"]]
    call(state, "delete", row["id"])
    assert state.goal_rows == []


def test_other_workspaces_goals_and_icps_are_not_found(alice, bob):
    with db.session_scope() as s:
        gid = goals.create_goal(s, principal(alice), {"metric": "revenue", "target": 1}).id
        icp_id = icps.create_from_template(s, principal(alice), "cybersecurity").id
    state = new_state(GoalsState, bob.token)
    assert "not found" in toast_text(call(state, "delete", str(gid))).lower()
    dash = new_state(DashboardState, bob.token)
    call(dash, "load")
    assert dash.goal_rows == [] and dash.calib_icps == []
    assert "not found" in toast_text(call(dash, "apply_suggestion", str(icp_id))).lower()
    for bad in ("abc", None, -1, {"x": 1}):
        assert toast_text(call(dash, "apply_suggestion", bad))
    with db.session_scope() as s:
        assert len(s.exec(select(Goal)).all()) == 1
        assert len(s.exec(select(IcpVersion)).all()) == 1


def test_apply_suggestion_makes_a_new_version_and_rescores(alice):
    seed(alice, 300)
    with db.session_scope() as s:
        icp = icps.create_from_template(s, principal(alice), "cybersecurity")
        icp_id = icp.id
    dash = new_state(DashboardState, alice.token)
    call(dash, "set_period", "year")
    item = next(i for i in dash.calib_icps if i["icp_id"] == str(icp_id))
    if item["has_suggestion"]:
        result = call(dash, "apply_suggestion", str(icp_id))
        assert "version 2" in toast_text(result)
        assert any("rescore" in str(spec) for spec in result)
        with db.session_scope() as s:
            assert len(s.exec(select(IcpVersion).where(IcpVersion.icp_id == icp_id)).all()) == 2
    else:  # pragma: no cover - depends on the seeded data
        assert "no weight change" in toast_text(call(dash, "apply_suggestion", str(icp_id)))


def test_viewer_cannot_write(alice):
    from updoot_app.models import Membership

    with db.session_scope() as s:
        m = s.exec(select(Membership).where(Membership.user_id == alice.user_id)).one()
        m.role = "viewer"
        s.add(m)
    state = new_state(GoalsState, alice.token)
    assert "read-only" in toast_text(call(state, "create", {"metric": "revenue", "target": 1}))
    dash = new_state(DashboardState, alice.token)
    call(dash, "load")  # viewers read
    assert "read-only" in toast_text(call(dash, "apply_suggestion", "1"))



def test_dashboard_shows_invoiced_and_paid_revenue_from_billing(alice):
    from tests.unit.billing_helpers import new_invoice
    from tests.unit.billing_helpers import principal as billing_principal
    from updoot_app.services.billing import invoices

    today = datetime.now(UTC).date().isoformat()
    invoice_id = new_invoice(alice, issue_date=today)  # docs/architecture.md, "Money": 73.45
    with db.session_scope() as s:
        invoices.send_invoice(s, billing_principal(alice), invoice_id)
        invoices.record_payment(s, billing_principal(alice), invoice_id,
                                {"paid_on": today, "amount": "20.00", "method": "card"})
    state = new_state(DashboardState, alice.token)
    call(state, "load")
    rows = {r["metric"]: r for r in state.kpi_rows}
    invoiced = next(r for m, r in rows.items() if "nvoiced" in m)
    paid = next(r for m, r in rows.items() if "paid" in m.lower())
    assert (invoiced["value"], invoiced["n"], invoiced["note"]) == ("$73.45", "1", "")
    assert paid["value"] == "$20.00"


def test_goals_page_offers_the_signal_segment(alice):
    """The segment picker lists "Signal"; a goal on signal: fresh is set, a wrong
    value is a clear message and sets nothing."""
    state = new_state(GoalsState, alice.token)
    call(state, "load")
    assert {"value": "signal", "label": "Signal"} in SEGMENT_CHOICES
    call(state, "create", {"metric": "win_rate", "period_kind": "month", "target": "50",
                           "segment_type": "signal", "segment_value": "stale"})
    assert "fresh or none" in state.form_error and state.goal_rows == []
    call(state, "create", {"metric": "win_rate", "period_kind": "month", "target": "50",
                           "segment_type": "signal", "segment_value": "fresh"})
    assert state.form_error == "" and len(state.goal_rows) == 1
    assert "Signal: fresh" in state.goal_rows[0]["title"]


def test_dashboard_figures_by_buying_signal(alice):
    """The signal picker narrows the period's figures to deals opened with a fresh
    signal (or without one); the at-a-glance cards stay the whole workspace's."""
    now = datetime.now(UTC)
    stages = {st.name: st.id for st in _stages(alice.workspace_id)}
    with db.session_scope() as s:
        hot = Company(workspace_id=alice.workspace_id, name="Hot")
        cold = Company(workspace_id=alice.workspace_id, name="Cold")
        s.add_all([hot, cold])
        s.flush()
        s.add(BuyingSignal(workspace_id=alice.workspace_id, company_id=hot.id,
                           trigger="recent funding", occurred_on=now.date()))
        for company_id, stage in ((hot.id, "Won"), (cold.id, "Lost"), (cold.id, "Lost")):
            s.add(Deal(workspace_id=alice.workspace_id, company_id=company_id, title="d",
                       value=Decimal("100"), stage_id=stages[stage], created_at=now,
                       closed_at=now))
    state = new_state(DashboardState, alice.token)
    call(state, "load")

    def win_rate() -> tuple[str, str]:
        row = next(r for r in state.kpi_rows if r["metric"] == "Win rate")
        return row["value"], row["n"]

    assert state.signal == "all" and win_rate()[1] == "3"
    call(state, "set_signal", "fresh")
    assert state.signal_label == " · deals with a fresh signal"
    assert win_rate()[1] == "1" and win_rate()[0].startswith("100")
    call(state, "set_signal", "none")
    assert win_rate()[1] == "2" and win_rate()[0].startswith("0")
    assert state.open_deals == 0 and state.won_lost.startswith("1 won · 2 lost")
    assert "all, fresh or none" in toast_text(call(state, "set_signal", "stale"))
    assert state.signal == "none"
