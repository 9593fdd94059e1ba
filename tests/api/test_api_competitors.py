"""The competitors API: battlecards, deal links, win-rate stats; bad input (422
naming the field), other workspaces' ids (404 everywhere), viewers (403 on
writes), and no script injection through the rendered HTML."""

from __future__ import annotations

import re

import pytest
from sqlmodel import select

from tests.api.conftest import bearer
from tests.api.test_api_crm import post_company, url, viewer_h  # noqa: F401 - fixture
from tests.api.test_api_foundation import ROUTES
from updoot_app import db
from updoot_app.models import Competitor, Deal, DealCompetitor
from updoot_app.services.competitors import battlecards, deal_links
from updoot_app.services.identity.access import resolve_session

COMP_ROUTES = [(m, p) for m, p in ROUTES if "competitors" in p]
RIVAL = {"name": "Rival", "website": "https://rival.example",
         "target": {"industries": ["Technology"], "employees_min": 100, "employees_max": 900,
                    "geography": ["Europe"], "segments": ["Mid-market"]},
         "strengths": "- **Brand**", "weaknesses": "Slow support",
         "where_they_win": "Large RFPs", "gaps": "Self-serve onboarding",
         "pricing_notes": "$40/seat", "talk_track": "Ask about *time to value*."}


@pytest.fixture
def alice_h(alice, api_token):
    return bearer(api_token(alice))


def post_rival(client, headers, **overrides):
    response = client.post(url("/competitors"), json={**RIVAL, **overrides}, headers=headers)
    assert response.status_code == 201, response.text
    return response.json()


def post_deal(client, headers, company_id, **fields):
    response = client.post(url("/deals"), json={"company_id": company_id, "title": "T",
                                                "value": "1000.00", **fields}, headers=headers)
    assert response.status_code == 201, response.text
    return response.json()


@pytest.fixture
def bob_ids(bob):
    """A competitor and a deal (with the competitor on it) in Bob's workspace."""
    from updoot_app.services.crm import companies, deals

    with db.session_scope() as s:
        p = resolve_session(s, bob.token)
        c = battlecards.create_competitor(s, p, {"name": "Bob's rival"})
        company = companies.create_company(s, p, {"name": "Bob Co"})
        deal = deals.create_deal(s, p, {"company_id": company.id, "title": "Bob deal"})
        deal_links.attach(s, p, deal.id, c.id)
        return {"competitor_id": c.id, "deal_id": deal.id}


def _fill(path: str, ids: dict) -> str:
    return re.sub(r"\{(\w+)\}", lambda m: str(ids[m.group(1)]), path)


def test_routes_are_mounted():
    paths = {p for _, p in COMP_ROUTES}
    assert {url("/competitors"), url("/competitors/{competitor_id}"),
            url("/competitors/{competitor_id}/stats"), url("/deals/{deal_id}/competitors"),
            url("/deals/{deal_id}/competitors/{competitor_id}")} <= paths


def test_battlecard_crud_review_and_list(client, alice_h):
    body = post_rival(client, alice_h)
    assert body["target"]["employees_max"] == 900 and body["reviewed_at"] is None
    assert "<strong>Brand</strong>" in body["html"]["strengths"]
    assert body["stats"]["label"] == "no closed deals (n=0)"
    cid = body["id"]
    response = client.patch(url(f"/competitors/{cid}"),
                            json={"pricing_notes": "$45/seat", "reviewed": True},
                            headers=alice_h)
    assert response.status_code == 200, response.text
    patched = response.json()
    assert patched["pricing_notes"] == "$45/seat" and patched["strengths"] == "- **Brand**"
    assert patched["reviewed_at"] and patched["reviewed_by_email"] == "alice@example.com"
    listed = client.get(url("/competitors"), headers=alice_h).json()
    assert listed["total"] == 1 and listed["items"][0]["stats"]["n"] == 0
    assert client.delete(url(f"/competitors/{cid}"), headers=alice_h).status_code == 204
    assert client.get(url(f"/competitors/{cid}"), headers=alice_h).status_code == 404


def test_deal_link_and_win_rate_through_the_api(client, alice_h):
    rival = post_rival(client, alice_h)
    company = post_company(client, alice_h)
    d1 = post_deal(client, alice_h, company["id"])
    d2 = post_deal(client, alice_h, company["id"])
    for d in (d1, d2):
        r = client.post(url(f"/deals/{d['id']}/competitors"),
                        json={"competitor_id": rival["id"]}, headers=alice_h)
        assert r.status_code == 201 and r.json()["created"] is True
    again = client.post(url(f"/deals/{d1['id']}/competitors"),
                        json={"competitor_id": rival["id"]}, headers=alice_h)
    assert again.status_code == 200 and again.json()["created"] is False
    on_deal = client.get(url(f"/deals/{d1['id']}/competitors"), headers=alice_h).json()
    assert [c["id"] for c in on_deal["items"]] == [rival["id"]]
    client.patch(url(f"/deals/{d1['id']}"), json={"stage": "Won"}, headers=alice_h)
    stats = client.get(url(f"/competitors/{rival['id']}/stats"), headers=alice_h).json()
    assert stats["overall"]["label"] == "100% (n=1)" and stats["overall"]["open"] == 1
    tier = stats["by_fit_tier"][-1]
    assert tier["key"] == "all" and tier["avg_deal_size"] == "1000.00"
    assert isinstance(tier["avg_cycle_days"], float)
    client.patch(url(f"/deals/{d2['id']}"), json={"stage": "Lost", "lost_reason": "Price"},
                 headers=alice_h)
    stats = client.get(url(f"/competitors/{rival['id']}/stats"), headers=alice_h).json()
    assert stats["overall"]["label"] == "50% (n=2)"
    assert stats["by_quarter"][0]["n"] == 2
    got = client.get(url(f"/competitors/{rival['id']}"), headers=alice_h).json()
    assert got["stats"]["label"] == "50% (n=2)"
    r = client.delete(url(f"/deals/{d1['id']}/competitors/{rival['id']}"), headers=alice_h)
    assert r.status_code == 204
    r = client.delete(url(f"/deals/{d1['id']}/competitors/{rival['id']}"), headers=alice_h)
    assert r.status_code == 404


