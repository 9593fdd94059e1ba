"""Objections on POST /activities and GET /personas/{id}/insights: ranked objections,
a new one heard three times suggested, the win rate with and without the persona in
the buying committee; 422 naming the field, 404 across workspaces, viewers read."""

from __future__ import annotations

import pytest
from sqlmodel import select

from tests.api.conftest import bearer
from updoot_app import db
from updoot_app.api.app import API_PREFIX
from updoot_app.models import Company, Contact, Membership, Persona
from updoot_app.services.demo import lifecycle
from updoot_app.services.identity import tokens
from updoot_app.services.identity.access import resolve_session

U = API_PREFIX


@pytest.fixture
def demo(database):
    """(headers, workspace id, Security Sarah's id, a contact playing her)."""
    with db.session_scope() as s:
        ws, session_token = lifecycle.create_demo(s, seed=20261206)
        ws_id = ws.id
    with db.session_scope() as s:
        raw = tokens.create_token(s, resolve_session(s, session_token), "test")
        sarah = s.exec(select(Persona).where(Persona.workspace_id == ws_id,
                                             Persona.name == "Security Sarah")).one()
        contact = s.exec(select(Contact.id).where(Contact.persona_id == sarah.id)).first()
    return bearer(raw), ws_id, sarah.id, contact


def test_objections_logged_on_calls_feed_the_personas_insights(client, demo):
    h, _ws, sarah, contact = demo
    before = client.get(f"{U}/personas/{sarah}/insights", headers=h)
    assert before.status_code == 200, before.text
    out = before.json()
    assert {r["objection"] for r in out["objections"]} >= {
        "Budget is fixed until next fiscal year"}
    assert all(r["count_90d"] == 0 for r in out["objections"]) and out["suggested"] == []
    committee = out["committee"]
    assert committee["with"]["closed"] + committee["without"]["closed"] > 0
    assert committee["with"]["win_rate"] is not None

    # On a contact linked to Sarah: the persona is the contact's own.
    r = client.post(f"{U}/activities", headers=h, json={
        "kind": "call", "contact_id": contact, "summary": "Pricing call",
        "objections": ["budget is fixed until next fiscal year", "We are mid-audit"]})
    assert r.status_code == 201, r.text
    assert r.json()["persona_id"] == sarah
    assert r.json()["objections"] == ["budget is fixed until next fiscal year",
                                      "We are mid-audit"]
    for _ in range(2):
        assert client.post(f"{U}/activities", headers=h, json={
            "kind": "meeting", "contact_id": contact, "persona_id": sarah,
            "objections": ["We are mid-audit"]}).status_code == 201
    out = client.get(f"{U}/personas/{sarah}/insights", headers=h).json()
    top = out["objections"][0]
    assert (top["objection"], top["count_90d"], top["on_persona"]) == (
        "We are mid-audit", 3, False)
    budget = next(r for r in out["objections"]
                  if r["objection"] == "Budget is fixed until next fiscal year")
    assert budget["count_90d"] == 1 and budget["last_seen"]
    assert [s["objection"] for s in out["suggested"]] == ["We are mid-audit"]


@pytest.mark.parametrize(("body", "field"), [
    ({"objections": "Price"}, "objections"),
    ({"objections": ["x" * 301]}, "objections"),
    ({"objections": [f"o{i}" for i in range(11)]}, "objections"),
    ({"persona_id": 999999}, "persona_id"),
])
def test_bad_objections_are_422_naming_the_field(client, demo, body, field):
    h, _ws, _sarah, contact = demo
    r = client.post(f"{U}/activities", headers=h,
                    json={"kind": "call", "contact_id": contact, **body})
    assert r.status_code in (404, 422) and r.json().get("field", "persona_id") == field, r.text


def test_objections_need_a_persona(client, demo):
    h, ws, _sarah, _contact = demo
    with db.session_scope() as s:
        company = s.exec(select(Company.id).where(Company.workspace_id == ws)).first()
    r = client.post(f"{U}/activities", headers=h, json={
        "kind": "note", "company_id": company, "objections": ["Price"]})
    assert r.status_code == 422 and r.json()["field"] == "persona_id"


def test_insights_are_404_elsewhere_and_readable_by_viewers(client, demo, alice, api_token):
    h, ws, sarah, _contact = demo
    assert client.get(f"{U}/personas/{sarah}/insights",
                      headers=bearer(api_token(alice))).status_code == 404
    assert client.post(f"{U}/activities", headers=bearer(api_token(alice)), json={
        "kind": "call", "company_id": 1, "persona_id": sarah}).status_code == 404
    with db.session_scope() as s:
        for m in s.exec(select(Membership).where(Membership.workspace_id == ws)).all():
            m.role = "viewer"
            s.add(m)
    assert client.get(f"{U}/personas/{sarah}/insights", headers=h).status_code == 200
