"""The CRM API: companies, contacts, deals, pipeline, stages, activities.

Every route with an id is called with another workspace's ids (404), every
write route with a viewer's token (403), money travels as decimal strings.
"""

from __future__ import annotations

import re

import pytest
from sqlmodel import select

from tests.api.conftest import bearer
from tests.api.test_api_foundation import ROUTES
from tests.conftest import make_actor
from updoot_app import db
from updoot_app.api.app import API_PREFIX
from updoot_app.models import ApiToken, Company, Contact, Deal, Membership, Stage
from updoot_app.services.demo.seed import seed_workspace
from updoot_app.services.platform import security

ACME = {"name": "Acme", "domain": "acme.io", "industry": "Technology", "employees": 800,
        "annual_revenue": "50000000", "country": "US", "tech_stack": ["AWS"],
        "triggers": ["recent funding"], "tags": []}
CRM_PREFIXES = ("/companies", "/contacts", "/deals", "/pipeline", "/stages", "/activities")
# Competitor routes (also under /deals/{id}/competitors) are covered in test_api_competitors.py.
CRM_ROUTES = [(m, p) for m, p in ROUTES if p[len(API_PREFIX):].startswith(CRM_PREFIXES)
              and "competitors" not in p]
WRITE_ROUTES = [(m, p) for m, p in CRM_ROUTES if m in ("POST", "PATCH", "PUT", "DELETE")]
ID_ROUTES = [(m, p) for m, p in CRM_ROUTES if "{" in p]


def url(path: str) -> str:
    return f"{API_PREFIX}{path}"


@pytest.fixture
def alice_h(alice, api_token):
    return bearer(api_token(alice))


@pytest.fixture
def bob_ids(bob):
    """Ids of one company, contact, deal and stage of Bob's workspace."""
    with db.session_scope() as s:
        seed_workspace(s, bob.workspace_id, [bob.user_id], companies=5)
    with db.session_scope() as s:
        def first(model):
            return s.exec(select(model.id).where(model.workspace_id == bob.workspace_id)
                          .order_by(model.id)).first()
        return {"company_id": first(Company), "contact_id": first(Contact),
                "deal_id": first(Deal), "stage_id": first(Stage)}


def post_company(client, headers, **overrides):
    response = client.post(url("/companies"), json={**ACME, **overrides}, headers=headers)
    assert response.status_code == 201, response.text
    return response.json()


def test_crm_routes_are_mounted():
    paths = {p for _, p in CRM_ROUTES}
    assert {url("/companies"), url("/contacts"), url("/deals"), url("/pipeline"),
            url("/stages"), url("/activities"), url("/deals/{deal_id}")} <= paths


# --- companies ----------------------------------------------------------------------

def test_create_company_with_the_design_example(client, alice_h):
    body = post_company(client, alice_h)
    assert body["id"] > 0 and body["name"] == "Acme" and body["domain"] == "acme.io"
    assert body["annual_revenue"] == "50000000.00"
    assert body["fit"].keys() >= {"score", "tier", "icp_id", "coverage", "explanation"}
    assert body["fit"]["score"] is None and body["fit"]["tier"] is None  # no active ICP
    again = client.get(url(f"/companies/{body['id']}"), headers=alice_h).json()
    assert again["annual_revenue"] == "50000000.00" and again["tech_stack"] == ["AWS"]


@pytest.mark.parametrize(("body", "field"), [
    ({**ACME, "annual_revenue": 50000000}, "annual_revenue"),
    ({**ACME, "annual_revenue": 1.5}, "annual_revenue"),
    ({**ACME, "annual_revenue": "NaN"}, "annual_revenue"),
    ({**ACME, "annual_revenue": "-10"}, "annual_revenue"),
    ({k: v for k, v in ACME.items() if k != "name"}, "name"),
    ({**ACME, "country": "Atlantis"}, "country"),
    ({**ACME, "domain": "not a domain"}, "domain"),
    ({**ACME, "employees": -3}, "employees"),
    ({**ACME, "employees": "lots"}, "employees"),
    ({**ACME, "tags": "inbound"}, "tags"),
    ({**ACME, "tags": ["x" * 61]}, "tags"),
    ({**ACME, "favourite_colour": "red"}, "favourite_colour"),
])
def test_company_422s_name_the_field(client, alice_h, body, field):
    response = client.post(url("/companies"), json=body, headers=alice_h)
    assert response.status_code == 422, response.text
    assert response.json()["field"] == field and response.json()["detail"]
    assert client.get(url("/companies"), headers=alice_h).json()["total"] == 0