@pytest.mark.parametrize(("body", "field"), [
    ({**RIVAL, "name": ""}, "name"),
    ({k: v for k, v in RIVAL.items() if k != "name"}, "name"),
    ({**RIVAL, "strengths": "x" * 5001}, "strengths"),
    ({**RIVAL, "website": "javascript:alert(1)"}, "website"),
    ({**RIVAL, "target": {"employees_min": 10, "employees_max": 5}}, "target.employees_max"),
    ({**RIVAL, "target": {"geography": ["Mordor"]}}, "target.geography"),
    ({**RIVAL, "target": {"revenue": 5}}, "target.revenue"),
    ({**RIVAL, "target": [1]}, "target"),
    ({**RIVAL, "favourite_colour": "red"}, "favourite_colour"),
    ({**RIVAL, "talk_track": 42}, "talk_track"),
])
def test_bad_battlecards_are_422_naming_the_field(client, alice_h, body, field):
    response = client.post(url("/competitors"), json=body, headers=alice_h)
    assert response.status_code == 422, response.text
    assert response.json()["field"] == field and response.json()["detail"]
    assert client.get(url("/competitors"), headers=alice_h).json()["total"] == 0


def test_bad_deal_link_input(client, alice_h):
    company = post_company(client, alice_h)
    deal = post_deal(client, alice_h, company["id"])
    for body in ({}, {"competitor_id": "abc"}, {"competitor_id": -1}, {"competitor_id": None}):
        r = client.post(url(f"/deals/{deal['id']}/competitors"), json=body, headers=alice_h)
        assert r.status_code == 422, (body, r.text)
    r = client.post(url(f"/deals/{deal['id']}/competitors"), json={"competitor_id": 999999},
                    headers=alice_h)
    assert r.status_code == 404
    assert client.get(url("/competitors/0"), headers=alice_h).status_code == 422
    assert client.get(url("/competitors/99999999999"), headers=alice_h).status_code in (404, 422)


def test_no_script_injection_through_the_api(client, alice_h):
    evil = post_rival(client, alice_h, strengths="<script>alert(1)</script>",
                      weaknesses="[x](javascript:alert(1)) <img src=x onerror=alert(1)>")
    html = " ".join(evil["html"].values()).lower()
    assert "<script" not in html and "<img" not in html
    assert 'href="javascript' not in html
    assert evil["strengths"] == "<script>alert(1)</script>"  # the raw text is kept


@pytest.mark.parametrize(("method", "path"), [(m, p) for m, p in COMP_ROUTES if "{" in p],
                         ids=[f"{m} {p}" for m, p in COMP_ROUTES if "{" in p])
def test_other_workspaces_ids_are_404(client, alice, alice_h, bob_ids, method, path):
    body = {"competitor_id": bob_ids["competitor_id"]} if method == "POST" else {}
    response = client.request(method, _fill(path, bob_ids), headers=alice_h, json=body)
    assert response.status_code == 404, response.text
    with db.session_scope() as s:  # nothing of Bob's changed
        assert s.get(Competitor, bob_ids["competitor_id"]) is not None
        assert s.get(Deal, bob_ids["deal_id"]) is not None
        assert len(s.exec(select(DealCompetitor)).all()) == 1


def test_own_deal_with_other_workspace_competitor_is_404(client, alice_h, bob_ids):
    company = post_company(client, alice_h)
    deal = post_deal(client, alice_h, company["id"])
    r = client.post(url(f"/deals/{deal['id']}/competitors"),
                    json={"competitor_id": bob_ids["competitor_id"]}, headers=alice_h)
    assert r.status_code == 404
    r = client.delete(url(f"/deals/{deal['id']}/competitors/{bob_ids['competitor_id']}"),
                      headers=alice_h)
    assert r.status_code == 404


@pytest.mark.parametrize(("method", "path"),
                         [(m, p) for m, p in COMP_ROUTES if m in ("POST", "PATCH", "DELETE")],
                         ids=[f"{m} {p}" for m, p in COMP_ROUTES
                              if m in ("POST", "PATCH", "DELETE")])
def test_viewer_gets_403_on_every_write(client, alice_h, viewer_h, method, path):  # noqa: F811
    rival = post_rival(client, alice_h)
    company = post_company(client, alice_h)
    deal = post_deal(client, alice_h, company["id"])
    client.post(url(f"/deals/{deal['id']}/competitors"), json={"competitor_id": rival["id"]},
                headers=alice_h)
    ids = {"competitor_id": rival["id"], "deal_id": deal["id"]}
    body = {"competitor_id": rival["id"]} if path.endswith("/competitors") and \
        "deals" in path else {"name": "Viewer's"}
    response = client.request(method, _fill(path, ids), headers=viewer_h, json=body)
    assert response.status_code == 403, response.text
    assert client.get(url(f"/competitors/{rival['id']}"), headers=alice_h).json()["name"] \
        == "Rival"


def test_viewer_can_read(client, alice_h, viewer_h):  # noqa: F811
    rival = post_rival(client, alice_h)
    for path in ("/competitors", f"/competitors/{rival['id']}",
                 f"/competitors/{rival['id']}/stats"):
        assert client.get(url(path), headers=viewer_h).status_code == 200, path
