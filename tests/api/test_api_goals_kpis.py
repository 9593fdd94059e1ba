"""The goals and kpis API: shapes, 422 messages, 404 across workspaces, roles."""

from __future__ import annotations

from datetime import date

from sqlmodel import select

from tests.api.conftest import bearer
from tests.unit.test_kpis import at, company, deal
from updoot_app import db
from updoot_app.api.app import API_PREFIX
from updoot_app.models import BuyingSignal, Membership
from updoot_app.services.identity.access import resolve_session
from updoot_app.services.profiles import icps

U = API_PREFIX


def test_goal_lifecycle_and_progress(client, alice, api_token):
    h = bearer(api_token(alice))
    c = company(alice.workspace_id, "A1", tier="A")
    deal(alice.workspace_id, c, ["New", "Won"], "1234.50", created=at(1), closed=at(2))
    r = client.post(f"{U}/goals", headers=h, json={
        "metric": "revenue", "period": "2026-11", "target": "2000",
        "segment_type": "fit_tier", "segment_value": "A"})
    assert r.status_code == 201, r.text
    goal = r.json()
    assert goal["target"] == "2000.00" and goal["period"]["label"] == "Nov 2026"
    assert goal["progress"]["actual"] == "1234.50" and goal["progress"]["n"] == 1
    assert goal["progress"]["status"] in ("on_track", "at_risk")
    assert goal["owner_id"] == alice.user_id
    gid = goal["id"]
    assert [g["id"] for g in client.get(f"{U}/goals", headers=h).json()] == [gid]
    r = client.patch(f"{U}/goals/{gid}", headers=h, json={"target": "1000"})
    assert r.status_code == 200 and r.json()["progress"]["percent"] == 100
    r = client.post(f"{U}/goals", headers=h, json={"metric": "revenue", "target": "x"})
    assert r.status_code == 422 and r.json()["field"] == "target"
    assert client.get(f"{U}/goals/abc", headers=h).status_code == 422
    assert client.delete(f"{U}/goals/{gid}", headers=h).status_code == 204
    assert client.get(f"{U}/goals/{gid}", headers=h).status_code == 404


def test_other_workspace_goals_are_404(client, alice, bob, api_token):
    ha, hb = bearer(api_token(alice)), bearer(api_token(bob))
    gid = client.post(f"{U}/goals", headers=ha, json={"metric": "new_leads", "target": 5}).json()["id"]
    assert client.get(f"{U}/goals/{gid}", headers=hb).status_code == 404
    assert client.patch(f"{U}/goals/{gid}", headers=hb, json={"target": 1}).status_code == 404
    assert client.delete(f"{U}/goals/{gid}", headers=hb).status_code == 404
    assert client.get(f"{U}/goals", headers=hb).json() == []
    assert client.get(f"{U}/goals/{gid}", headers=ha).json()["target"] == "5.00"


def test_viewer_reads_but_cannot_write(client, alice, api_token):
    h = bearer(api_token(alice))
    gid = client.post(f"{U}/goals", headers=h, json={"metric": "new_leads", "target": 5}).json()["id"]
    with db.session_scope() as s:
        p = resolve_session(s, alice.token)
        m = s.exec(select(Membership).where(Membership.user_id == p.user_id)).one()
        m.role = "viewer"
        s.add(m)
    assert client.get(f"{U}/goals/{gid}", headers=h).status_code == 200
    assert client.post(f"{U}/goals", headers=h, json={"metric": "new_leads",
                                                       "target": 1}).status_code == 403
    assert client.delete(f"{U}/goals/{gid}", headers=h).status_code == 403
    assert client.get(f"{U}/kpis", headers=h).status_code == 200
    assert client.get(f"{U}/goals").status_code == 401
    assert client.get(f"{U}/kpis").status_code == 401