def test_duplicate_domain_is_422(client, alice_h):
    post_company(client, alice_h)
    response = client.post(url("/companies"), json={**ACME, "domain": "https://www.acme.io/"},
                           headers=alice_h)
    assert response.status_code == 422 and response.json()["field"] == "domain"


def test_patch_and_delete_company(client, alice_h):
    company = post_company(client, alice_h)
    response = client.patch(url(f"/companies/{company['id']}"),
                            json={"employees": 900, "tags": ["strategic"]}, headers=alice_h)
    assert response.status_code == 200
    assert response.json()["employees"] == 900 and response.json()["industry"] == "Technology"
    assert client.delete(url(f"/companies/{company['id']}"), headers=alice_h).status_code == 204
    assert client.get(url(f"/companies/{company['id']}"), headers=alice_h).status_code == 404


def test_company_list_paging_filters_and_sort(client, alice, alice_h):
    with db.session_scope() as s:
        seed_workspace(s, alice.workspace_id, [alice.user_id], companies=30)
    page3 = client.get(url("/companies?page=3&page_size=10"), headers=alice_h).json()
    assert (page3["total"], page3["page"], page3["page_size"], len(page3["items"])) == \
        (30, 3, 10, 10)
    assert client.get(url("/companies?page=4&page_size=10"), headers=alice_h).json()[
        "items"] == []
    ids = set()
    for page in (1, 2, 3):
        ids |= {c["id"] for c in client.get(url(f"/companies?page={page}&page_size=10"),
                                            headers=alice_h).json()["items"]}
    assert len(ids) == 30
    rows = client.get(url("/companies?sort=employees&direction=desc&page_size=100"),
                      headers=alice_h).json()["items"]
    employees = [r["employees"] for r in rows if r["employees"] is not None]
    assert employees == sorted(employees, reverse=True)
    tagged = client.get(url("/companies?tag=inbound&page_size=100"), headers=alice_h).json()
    assert all("inbound" in r["tags"] for r in tagged["items"])
    for bad in ("page_size=101", "page=0", "sort=notes", "direction=up", "fit_tier=Z",
                "page_size=abc"):
        response = client.get(url(f"/companies?{bad}"), headers=alice_h)
        assert response.status_code == 422, bad
        assert response.json()["detail"]


# --- deals and the pipeline ----------------------------------------------------------

def test_deal_create_and_patch_stage_won_and_lost(client, alice_h):
    company = post_company(client, alice_h)
    response = client.post(url("/deals"), json={"company_id": company["id"],
                                                "title": "Acme rollout", "value": "12000.00",
                                                "currency": "USD", "stage": "Qualified"},
                           headers=alice_h)
    assert response.status_code == 201, response.text
    deal = response.json()
    assert (deal["value"], deal["currency"], deal["stage"]) == ("12000.00", "USD", "Qualified")
    assert deal["closed_at"] is None

    lost = client.patch(url(f"/deals/{deal['id']}"), json={"stage": "Lost"}, headers=alice_h)
    assert lost.status_code == 422 and lost.json()["field"] == "lost_reason"
    assert client.get(url(f"/deals/{deal['id']}"), headers=alice_h).json()["stage"] == \
        "Qualified"

    won = client.patch(url(f"/deals/{deal['id']}"), json={"stage": "Won"}, headers=alice_h)
    assert won.status_code == 200 and won.json()["stage"] == "Won"
    assert won.json()["closed_at"] is not None

    lost = client.patch(url(f"/deals/{deal['id']}"),
                        json={"stage": "Lost", "lost_reason": "Chose a competitor"},
                        headers=alice_h)
    assert lost.status_code == 200
    assert lost.json()["lost_reason"] == "Chose a competitor" and lost.json()["closed_at"]

    history = client.get(url(f"/deals/{deal['id']}/stage-changes"), headers=alice_h).json()
    assert [h["to_stage"] for h in history["items"]] == ["Qualified", "Won", "Lost"]
    log = client.get(url(f"/activities?deal_id={deal['id']}"), headers=alice_h).json()
    assert log["total"] == 2 and {r["kind"] for r in log["items"]} == {"stage_change"}


def test_deal_money_must_be_a_string_and_currency_known(client, alice_h):
    company = post_company(client, alice_h)
    for body, field in (({"value": 12000}, "value"), ({"value": "12,000"}, "value"),
                        ({"currency": "XYZ"}, "currency"), ({"stage": "Nope"}, "stage")):
        response = client.post(url("/deals"), json={"company_id": company["id"], "title": "T",
                                                    **body}, headers=alice_h)
        assert response.status_code == 422, response.text
        assert response.json()["field"] == field


