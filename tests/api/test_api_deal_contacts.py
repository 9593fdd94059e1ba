"""/deals/{id}/contacts: the buying committee over the API — bad input (422),
other workspaces' ids (404), viewers (403)."""

from __future__ import annotations

import pytest
from sqlalchemy import update
from sqlmodel import select

from tests.api.conftest import bearer
from tests.api.test_api_crm import bob_ids, post_company, url  # noqa: F401 - fixture
from updoot_app import db
from updoot_app.models import DealContact, Membership


@pytest.fixture
def alice_h(alice, api_token):
    return bearer(api_token(alice))


@pytest.fixture
def setup(client, alice_h):
    company = post_company(client, alice_h)
    deal = client.post(url("/deals"), json={"company_id": company["id"], "title": "Rollout"},
                       headers=alice_h).json()
    icp = client.post(url("/icps"), json={
        "name": "Buyers", "kind": "b2b",
        "criteria": [{"field": "industry", "values": ["Technology"], "weight": 100}]},
        headers=alice_h)
    assert icp.status_code == 201, icp.text
    persona = client.post(url(f"/icps/{icp.json()['id']}/personas"), json={
        "name": "Finance Fiona", "role_title": "CFO", "buying_role": "economic_buyer",
        "goals": ["Predictable spend"], "objections": ["Too expensive"],
        "channels": ["email"]}, headers=alice_h)
    assert persona.status_code == 201, persona.text
    contact = client.post(url("/contacts"), json={
        "first_name": "Fiona", "last_name": "Gray", "company_id": company["id"],
        "persona_id": persona.json()["id"]}, headers=alice_h).json()
    return {"deal": deal["id"], "contact": contact["id"]}


def test_add_list_and_remove_a_contact(client, alice_h, setup):
    path = url(f"/deals/{setup['deal']}/contacts")
    empty = client.get(path, headers=alice_h).json()
    assert empty["mark"] == "0/4" and empty["contacts"] == []
    added = client.post(path, json={"contact_id": setup["contact"]}, headers=alice_h)
    assert added.status_code == 201, added.text
    body = added.json()
    assert body["mark"] == "1/4" and body["present"] == ["economic_buyer"]
    assert body["missing"] == ["champion", "technical_evaluator", "user"]
    fiona = body["contacts"][0]
    assert fiona["persona_name"] == "Finance Fiona" and fiona["objections"] == ["Too expensive"]
    again = client.post(path, json={"contact_id": setup["contact"]}, headers=alice_h)
    assert again.status_code == 422 and again.json()["field"] == "contact_id"
    gone = client.delete(f"{path}/{setup['contact']}", headers=alice_h)
    assert gone.status_code == 204
    assert client.delete(f"{path}/{setup['contact']}", headers=alice_h).status_code == 404
    assert client.get(path, headers=alice_h).json()["contacts"] == []


@pytest.mark.parametrize("body", [{}, {"contact_id": "abc"}, {"contact_id": -1},
                                  {"contact_id": 1, "extra": 1}, {"contact_id": [1]}])
def test_bad_bodies_are_422(client, alice_h, setup, body):
    response = client.post(url(f"/deals/{setup['deal']}/contacts"), json=body, headers=alice_h)
    assert response.status_code == 422, response.text


def test_other_workspaces_ids_are_404(client, alice_h, setup, bob_ids):  # noqa: F811
    mine = url(f"/deals/{setup['deal']}/contacts")
    theirs = url(f"/deals/{bob_ids['deal_id']}/contacts")
    assert client.get(theirs, headers=alice_h).status_code == 404
    assert client.post(theirs, json={"contact_id": setup["contact"]},
                       headers=alice_h).status_code == 404
    assert client.post(mine, json={"contact_id": bob_ids["contact_id"]},
                       headers=alice_h).status_code == 404
    assert client.delete(f"{theirs}/{setup['contact']}", headers=alice_h).status_code == 404
    assert client.get(url("/deals/999999999999/contacts"), headers=alice_h).status_code == 404
    with db.session_scope() as s:
        assert s.exec(select(DealContact)).all() == []


def test_viewer_reads_but_cannot_write(client, alice, alice_h, setup):
    path = url(f"/deals/{setup['deal']}/contacts")
    assert client.post(path, json={"contact_id": setup["contact"]},
                       headers=alice_h).status_code == 201
    with db.session_scope() as s:
        s.exec(update(Membership).where(Membership.user_id == alice.user_id)
               .values(role="viewer"))
    assert client.get(path, headers=alice_h).status_code == 200
    assert client.delete(f"{path}/{setup['contact']}", headers=alice_h).status_code == 403
    assert client.post(path, json={"contact_id": setup["contact"]},
                       headers=alice_h).status_code == 403


def test_no_token_is_401(client, setup):
    assert client.get(url(f"/deals/{setup['deal']}/contacts")).status_code == 401
