"""The buying committee: contacts on deals, role coverage, the board's compact
marks in SQL, the persona filter, and workspace isolation."""

from __future__ import annotations

import copy
import dataclasses

import pytest
from sqlmodel import select

from updoot_app import db
from updoot_app.models import Activity, DealContact
from updoot_app.services.crm import buying_committee as bc
from updoot_app.services.crm import companies, contacts, deal_reads, deals
from updoot_app.services.identity.access import resolve_session
from updoot_app.services.platform.errors import Forbidden, NotFound, ValidationError
from updoot_app.services.profiles import icps, personas

ICP = {"name": "Security buyers", "kind": "b2b",
       "criteria": [{"field": "industry", "values": ["Technology"], "weight": 100}]}


def P(actor):
    with db.session_scope() as s:
        return resolve_session(s, actor.token)


def persona(actor, icp_id, name, role, **extra):
    with db.session_scope() as s:
        return personas.create_persona(s, P(actor), icp_id, {
            "name": name, "role_title": name + " title", "buying_role": role,
            "goals": [f"{name} goal"], "objections": [f"{name} objection"],
            "channels": ["email"], **extra}).id


@pytest.fixture
def world(alice):
    """Alice's deal at Acme with four contacts: CFO (economic buyer), champion,
    a blocker, and one without persona."""
    with db.session_scope() as s:
        p = P(alice)
        icp_id = icps.create_icp(s, p, copy.deepcopy(ICP)).id
    ids = {"icp": icp_id,
           "eb": persona(alice, icp_id, "Finance Fiona", "economic_buyer"),
           "ch": persona(alice, icp_id, "Champion Carl", "champion"),
           "bl": persona(alice, icp_id, "Blocker Bea", "blocker")}
    with db.session_scope() as s:
        p = P(alice)
        company = companies.create_company(s, p, {"name": "Acme"}).id
        other = companies.create_company(s, p, {"name": "Other"}).id
        ids["company"], ids["other_company"] = company, other
        ids["deal"] = deals.create_deal(s, p, {"company_id": company, "title": "Rollout"}).id
        ids["deal2"] = deals.create_deal(s, p, {"company_id": other, "title": "Pilot"}).id
        for key, first, pid in (("c_eb", "Fiona", ids["eb"]), ("c_ch", "Carl", ids["ch"]),
                                ("c_bl", "Bea", ids["bl"]), ("c_none", "Nina", None)):
            ids[key] = contacts.create_contact(s, p, {"first_name": first, "last_name": "X",
                                                      "company_id": company,
                                                      "persona_id": pid}).id
    return ids


def add(actor, deal_id, contact_id):
    with db.session_scope() as s:
        return bc.add_contact(s, P(actor), deal_id, contact_id)


def coverage(actor, deal_id):
    with db.session_scope() as s:
        return bc.coverage(s, actor.workspace_id, deal_id)


def test_empty_deal_lacks_the_four_helpful_roles(alice, world):
    cov = coverage(alice, world["deal"])
    assert cov["contacts"] == [] and cov["mark"] == "0/4"
    assert cov["missing"] == ["economic_buyer", "champion", "technical_evaluator", "user"]
    assert [r["role"] for r in cov["roles"]][-1] == "blocker"


def test_coverage_lists_contacts_with_their_persona_and_the_missing_roles(alice, world):
    for key in ("c_eb", "c_ch", "c_bl", "c_none"):
        add(alice, world["deal"], world[key])
    cov = coverage(alice, world["deal"])
    assert cov["mark"] == "2/4" and cov["covered"] == 2
    assert cov["present"] == ["economic_buyer", "champion", "blocker"]
    assert cov["missing"] == ["technical_evaluator", "user"]  # a blocker is never "missing"
    fiona = next(c for c in cov["contacts"] if c["name"] == "Fiona X")
    assert fiona["persona_name"] == "Finance Fiona" and fiona["role_label"] == "economic buyer"
    assert fiona["goals"] == ["Finance Fiona goal"]
    assert fiona["objections"] == ["Finance Fiona objection"] and fiona["channels"] == ["email"]
    nina = next(c for c in cov["contacts"] if c["name"] == "Nina X")
    assert nina["persona_name"] is None and nina["buying_role"] is None
    roles = {r["role"]: r for r in cov["roles"]}
    assert roles["champion"]["contacts"] == ["Carl X"] and not roles["user"]["present"]


def test_marks_for_the_board_are_computed_for_the_given_deals_only(alice, world):
    add(alice, world["deal"], world["c_eb"])
    add(alice, world["deal"], world["c_ch"])
    add(alice, world["deal"], world["c_bl"])
    with db.session_scope() as s:
        marks = bc.coverage_marks(s, alice.workspace_id, [world["deal"], world["deal2"]])
        only = bc.coverage_marks(s, alice.workspace_id, [world["deal2"]])
        assert bc.coverage_marks(s, alice.workspace_id, []) == {}
    assert marks[world["deal"]] == {"covered": 2, "contacts": 3, "mark": "2/4"}
    assert marks[world["deal2"]]["mark"] == "0/4"
    assert set(only) == {world["deal2"]}