def test_jpy_deal_has_no_minor_unit(client, alice_h):
    company = post_company(client, alice_h)
    deal = client.post(url("/deals"), json={"company_id": company["id"], "title": "T",
                                            "value": "150000", "currency": "JPY"},
                       headers=alice_h).json()
    assert deal["value"] == "150000"


def test_deal_list_and_pipeline(client, alice, alice_h):
    with db.session_scope() as s:
        seed_workspace(s, alice.workspace_id, [alice.user_id], companies=40)
    won = client.get(url("/deals?stage=Won&page_size=5"), headers=alice_h).json()
    assert won["total"] >= 1 and all(d["stage"] == "Won" for d in won["items"])
    mine = client.get(url(f"/deals?owner_id={alice.user_id}&page=2&page_size=5"),
                      headers=alice_h).json()
    assert mine["page"] == 2 and len(mine["items"]) <= 5
    everything = client.get(url("/deals?page_size=100"), headers=alice_h).json()

    board = client.get(url("/pipeline?per_column_limit=3"), headers=alice_h).json()
    assert [c["name"] for c in board["columns"]][:2] == ["New", "Contacted"]
    assert sum(c["count"] for c in board["columns"]) == everything["total"]
    for column in board["columns"]:
        assert isinstance(column["value"], str) and re.fullmatch(r"\d+\.\d\d",
                                                                 column["weighted_value"])
        assert len(column["cards"]) <= 3
        for card in column["cards"]:
            assert re.fullmatch(r"\d+\.\d\d", card["value"])
            assert {"company_name", "fit_tier", "days_in_stage", "stale",
                    "owner_email"} <= card.keys()


# --- stages, contacts, activities ----------------------------------------------------

def test_stage_routes(client, alice_h):
    stages = client.get(url("/stages"), headers=alice_h).json()
    assert stages["total"] == 7 and stages["items"][-1]["kind"] == "lost"
    created = client.post(url("/stages"), json={"name": "Demo", "probability": 30},
                          headers=alice_h)
    assert created.status_code == 201
    sid = created.json()["id"]
    bad = client.patch(url(f"/stages/{sid}"), json={"probability": 150}, headers=alice_h)
    assert bad.status_code == 422 and bad.json()["field"] == "probability"
    assert client.patch(url(f"/stages/{sid}"), json={"name": "Live demo"},
                        headers=alice_h).json()["name"] == "Live demo"
    ids = [s["id"] for s in client.get(url("/stages"), headers=alice_h).json()["items"]]
    reordered = client.post(url("/stages/reorder"), json={"ids": ids[::-1]}, headers=alice_h)
    assert [s["id"] for s in reordered.json()["items"]] == ids[::-1]
    won = next(s for s in stages["items"] if s["kind"] == "won")
    assert client.delete(url(f"/stages/{won['id']}"), headers=alice_h).status_code == 422
    assert client.delete(url(f"/stages/{sid}"), headers=alice_h).status_code == 204


def test_contacts_and_activities(client, alice_h):
    company = post_company(client, alice_h)
    response = client.post(url("/contacts"), json={"first_name": "Sarah", "last_name": "Miller",
                                                   "email": "sarah@acme.io",
                                                   "company_id": company["id"]},
                           headers=alice_h)
    assert response.status_code == 201
    contact = response.json()
    assert contact["company_name"] == "Acme"
    bad = client.post(url("/contacts"), json={"first_name": "X", "email": "nope"},
                      headers=alice_h)
    assert bad.status_code == 422 and bad.json()["field"] == "email"
    listed = client.get(url(f"/contacts?company_id={company['id']}"), headers=alice_h).json()
    assert listed["total"] == 1 and listed["items"][0]["id"] == contact["id"]

    logged = client.post(url("/activities"), json={"kind": "call", "contact_id": contact["id"],
                                                   "summary": "Intro", "outcome": "positive"},
                         headers=alice_h)
    assert logged.status_code == 201 and logged.json()["company_id"] == company["id"]
    bad = client.post(url("/activities"), json={"kind": "call"}, headers=alice_h)
    assert bad.status_code == 422 and bad.json()["field"] == "company_id"
    log = client.get(url(f"/activities?company_id={company['id']}"), headers=alice_h).json()
    assert log["total"] == 1 and log["items"][0]["summary"] == "Intro"


# --- who may do what ------------------------------------------------------------------

def _fill(path: str, ids: dict) -> str:
    return re.sub(r"\{(\w+)\}", lambda m: str(ids[m.group(1)]), path)


