"""/reminder-schedule and /recurring-invoices: shapes, roles (403), another
workspace's rows (404), and 422 naming the field with nothing changed."""

from __future__ import annotations

from datetime import date

import pytest
from sqlmodel import select

from tests.api.conftest import bearer
from tests.state.test_billing_settings_state import member_of
from tests.unit.billing_helpers import new_invoice, principal, seed_people
from updoot_app import db
from updoot_app.models import Membership
from updoot_app.services.billing import invoices
from updoot_app.services.billing.documents import today
from updoot_app.services.mail import recurring_runs

SCHEDULE = "/api/v1/reminder-schedule"
RECURRING = "/api/v1/recurring-invoices"
START = date(today().year + 1, 1, 31)
STEPS = [{"offset_days": -3, "subject": "Soon {number}", "message": "Due {due_date}."},
         {"offset_days": 7, "subject": "Late {number}", "message": "{balance} open."}]


def set_role(owner, actor, role):
    """Change a member's role (tokens are made as a member: a viewer cannot make one)."""
    with db.session_scope() as s:
        membership = s.exec(select(Membership).where(
            Membership.user_id == actor.user_id,
            Membership.workspace_id == owner.workspace_id)).one()
        membership.role = role
        s.add(membership)


@pytest.fixture
def h(alice, api_token):
    return bearer(api_token(alice))


@pytest.fixture
def source(alice, bob):
    people = seed_people(alice, bob)
    iid = new_invoice(alice, company_id=people["acme"], contact_id=people["jane"])
    invoices.finalise(principal(alice), iid)
    return iid


def test_reminder_schedule_read_and_replace(client, h):
    r = client.get(SCHEDULE, headers=h)
    assert r.status_code == 200
    assert r.json()["enabled"] is False and len(r.json()["steps"]) == 4
    r = client.put(SCHEDULE, json={"enabled": True, "steps": STEPS}, headers=h)
    assert r.status_code == 200, r.text
    assert r.json()["enabled"] is True
    assert [(s["offset_days"], s["label"]) for s in r.json()["steps"]] == [
        (-3, "3 days before the due date"), (7, "7 days after the due date")]
    assert client.get(SCHEDULE, headers=h).json() == r.json()


@pytest.mark.parametrize("body, field", [
    ({"enabled": "yes", "steps": []}, "enabled"),
    ({"enabled": True}, "steps"),
    ({"enabled": True, "steps": [{**STEPS[0], "offset_days": 999}]}, "steps.0.offset_days"),
    ({"enabled": True, "steps": [STEPS[0], STEPS[0]]}, "steps.1.offset_days"),
    ({"enabled": True, "steps": [{**STEPS[0], "subject": "a\r\nBcc: x@y.z"}]},
     "steps.0.subject"),
    ({"enabled": True, "steps": [{**STEPS[0], "message": "{nope}"}]}, "steps.0.message"),
    ({"enabled": True, "steps": [], "extra": 1}, "extra"),
])
def test_bad_schedule_is_422_naming_the_field_and_changes_nothing(client, h, body, field):
    r = client.put(SCHEDULE, json=body, headers=h)
    assert r.status_code == 422, r.text
    assert r.json()["field"] == field
    assert client.get(SCHEDULE, headers=h).json()["enabled"] is False


@pytest.mark.parametrize("role", ["member", "viewer"])
def test_members_and_viewers_read_but_cannot_change_the_schedule(client, alice, api_token,
                                                                   role):
    actor = member_of(alice, "member")
    token = api_token(actor)
    set_role(alice, actor, role)
    other = bearer(token)
    assert client.get(SCHEDULE, headers=other).status_code == 200
    r = client.put(SCHEDULE, json={"enabled": True, "steps": []}, headers=other)
    assert r.status_code == 403


def test_recurring_lifecycle(client, alice, h, source):
    r = client.post(RECURRING, json={"invoice_id": source, "frequency": "monthly",
                                     "start_date": START.isoformat(), "count": 2,
                                     "email_each": False}, headers=h)
    assert r.status_code == 201, r.text
    body = r.json()
    sid = body["id"]
    assert (body["status"], body["next_run_date"], body["count"], body["invoices"]) == (
        "active", START.isoformat(), 2, [])
    assert body["invoice_number"].startswith("INV-")
    assert recurring_runs.run_due_recurring(START) == 1
    got = client.get(f"{RECURRING}/{sid}", headers=h).json()
    assert got["invoices_created"] == 1 and got["invoices"][0]["status"] == "sent"
    assert got["invoices"][0]["total"] == client.get(
        f"/api/v1/invoices/{source}", headers=h).json()["total"]
    listed = client.get(RECURRING, params={"invoice_id": source}, headers=h).json()
    assert listed["total"] == 1 and listed["items"][0]["id"] == sid
    r = client.patch(f"{RECURRING}/{sid}", json={"status": "paused"}, headers=h)
    assert r.status_code == 200 and r.json()["status"] == "paused"
    r = client.patch(f"{RECURRING}/{sid}", json={"status": "ended"}, headers=h)
    assert r.json()["status"] == "ended" and r.json()["next_run_date"] is None
    assert client.delete(f"{RECURRING}/{sid}", headers=h).status_code == 204
    assert client.get(f"{RECURRING}/{sid}", headers=h).status_code == 404
    assert client.get(f"/api/v1/invoices/{got['invoices'][0]['invoice_id']}",
                      headers=h).status_code == 200


@pytest.mark.parametrize("change, field", [
    ({"frequency": "weekly"}, "frequency"),
    ({"start_date": "2001-01-01"}, "start_date"),
    ({"count": 0}, "count"),
    ({"email_each": "yes"}, "email_each"),
    ({"end_date": "1999-12-31"}, "end_date"),
])
def test_bad_recurring_is_422_naming_the_field(client, h, source, change, field):
    body = {"invoice_id": source, "frequency": "monthly", "start_date": START.isoformat(),
            **change}
    r = client.post(RECURRING, json=body, headers=h)
    assert r.status_code == 422, r.text
    assert r.json()["field"] == field
    assert client.get(RECURRING, headers=h).json()["total"] == 0


def test_another_workspaces_schedule_is_404_and_viewers_cannot_write(client, alice, bob,
                                                                     api_token, h, source):
    sid = client.post(RECURRING, json={"invoice_id": source, "frequency": "yearly",
                                       "start_date": START.isoformat()}, headers=h).json()["id"]
    theirs = bearer(api_token(bob))
    assert client.get(f"{RECURRING}/{sid}", headers=theirs).status_code == 404
    assert client.patch(f"{RECURRING}/{sid}", json={"status": "paused"},
                        headers=theirs).status_code == 404
    assert client.delete(f"{RECURRING}/{sid}", headers=theirs).status_code == 404
    assert client.post(RECURRING, json={"invoice_id": source, "frequency": "yearly",
                                        "start_date": START.isoformat()},
                       headers=theirs).status_code == 404
    assert client.get(RECURRING, headers=theirs).json()["total"] == 0
    actor = member_of(alice, "member")
    token = bearer(api_token(actor))
    set_role(alice, actor, "viewer")
    assert client.get(f"{RECURRING}/{sid}", headers=token).status_code == 200
    assert client.patch(f"{RECURRING}/{sid}", json={"status": "paused"},
                        headers=token).status_code == 403
