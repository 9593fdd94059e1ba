"""The deal page and the stage settings, called as the browser calls them: the
buying committee, the interaction log, moves and the Lost reason, viewers and
other workspaces' ids."""

from __future__ import annotations

import pytest
from sqlmodel import select

from tests.state.conftest import call, new_state, toast_text
from tests.state.pipeline_helpers import make_viewer, seed, stage_id
from updoot_app import db
from updoot_app.models import Contact, Deal, DealContact
from updoot_app.services.crm import companies, deals
from updoot_app.services.identity.access import resolve_session
from updoot_app.state.crm.deal_state import DealState
from updoot_app.state.crm.stages_state import StagesState

# --- the deal page --------------------------------------------------------------------

@pytest.fixture
def deal_with_contacts(alice):
    with db.session_scope() as s:
        p = resolve_session(s, alice.token)
        company = companies.create_company(s, p, {"name": "Acme"})
        deal = deals.create_deal(s, p, {"company_id": company.id, "title": "Acme rollout",
                                        "value": "1000"})
        for first in ("Sarah", "Tom"):
            s.add(Contact(workspace_id=alice.workspace_id, company_id=company.id,
                          first_name=first, last_name="Miller"))
        return str(deal.id)


def deal_page(actor, deal_id):
    state = new_state(DealState, actor.token)
    state.router.page.params["deal_id"] = deal_id
    call(state, "load")
    return state


def test_deal_page_shows_details_history_and_committee(alice, deal_with_contacts):
    state = deal_page(alice, deal_with_contacts)
    assert state.deal["title"] == "Acme rollout" and state.deal["company"] == "Acme"
    assert state.deal["stage"] == "New" and len(state.history) == 1
    assert state.coverage_mark == "0/4" and len(state.candidates) == 2
    assert [r["label"] for r in state.roles][:2] == ["Economic buyer", "Champion"]
    call(state, "add_contact", state.candidates[0]["id"])
    assert len(state.committee) == 1 and len(state.candidates) == 1
    assert state.committee[0]["persona"] == "No persona yet"
    call(state, "remove_contact", state.committee[0]["contact_id"])
    assert state.committee == []


def test_log_a_call_on_the_deal(alice, deal_with_contacts):
    state = deal_page(alice, deal_with_contacts)
    result = call(state, "log_interaction", {"kind": "call", "summary": "Pricing call",
                                             "outcome": "positive",
                                             "occurred_at": "2026-03-02"})
    assert "logged" in toast_text(result).lower()
    assert state.log_rows[0]["summary"] == "Pricing call"
    assert state.log_rows[0]["kind_label"] == "Call" and state.log_rows[0]["outcome"] == "positive"
    for bad in ({"kind": "fax", "summary": "x"}, {"kind": "call", "occurred_at": "yesterday"},
                {"kind": "call", "summary": "x" * 3000}, "nope"):
        call(state, "log_interaction", bad)
        assert state.log_error
    assert state.log_total == 1


def test_deal_page_move_menu_and_lost_reason(alice, deal_with_contacts):
    state = deal_page(alice, deal_with_contacts)
    lost = stage_id(alice, "Lost")
    call(state, "move_to", lost)
    assert state.lost_open and state.deal["stage"] == "New"
    call(state, "confirm_lost", {"lost_reason": ""})
    assert state.lost_error and state.deal["stage"] == "New"
    call(state, "confirm_lost", {"lost_reason": "No budget"})
    assert state.deal["stage"] == "Lost" and state.deal["lost_reason"] == "No budget"
    assert state.deal["closed"] != ""
    call(state, "move_to", stage_id(alice, "Won"))
    assert state.deal["stage"] == "Won" and state.deal["lost_reason"] == ""
    assert [h["to"] for h in state.history][:2] == ["Won", "Lost"]
    assert any(r["kind"] == "stage_change" for r in state.log_rows)


def test_deal_page_refuses_other_workspaces_and_hostile_ids(alice, bob, deal_with_contacts):
    seed(bob, 10)
    with db.session_scope() as s:
        bob_contact = str(s.exec(select(Contact.id).where(
            Contact.workspace_id == bob.workspace_id)).first())
        bob_deal = str(s.exec(select(Deal.id).where(Deal.workspace_id == bob.workspace_id))
                       .first())
    state = new_state(DealState, alice.token)
    state.router.page.params["deal_id"] = bob_deal
    assert "not found" in toast_text(call(state, "load")).lower()
    assert state.deal == {}
    state = deal_page(alice, deal_with_contacts)
    assert "not found" in toast_text(call(state, "add_contact", bob_contact)).lower()
    assert toast_text(call(state, "add_contact", "'; drop table"))
    assert toast_text(call(state, "move_to", stage_id(bob, "Won")))
    with db.session_scope() as s:
        assert s.exec(select(DealContact)).all() == []
    for bad in ("abc", "0", None, "1e3"):
        state.router.page.params["deal_id"] = bad
        assert toast_text(call(state, "load"))


def test_viewer_reads_the_deal_page_but_cannot_write(alice, deal_with_contacts):
    make_viewer(alice)
    state = deal_page(alice, deal_with_contacts)
    assert state.deal["title"] == "Acme rollout"
    candidate = state.candidates[0]["id"]
    for name, args in (("add_contact", (candidate,)),
                       ("log_interaction", ({"kind": "note", "summary": "x"},)),
                       ("move_to", (stage_id(alice, "Won"),))):
        assert toast_text(call(state, name, *args))
    with db.session_scope() as s:
        assert s.exec(select(DealContact)).all() == []
        assert s.get(Deal, int(deal_with_contacts)).stage_id == int(stage_id(alice, "New"))


# --- stage settings --------------------------------------------------------------------

def test_stage_settings(alice):
    state = new_state(StagesState, alice.token)
    call(state, "load")
    assert [r["name"] for r in state.stage_rows][:2] == ["New", "Contacted"]
    new_id = state.stage_rows[0]["id"]
    call(state, "rename", new_id, "Inbound")
    call(state, "set_probability", new_id, "7")
    assert state.stage_rows[0]["name"] == "Inbound" and state.stage_rows[0]["probability"] == "7"
    call(state, "set_probability", new_id, "170")
    assert "0 to 100" in state.error and state.stage_rows[0]["probability"] == "7"
    call(state, "move", new_id, 1)
    assert state.stage_rows[1]["id"] == new_id
    assert toast_text(call(state, "move", new_id, 5))
    call(state, "add", {"name": "Demo booked", "probability": "30"})
    assert any(r["name"] == "Demo booked" for r in state.stage_rows)
    demo = next(r for r in state.stage_rows if r["name"] == "Demo booked")
    call(state, "delete", demo["id"])
    assert all(r["name"] != "Demo booked" for r in state.stage_rows)
    won = next(r for r in state.stage_rows if r["kind"] == "won")
    call(state, "delete", won["id"])
    assert "cannot be deleted" in state.error


def test_stage_settings_refuse_viewers_and_other_workspaces(alice, bob):
    bob_state = new_state(StagesState, bob.token)
    call(bob_state, "load")
    bob_stage = bob_state.stage_rows[0]["id"]
    state = new_state(StagesState, alice.token)
    call(state, "load")
    assert "not found" in toast_text(call(state, "rename", bob_stage, "Mine")).lower()
    assert toast_text(call(state, "move", bob_stage, 1))
    assert "not found" in toast_text(call(state, "delete", bob_stage)).lower()
    make_viewer(alice)
    assert toast_text(call(state, "rename", state.stage_rows[0]["id"], "X"))
    call(bob_state, "load")
    assert bob_state.stage_rows[0]["name"] == "New"
