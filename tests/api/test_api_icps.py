"""The ICP and persona API: shapes, re-scoring, 422 messages, 404 across workspaces, roles."""

from __future__ import annotations

import copy

import pytest
from sqlmodel import select

from tests.api.conftest import bearer
from updoot_app import db
from updoot_app.api.app import API_PREFIX
from updoot_app.models import Company, Membership
from updoot_app.services.demo.seed import seed_workspace
from updoot_app.services.profiles import icps
from updoot_app.services.profiles.examples import DESIGN_ICP

EXAMPLE = DESIGN_ICP
U = API_PREFIX


def seed(actor, n=50):
    with db.session_scope() as s:
        seed_workspace(s, actor.workspace_id, [actor.user_id], companies=n)


def company_ids(actor):
    with db.session_scope() as s:
        return s.exec(select(Company.id).where(Company.workspace_id == actor.workspace_id)
                      .order_by(Company.id)).all()


def test_create_from_the_design_example_rescores_companies(client, alice, api_token):
    seed(alice)
    h = bearer(api_token(alice))
    cid = company_ids(alice)[0]
    assert client.get(f"{U}/companies/{cid}/fit", headers=h).json() == {
        "score": None, "tier": None, "icp_id": None, "coverage": None, "explanation": []}

    r = client.post(f"{U}/icps", headers=h, json=EXAMPLE)
    assert r.status_code == 201, r.text
    icp = r.json()
    assert icp["name"] == EXAMPLE["name"] and icp["kind"] == "b2b" and icp["is_active"]
    assert icp["version"] == 1
    assert icp["criteria"] == EXAMPLE["criteria"]
    assert icp["disqualifiers"] == EXAMPLE["disqualifiers"]
    assert sum(icp["tier_counts"].values()) == 50

    fits = [client.get(f"{U}/companies/{c}/fit", headers=h).json() for c in company_ids(alice)]
    assert all(f["icp_id"] == icp["id"] and f["tier"] in ("A", "B", "C", "D", "not_a_fit")
               for f in fits)
    one = fits[0]
    assert 0 <= one["score"] <= 100 and 0 <= one["coverage"] <= 1
    assert [e["field"] for e in one["explanation"][:4]] == [
        "industry", "employees", "geography", "tech_stack"]
    assert one["summary"].startswith(f"{one['score']} · ")
    assert {e["result"] for f in fits for e in f["explanation"]} <= {
        "match", "miss", "unknown", "disqualified"}

    listed = client.get(f"{U}/icps", headers=h).json()
    assert [i["id"] for i in listed] == [icp["id"]]
    detail = client.get(f"{U}/icps/{icp['id']}", headers=h).json()
    assert detail["personas_count"] == 0 and detail["persona_warnings"]


def test_money_bounds_are_decimal_strings(client, alice, api_token):
    h = bearer(api_token(alice))
    body = copy.deepcopy(EXAMPLE) | {"criteria": [
        {"field": "annual_revenue", "min": 1000000.5, "max": "50000000", "weight": 100}]}
    r = client.post(f"{U}/icps", headers=h, json=body)
    assert r.status_code == 201, r.text
    assert r.json()["criteria"] == [
        {"field": "annual_revenue", "min": "1000000.5", "max": "50000000", "weight": 100}]