def test_two_contacts_with_the_same_role_count_once(alice, world):
    with db.session_scope() as s:
        extra = contacts.create_contact(s, P(alice), {"first_name": "Fred",
                                                      "company_id": world["company"],
                                                      "persona_id": world["eb"]}).id
    add(alice, world["deal"], world["c_eb"])
    add(alice, world["deal"], extra)
    assert coverage(alice, world["deal"])["mark"] == "1/4"
    with db.session_scope() as s:
        assert bc.coverage_marks(s, alice.workspace_id, [world["deal"]])[world["deal"]][
            "covered"] == 1


def test_adding_twice_is_refused_and_removing_works(alice, world):
    add(alice, world["deal"], world["c_eb"])
    with pytest.raises(ValidationError, match="already on this deal"):
        add(alice, world["deal"], world["c_eb"])
    with db.session_scope() as s:
        bc.remove_contact(s, P(alice), world["deal"], world["c_eb"])
    assert coverage(alice, world["deal"])["contacts"] == []
    with pytest.raises(NotFound), db.session_scope() as s:
        bc.remove_contact(s, P(alice), world["deal"], world["c_eb"])
    with db.session_scope() as s:
        actions = s.exec(select(Activity.action).where(
            Activity.workspace_id == alice.workspace_id)).all()
    assert "deal.contact_add" in actions and "deal.contact_remove" in actions


def test_candidates_are_the_companys_contacts_not_on_the_deal(alice, world):
    add(alice, world["deal"], world["c_eb"])
    with db.session_scope() as s:
        names = [c["name"] for c in bc.candidates(s, alice.workspace_id, world["deal"])]
        assert bc.candidates(s, alice.workspace_id, world["deal2"]) == []
    assert "Fiona X" not in names and {"Carl X", "Bea X", "Nina X"} <= set(names)


@pytest.mark.parametrize("bad", [None, "", "abc", -1, 0, True, 1.5, "1; drop", [1], {"a": 1}])
def test_bad_ids_are_refused(alice, world, bad):
    with pytest.raises((ValidationError, NotFound)):
        add(alice, world["deal"], bad)
    with pytest.raises((ValidationError, NotFound)):
        add(alice, bad, world["c_eb"])
    with pytest.raises((ValidationError, NotFound)), db.session_scope() as s:
        bc.coverage(s, alice.workspace_id, bad)


def test_other_workspaces_rows_are_not_found(alice, bob, world):
    with db.session_scope() as s:
        p = P(bob)
        bob_company = companies.create_company(s, p, {"name": "Bob Co"}).id
        bob_deal = deals.create_deal(s, p, {"company_id": bob_company, "title": "B"}).id
        bob_contact = contacts.create_contact(s, p, {"first_name": "Bo"}).id
    with pytest.raises(NotFound):
        add(alice, world["deal"], bob_contact)
    with pytest.raises(NotFound):
        add(alice, bob_deal, world["c_eb"])
    with pytest.raises(NotFound), db.session_scope() as s:
        bc.coverage(s, alice.workspace_id, bob_deal)
    with pytest.raises(NotFound), db.session_scope() as s:
        bc.candidates(s, alice.workspace_id, bob_deal)
    add(bob, bob_deal, bob_contact)
    with db.session_scope() as s:  # Alice's marks never count Bob's links
        assert bc.coverage_marks(s, alice.workspace_id, [bob_deal])[bob_deal]["contacts"] == 0
        assert len(s.exec(select(DealContact)).all()) == 1


def test_viewers_cannot_change_the_committee(alice, world):
    viewer = dataclasses.replace(P(alice), role="viewer")
    with pytest.raises(Forbidden), db.session_scope() as s:
        bc.add_contact(s, viewer, world["deal"], world["c_eb"])
    add(alice, world["deal"], world["c_eb"])
    with pytest.raises(Forbidden), db.session_scope() as s:
        bc.remove_contact(s, viewer, world["deal"], world["c_eb"])


def test_persona_filter_on_board_and_list(alice, bob, world):
    add(alice, world["deal"], world["c_ch"])
    with db.session_scope() as s:
        board = deal_reads.board(s, alice.workspace_id, filters={"persona_id": world["ch"]})
        assert sum(c["count"] for c in board["columns"]) == 1
        rows, total = deal_reads.list_deals(s, alice.workspace_id, persona_id=str(world["eb"]))
        assert total == 0
        rows, total = deal_reads.list_deals(s, alice.workspace_id, persona_id=world["ch"])
        assert [r["id"] for r in rows] == [world["deal"]]
        with pytest.raises(NotFound):
            deal_reads.board(s, bob.workspace_id, filters={"persona_id": world["ch"]})
        with pytest.raises(ValidationError):
            deal_reads.list_deals(s, alice.workspace_id, persona_id="x")


def test_deleting_a_deal_or_contact_drops_its_links(alice, world):
    add(alice, world["deal"], world["c_eb"])
    add(alice, world["deal"], world["c_ch"])
    with db.session_scope() as s:
        contacts.delete_contact(s, P(alice), world["c_eb"])
    assert coverage(alice, world["deal"])["mark"] == "1/4"
    with db.session_scope() as s:
        deals.delete_deal(s, P(alice), world["deal"])
    with db.session_scope() as s:
        assert s.exec(select(DealContact)).all() == []
