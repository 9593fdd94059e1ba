"""/tasks, /companies/{id}/signals, /signals/{id} and /today over HTTP: shapes,
422 naming the field with nothing written, 404 across workspaces, viewers read."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import func
from sqlmodel import select

from tests.api.conftest import bearer
from tests.unit.today_helpers import A_FIT, with_icp
from updoot_app import db
from updoot_app.models import BuyingSignal, FollowUp, Membership
from updoot_app.services.identity import workspaces


def count(model):
    with db.session_scope() as s:
        return s.exec(select(func.count()).select_from(model)).one()


def test_tasks_crud_filters_and_completion(client, alice, api_token):
    h = bearer(api_token(alice))
    acme = client.post("/api/v1/companies", json={"name": "Acme"}, headers=h).json()["id"]
    deal = client.post("/api/v1/deals", json={"company_id": acme, "title": "Acme rollout"},
                       headers=h).json()["id"]
    today = date.today()
    r = client.post("/api/v1/tasks", headers=h, json={
        "title": "Call Dana", "type": "call", "due_on": (today - timedelta(days=2)).isoformat(),
        "due_at": None, "deal_id": deal, "notes": "about the rollout"})
    assert r.status_code == 201, r.text
    task = r.json()
    assert task["company_id"] == acme and task["assignee_id"] == alice.user_id
    assert task["done"] is False and task["overdue"] is True and task["type"] == "call"
    later = client.post("/api/v1/tasks", headers=h, json={
        "title": "Send deck", "due_on": (today + timedelta(days=10)).isoformat()}).json()
    listed = client.get("/api/v1/tasks", headers=h, params={
        "due_before": (today + timedelta(days=1)).isoformat(), "done": "false",
        "assignee_id": alice.user_id}).json()
    assert [t["id"] for t in listed["items"]] == [task["id"]] and listed["total"] == 1
    done = client.patch(f"/api/v1/tasks/{task['id']}", json={"done": True}, headers=h).json()
    assert done["done"] is True and done["next"]["title"] == "Follow up: Call Dana"
    assert done["next"]["deal_id"] == deal
    assert client.get("/api/v1/tasks", headers=h,
                      params={"done": "true"}).json()["total"] == 1
    reopened = client.patch(f"/api/v1/tasks/{task['id']}", json={"done": False, "title": "Call"},
                            headers=h).json()
    assert reopened["done"] is False and reopened["title"] == "Call"
    assert client.get(f"/api/v1/tasks/{later['id']}", headers=h).json()["title"] == "Send deck"
    assert client.delete(f"/api/v1/tasks/{later['id']}", headers=h).status_code == 204
    assert client.get(f"/api/v1/tasks/{later['id']}", headers=h).status_code == 404


def test_bad_input_is_422_naming_the_field_and_writes_nothing(client, alice, bob, api_token):
    h = bearer(api_token(alice))
    theirs = client.post("/api/v1/companies", json={"name": "Theirs"},
                         headers=bearer(api_token(bob))).json()["id"]
    for body, field in (({"title": "x" * 10_000}, "title"),
                        ({"title": "x", "due_on": "20260-01-01"}, "due_on"),
                        ({"title": "x", "assignee_id": bob.user_id}, "assignee_id"),
                        ({"title": "x", "assignee_id": 987654}, "assignee_id"),
                        ({"title": "x", "company_id": theirs}, "company_id"),
                        ({"title": "x", "type": "fax"}, "type"),
                        ({"title": "x", "colour": "red"}, "colour")):
        r = client.post("/api/v1/tasks", json=body, headers=h)
        assert r.status_code == 422, (body, r.text)
        assert r.json()["field"] == field, r.json()
        assert r.json()["detail"]
    assert count(FollowUp) == 0


def test_other_workspace_is_404_and_viewers_read_only(client, alice, bob, api_token):
    h = bearer(api_token(alice))
    acme = client.post("/api/v1/companies", json={"name": "Acme"}, headers=h).json()["id"]
    task = client.post("/api/v1/tasks", json={"title": "x"}, headers=h).json()["id"]
    sig = client.post(f"/api/v1/companies/{acme}/signals", json={"trigger": "recent funding"},
                      headers=h).json()["id"]
    hb = bearer(api_token(bob))
    assert client.get(f"/api/v1/tasks/{task}", headers=hb).status_code == 404
    assert client.patch(f"/api/v1/tasks/{task}", json={"done": True}, headers=hb).status_code == 404
    assert client.delete(f"/api/v1/tasks/{task}", headers=hb).status_code == 404
    assert client.get(f"/api/v1/companies/{acme}/signals", headers=hb).status_code == 404
    assert client.post(f"/api/v1/companies/{acme}/signals", json={"trigger": "x"},
                       headers=hb).status_code == 404
    assert client.delete(f"/api/v1/signals/{sig}", headers=hb).status_code == 404
    with db.session_scope() as s:  # Alice becomes a viewer of her own workspace
        m = s.exec(select(Membership).where(Membership.user_id == alice.user_id)).one()
        m.role = "viewer"
        s.add(m)
    assert client.get("/api/v1/tasks", headers=h).json()["total"] == 1
    assert client.get("/api/v1/today", headers=h).status_code == 200
    assert client.post("/api/v1/tasks", json={"title": "y"}, headers=h).status_code == 403
    assert client.post(f"/api/v1/companies/{acme}/signals", json={"trigger": "x"},
                       headers=h).status_code == 403
    assert client.delete(f"/api/v1/signals/{sig}", headers=h).status_code == 403
    assert count(FollowUp) == 1 and count(BuyingSignal) == 1


def test_signals_and_today(client, alice, api_token):
    with_icp(alice)
    h = bearer(api_token(alice))
    acme = client.post("/api/v1/companies", json={"name": "Acme", **A_FIT}, headers=h).json()
    assert acme["fit"]["tier"] == "A"
    five_ago = (date.today() - timedelta(days=5)).isoformat()
    r = client.post(f"/api/v1/companies/{acme['id']}/signals", headers=h, json={
        "trigger": "recent funding", "occurred_on": five_ago, "note": "https://example.com"})
    assert r.status_code == 201, r.text
    assert r.json()["fresh"] is True and r.json()["days_ago"] == 5
    bad = client.post(f"/api/v1/companies/{acme['id']}/signals", headers=h,
                      json={"trigger": "x", "occurred_on": "20260-01-01"})
    assert bad.status_code == 422 and bad.json()["field"] == "occurred_on"
    items = client.get("/api/v1/today", headers=h).json()["items"]
    assert items == [{
        "kind": "buying_signal", "rank": 1,
        "reason": "Acme (A · 100) had 'recent funding' 5 days ago and has no open deal",
        "points": items[0]["points"], "company_id": acme["id"], "deal_id": None,
        "task_id": None, "signal_id": r.json()["id"], "due_on": None,
        "trigger": "recent funding", "occurred_on": five_ago}]
    listed = client.get(f"/api/v1/companies/{acme['id']}/signals", headers=h).json()["items"]
    assert [s["trigger"] for s in listed] == ["recent funding"]
    assert client.get("/api/v1/today", params={"scope": "all"}, headers=h).status_code == 422
    with db.session_scope() as s:
        workspaces.add_member_without_login(s, alice.workspace_id, email="m@example.com",
                                            name="M", role="member")
    assert client.delete(f"/api/v1/signals/{r.json()['id']}", headers=h).status_code == 204
    assert client.get("/api/v1/today", headers=h).json()["items"] == []


def test_follow_up_kpis(client, alice, api_token):
    h = bearer(api_token(alice))
    acme = client.post("/api/v1/companies", json={"name": "Acme"}, headers=h).json()["id"]
    deal = client.post("/api/v1/deals", json={"company_id": acme, "title": "A"},
                       headers=h).json()["id"]
    client.post("/api/v1/deals", json={"company_id": acme, "title": "B"}, headers=h)
    task = client.post("/api/v1/tasks", json={"title": "x", "deal_id": deal}, headers=h).json()
    client.post("/api/v1/tasks", json={"title": "y", "deal_id": deal}, headers=h)
    client.patch(f"/api/v1/tasks/{task['id']}", json={"done": True}, headers=h)
    r = client.get("/api/v1/kpis/follow-ups", params={"period": "month"}, headers=h)
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["follow_ups_done"] == [{"user_id": alice.user_id, "email": alice.email,
                                        "done": 1}]
    assert body["next_steps"]["share"] == 0.5
    assert body["win_rate_by_signal"]["fresh"] == {"won": 0, "lost": 0, "win_rate": None}
    assert client.get("/api/v1/kpis/follow-ups", params={"period": "someday"},
                      headers=h).status_code == 422
    listed = client.get("/api/v1/deals", params={"next_step": "none"}, headers=h).json()
    assert [d["title"] for d in listed["items"]] == ["B"]