def test_patch_versions_and_restore(client, alice, api_token):
    seed(alice, 30)
    h = bearer(api_token(alice))
    icp_id = client.post(f"{U}/icps", headers=h, json=EXAMPLE).json()["id"]
    r = client.patch(f"{U}/icps/{icp_id}", headers=h, json={"criteria": [
        {"field": "industry", "values": ["Healthcare"], "weight": 100}]})
    assert r.status_code == 200, r.text
    assert r.json()["version"] == 2 and r.json()["criteria"][0]["values"] == ["Healthcare"]
    with db.session_scope() as s:
        rows = s.exec(select(Company.industry, Company.fit_score)
                      .where(Company.workspace_id == alice.workspace_id)).all()
    assert all((score == 100) == (industry == "Healthcare") for industry, score in rows)

    versions = client.get(f"{U}/icps/{icp_id}/versions", headers=h).json()
    assert [v["number"] for v in versions] == [1, 2]
    assert versions[0]["payload"]["criteria"] == EXAMPLE["criteria"]

    r = client.post(f"{U}/icps/{icp_id}/versions/1/restore", headers=h)
    assert r.status_code == 200, r.text
    assert r.json()["version"] == 3 and r.json()["criteria"] == EXAMPLE["criteria"]
    assert r.json()["restored_from"] == 1
    assert client.post(f"{U}/icps/{icp_id}/versions/7/restore", headers=h).status_code == 404

    r = client.patch(f"{U}/icps/{icp_id}", headers=h, json={"is_active": False})
    assert r.json()["is_active"] is False and r.json()["version"] == 3
    assert sum(r.json()["tier_counts"].values()) == 0

    assert client.delete(f"{U}/icps/{icp_id}", headers=h).status_code == 204
    assert client.get(f"{U}/icps/{icp_id}", headers=h).status_code == 404


@pytest.mark.parametrize(("change", "field", "words"), [
    ({"criteria": [{"field": "industry", "values": ["Technology"], "weight": 60}]},
     "criteria", "100"),
    ({"criteria": [{"field": "employees", "min": 2000, "max": 500, "weight": 100}]},
     "criteria[0].min", "greater than the maximum"),
    ({"criteria": [{"field": "geography", "values": ["Atlantis"], "weight": 100}]},
     "criteria[0].values", "Atlantis"),
    ({"criteria": []}, "criteria", "at least one criterion"),
    ({"name": ""}, "name", "name"),
])
def test_invalid_icps_get_422_naming_the_field(client, alice, api_token, change, field, words):
    h = bearer(api_token(alice))
    r = client.post(f"{U}/icps", headers=h, json=copy.deepcopy(EXAMPLE) | change)
    assert r.status_code == 422, r.text
    assert r.json()["field"] == field and words in r.json()["detail"]
    assert client.get(f"{U}/icps", headers=h).json() == []
    icp_id = client.post(f"{U}/icps", headers=h, json=EXAMPLE).json()["id"]
    r = client.patch(f"{U}/icps/{icp_id}", headers=h, json=change)
    assert r.status_code == 422 and r.json()["field"] == field
    assert client.get(f"{U}/icps/{icp_id}", headers=h).json()["version"] == 1


def test_personas_and_templates(client, alice, api_token):
    h = bearer(api_token(alice))
    templates = client.get(f"{U}/icps/templates", headers=h).json()
    cyber = next(t for t in templates if t["key"] == "cybersecurity")
    assert "compliance" in cyber["icp"]["pain_points"]
    r = client.post(f"{U}/icps", headers=h, json=cyber["icp"])
    assert r.status_code == 201, r.text
    icp_id = r.json()["id"]
    assert r.json()["pain_points"][0] == "compliance"

    r = client.post(f"{U}/icps/{icp_id}/personas", headers=h, json=cyber["personas"][0])
    assert r.status_code == 201, r.text
    sarah = r.json()
    assert sarah["name"] == "Security Sarah" and sarah["buying_role"] == "economic_buyer"
    assert sarah["icp_id"] == icp_id and sarah["goals"]

    r = client.patch(f"{U}/personas/{sarah['id']}", headers=h, json={"seniority": "VP"})
    assert r.status_code == 200 and r.json()["seniority"] == "VP"
    r = client.patch(f"{U}/personas/{sarah['id']}", headers=h, json={"buying_role": "boss"})
    assert r.status_code == 422 and r.json()["field"] == "buying_role"
    assert client.get(f"{U}/personas/{sarah['id']}", headers=h).json()["seniority"] == "VP"
    listed = client.get(f"{U}/icps/{icp_id}/personas", headers=h).json()
    assert [p["id"] for p in listed] == [sarah["id"]]
    detail = client.get(f"{U}/icps/{icp_id}", headers=h).json()
    assert detail["personas_count"] == 1 and any("3 to 5" in w
                                                 for w in detail["persona_warnings"])
    assert client.delete(f"{U}/personas/{sarah['id']}", headers=h).status_code == 204
    assert client.get(f"{U}/personas/{sarah['id']}", headers=h).status_code == 404