def test_kpis_metric_and_dashboard(client, alice, bob, api_token):
    h, hb = bearer(api_token(alice)), bearer(api_token(bob))
    c = company(alice.workspace_id, "A1", tier="A", created=at(2))
    deal(alice.workspace_id, c, ["New", "Won"], "1000", created=at(1), closed=at(3))
    deal(alice.workspace_id, c, ["New", "Lost"], "500", created=at(1), closed=at(3))
    r = client.get(f"{U}/kpis", headers=h,
                   params={"metric": "win_rate", "period": "2026-11", "segment": "fit_tier:A"})
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["value"] == 0.5 and body["n"] == 2 and body["won"] == 1
    assert body["period"]["start"] == "2026-11-01" and body["segment"]["value"] == "A"
    r = client.get(f"{U}/kpis", headers=h, params={"metric": "revenue", "period": "2026-11"})
    assert r.json()["value"] == "1000.00"
    # No invoices or payments yet: billing answers zero, with the count behind it.
    paid = client.get(f"{U}/kpis", headers=h, params={"metric": "revenue_paid"}).json()
    assert (paid["value"], paid["n"]) == ("0.00", 0)
    full = client.get(f"{U}/kpis", headers=h, params={"period": "2026-11"}).json()
    assert full["summary"]["revenue"] == {"value": "1000.00", "n": 1}
    assert full["funnel"][0] == {"stage_id": full["funnel"][0]["stage_id"], "stage": "New",
                                 "reached": 2, "next_rate": 0.5}
    assert full["by_tier"][0]["key"] == "A" and len(full["trend"]) == 12
    # Bob's workspace sees nothing of Alice's.
    assert client.get(f"{U}/kpis", headers=hb, params={"metric": "revenue",
                                                       "period": "2026-11"}).json()["value"] == "0.00"
    for params, fld in (({"metric": "nope"}, "metric"), ({"period": "someday"}, "period"),
                        ({"segment": "fit_tier:Z"}, "segment_value")):
        r = client.get(f"{U}/kpis", headers=h, params=params)
        assert r.status_code == 422 and r.json()["field"] == fld


def test_calibration_endpoint(client, alice, api_token):
    h = bearer(api_token(alice))
    with db.session_scope() as s:
        icp = icps.create_from_template(s, resolve_session(s, alice.token), "cybersecurity")
        icp_id = icp.id
    r = client.get(f"{U}/kpis/calibration", headers=h)
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["prior_strength"] == 10 and body["by_tier"] == []
    [item] = body["icps"]
    assert item["icp_id"] == icp_id and item["n"] == 0
    assert [c["field"] for c in item["criteria"]] == ["industry", "employees", "geography",
                                                      "triggers"]
    assert all(c["n_match"] == 0 and c["suggested"] == c["weight"] for c in item["criteria"])


def test_breakdown_endpoint(client, alice, api_token):
    h = bearer(api_token(alice))
    a = company(alice.workspace_id, "A1", tier="A", industry="Retail")
    deal(alice.workspace_id, a, ["New", "Won"], "300", created=at(1), closed=at(3))
    r = client.get(f"{U}/kpis/breakdown", headers=h, params={"by": "industry",
                                                            "period": "2026-11"})
    assert r.status_code == 200, r.text
    assert r.json()["rows"] == [{"key": "Retail", "closed": 1, "won": 1, "lost": 0,
                                 "win_rate": 1.0, "revenue": "300.00",
                                 "avg_deal_size": "300.00", "avg_cycle_days": 2.0}]
    bad = client.get(f"{U}/kpis/breakdown", headers=h, params={"by": "password"})
    assert bad.status_code == 422 and bad.json()["field"] == "by"


def test_signal_segment(client, alice, api_token):
    """segment=signal:fresh / signal:none on /kpis, /kpis/breakdown and goals."""
    h = bearer(api_token(alice))
    hot, cold = company(alice.workspace_id, "Hot"), company(alice.workspace_id, "Cold")
    with db.session_scope() as s:
        s.add(BuyingSignal(workspace_id=alice.workspace_id, company_id=hot,
                           trigger="recent funding", occurred_on=date(2026, 10, 25)))
    deal(alice.workspace_id, hot, ["New", "Won"], "100", created=at(1), closed=at(5))
    deal(alice.workspace_id, cold, ["New", "Lost"], "100", created=at(1), closed=at(5))
    deal(alice.workspace_id, cold, ["New", "Won"], "100", created=at(1), closed=at(5))
    q = {"metric": "win_rate", "period": "2026-11"}
    fresh = client.get(f"{U}/kpis", headers=h, params={**q, "segment": "signal:fresh"}).json()
    none = client.get(f"{U}/kpis", headers=h, params={**q, "segment": "signal:none"}).json()
    assert fresh["segment"] == {"type": "signal", "value": "fresh"}
    assert (fresh["value"], fresh["n"]) == (1.0, 1) and (none["value"], none["n"]) == (0.5, 2)
    rows = client.get(f"{U}/kpis/breakdown", headers=h,
                      params={"period": "2026-11", "segment": "signal:none"}).json()["rows"]
    assert sum(r["closed"] for r in rows) == 2
    r = client.get(f"{U}/kpis", headers=h, params={**q, "segment": "signal:maybe"})
    assert r.status_code == 422 and "fresh or none" in r.json()["detail"]
    r = client.post(f"{U}/goals", headers=h, json={
        "metric": "win_rate", "period": "2026-11", "target": "60",
        "segment_type": "signal", "segment_value": "fresh"})
    assert r.status_code == 201, r.text
    assert r.json()["progress"]["n"] == 1