@pytest.mark.parametrize(("method", "path"), ID_ROUTES, ids=[f"{m} {p}" for m, p in ID_ROUTES])
def test_other_workspaces_ids_are_404_on_every_id_route(client, alice_h, bob_ids, method,
                                                        path):
    response = client.request(method, _fill(path, bob_ids), headers=alice_h, json={})
    assert response.status_code == 404, response.text
    with db.session_scope() as s:  # and nothing of Bob's changed
        assert s.get(Company, bob_ids["company_id"]) is not None
        assert s.get(Deal, bob_ids["deal_id"]) is not None
        assert s.get(Contact, bob_ids["contact_id"]) is not None
        assert s.get(Stage, bob_ids["stage_id"]) is not None


@pytest.mark.parametrize(("method", "path", "body"), [
    ("GET", "/contacts?company_id={company_id}", None),
    ("GET", "/deals?company_id={company_id}", None),
    ("GET", "/deals?stage={stage_id}", None),
    ("GET", "/pipeline?company_id={company_id}", None),
    ("GET", "/activities?company_id={company_id}", None),
    ("GET", "/activities?contact_id={contact_id}", None),
    ("GET", "/activities?deal_id={deal_id}", None),
    ("POST", "/contacts", {"first_name": "X", "company_id": "{company_id}"}),
    ("POST", "/deals", {"title": "X", "company_id": "{company_id}"}),
    ("POST", "/activities", {"kind": "call", "company_id": "{company_id}"}),
    ("POST", "/activities", {"kind": "call", "contact_id": "{contact_id}"}),
    ("POST", "/activities", {"kind": "call", "deal_id": "{deal_id}"}),
])
def test_other_workspaces_ids_in_filters_and_bodies_are_404(client, alice_h, bob_ids, method,
                                                            path, body):
    if body is not None:
        body = {k: int(_fill(v, bob_ids)) if isinstance(v, str) and "{" in v else v
                for k, v in body.items()}
    response = client.request(method, url(_fill(path, bob_ids)), headers=alice_h, json=body)
    assert response.status_code == 404, response.text


def test_moving_to_or_ordering_with_another_workspaces_stage_is_404(client, alice_h, bob_ids):
    company = post_company(client, alice_h)
    deal = client.post(url("/deals"), json={"company_id": company["id"], "title": "T"},
                       headers=alice_h).json()
    response = client.patch(url(f"/deals/{deal['id']}"), json={"stage": bob_ids["stage_id"]},
                            headers=alice_h)
    assert response.status_code == 404
    ids = [s["id"] for s in client.get(url("/stages"), headers=alice_h).json()["items"]]
    response = client.post(url("/stages/reorder"), json={"ids": ids[:-1] + [bob_ids["stage_id"]]},
                           headers=alice_h)
    assert response.status_code == 404


@pytest.fixture
def viewer_h(alice):
    """A viewer of Alice's workspace with an API token there."""
    carol = make_actor("carol@example.com", "Carol's own")
    raw = security.new_token("updt_")
    with db.session_scope() as s:
        s.add(Membership(workspace_id=alice.workspace_id, user_id=carol.user_id, role="viewer"))
        s.add(ApiToken(workspace_id=alice.workspace_id, user_id=carol.user_id, name="ro",
                       prefix=raw[:10], token_hash=security.token_hash(raw)))
    return bearer(raw)


@pytest.mark.parametrize(("method", "path"), WRITE_ROUTES,
                         ids=[f"{m} {p}" for m, p in WRITE_ROUTES])
def test_viewer_gets_403_on_every_write(client, alice, alice_h, viewer_h, method, path):
    company = post_company(client, alice_h)
    deal = client.post(url("/deals"), json={"company_id": company["id"], "title": "T"},
                       headers=alice_h).json()
    contact = client.post(url("/contacts"), json={"first_name": "S"}, headers=alice_h).json()
    stage = client.get(url("/stages"), headers=alice_h).json()["items"][0]
    ids = {"company_id": company["id"], "deal_id": deal["id"], "contact_id": contact["id"],
           "stage_id": stage["id"]}
    response = client.request(method, _fill(path, ids), headers=viewer_h, json={})
    assert response.status_code == 403, response.text
    assert client.get(url(f"/companies/{company['id']}"), headers=alice_h).status_code == 200


def test_viewer_can_read(client, alice_h, viewer_h):
    company = post_company(client, alice_h)
    for path in ("/companies", f"/companies/{company['id']}", "/contacts", "/deals",
                 "/pipeline", "/stages", "/activities"):
        assert client.get(url(path), headers=viewer_h).status_code == 200, path