def test_every_icp_route_hides_other_workspaces(client, alice, bob, api_token):
    seed(bob, 3)
    hb, ha = bearer(api_token(bob)), bearer(api_token(alice))
    icp_id = client.post(f"{U}/icps", headers=hb, json=EXAMPLE).json()["id"]
    persona_id = client.post(f"{U}/icps/{icp_id}/personas", headers=hb,
                             json=icps.SECURITY_SARAH).json()["id"]
    company_id = company_ids(bob)[0]
    calls = [
        ("GET", f"/icps/{icp_id}", None),
        ("PATCH", f"/icps/{icp_id}", {"name": "Stolen"}),
        ("DELETE", f"/icps/{icp_id}", None),
        ("GET", f"/icps/{icp_id}/versions", None),
        ("POST", f"/icps/{icp_id}/versions/1/restore", None),
        ("GET", f"/icps/{icp_id}/personas", None),
        ("POST", f"/icps/{icp_id}/personas", icps.SECURITY_SARAH),
        ("GET", f"/personas/{persona_id}", None),
        ("PATCH", f"/personas/{persona_id}", {"name": "Stolen"}),
        ("DELETE", f"/personas/{persona_id}", None),
        ("GET", f"/companies/{company_id}/fit", None),
    ]
    for method, path, body in calls:
        r = client.request(method, f"{U}{path}", headers=ha, json=body)
        assert r.status_code == 404, (method, path, r.text)
    assert client.get(f"{U}/icps", headers=ha).json() == []
    still = client.get(f"{U}/icps/{icp_id}", headers=hb).json()
    assert still["name"] == EXAMPLE["name"] and still["version"] == 1
    assert client.get(f"{U}/personas/{persona_id}", headers=hb).json()["name"] == "Security Sarah"


def test_viewer_reads_but_cannot_write(client, alice, api_token):
    h = bearer(api_token(alice))
    icp_id = client.post(f"{U}/icps", headers=h, json=EXAMPLE).json()["id"]
    persona_id = client.post(f"{U}/icps/{icp_id}/personas", headers=h,
                             json=icps.SECURITY_SARAH).json()["id"]
    with db.session_scope() as s:
        m = s.exec(select(Membership).where(Membership.user_id == alice.user_id)).one()
        m.role = "viewer"
        s.add(m)
    assert client.get(f"{U}/icps/{icp_id}", headers=h).status_code == 200
    assert client.get(f"{U}/icps/{icp_id}/personas", headers=h).status_code == 200
    writes = [
        ("POST", "/icps", EXAMPLE),
        ("PATCH", f"/icps/{icp_id}", {"name": "X"}),
        ("DELETE", f"/icps/{icp_id}", None),
        ("POST", f"/icps/{icp_id}/versions/1/restore", None),
        ("POST", f"/icps/{icp_id}/personas", icps.SECURITY_SARAH),
        ("PATCH", f"/personas/{persona_id}", {"name": "X"}),
        ("DELETE", f"/personas/{persona_id}", None),
    ]
    for method, path, body in writes:
        r = client.request(method, f"{U}{path}", headers=h, json=body)
        assert r.status_code == 403, (method, path, r.text)


def test_bad_ids_are_refused(client, alice, api_token):
    h = bearer(api_token(alice))
    assert client.get(f"{U}/icps/abc", headers=h).status_code == 422
    assert client.get(f"{U}/icps/0", headers=h).status_code == 422
    assert client.get(f"{U}/icps/999999", headers=h).status_code == 404
    assert client.get(f"{U}/companies/999999/fit", headers=h).status_code == 404
