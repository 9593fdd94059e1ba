"""The ICP wizard and profile pages, called as the browser calls them."""

from __future__ import annotations

import json

from sqlmodel import select

from tests.state.conftest import call, new_state, redirect_target, toast_text
from updoot_app import db
from updoot_app.models import Icp, Persona
from updoot_app.services.demo import seed as demo_seed
from updoot_app.services.identity.access import resolve_session
from updoot_app.services.profiles import icps
from updoot_app.state.profiles.icp_wizard_state import IcpWizardState
from updoot_app.state.profiles.profiles_state import IcpDetailState, ProfilesState
from updoot_app.state.profiles.rescore import RescoreState


def wizard(actor, icp_id="new", template=""):
    state = new_state(IcpWizardState, actor.token)
    state.router.page.params.update({"icp_id": icp_id, **({"template": template} if template
                                                         else {})})
    call(state, "load")
    return state


def seed(actor, n=40):
    with db.session_scope() as s:
        demo_seed.seed_workspace(s, actor.workspace_id, [actor.user_id], companies=n)


def test_template_fills_the_draft_and_the_preview(alice):
    seed(alice)
    state = wizard(alice)
    assert state.preview_total == 40 and state.weight_total == 0
    call(state, "use_template", "cybersecurity")
    assert state.weight_total == 100
    assert state.draft["industries"] == ["Technology", "Financial Services"]
    counts = {row["tier"]: int(row["count"]) for row in state.preview_counts}
    assert sum(counts.values()) == 40
    stored = json.loads(state.stored_draft)
    assert stored["draft"]["w_industry"] == 35  # the draft is kept in the browser


def test_draft_is_restored_after_a_reload(alice):
    state = wizard(alice)
    call(state, "set_text", "name", "My draft")
    call(state, "go", 2)
    reloaded = new_state(IcpWizardState, alice.token)
    reloaded.stored_draft = state.stored_draft
    reloaded.router.page.params["icp_id"] = "new"
    call(reloaded, "load")
    assert reloaded.texts["name"] == "My draft" and reloaded.step == 2 and reloaded.restored


def test_unknown_region_is_refused_with_a_message(alice):
    state = wizard(alice)
    call(state, "add_value", "geography", {"value": "Atlantis"})
    assert "Atlantis" in state.error and state.draft["geography"] == []
    call(state, "add_value", "geography", {"value": "Europe"})
    call(state, "add_value", "geography", {"value": "europe"})  # no duplicates
    assert state.draft["geography"] == ["Europe"]


def test_hostile_arguments_are_refused(alice):
    state = wizard(alice)
    assert "Unknown" in toast_text(call(state, "set_text", "__class__", "x"))
    assert "Unknown" in toast_text(call(state, "add_value", "auth_token", {"value": "x"}))
    assert "Unknown" in toast_text(call(state, "set_weight", "evil", "5"))
    call(state, "go", 99)
    call(state, "set_weight", "w_industry", "1e9")
    assert state.step == 0 and state.weights["w_industry"] == 0


def test_save_refuses_weights_not_adding_to_100_and_writes_nothing(alice):
    state = wizard(alice)
    call(state, "use_template", "cybersecurity")
    call(state, "set_weight", "w_industry", "10")
    assert call(state, "save") is None
    assert "100" in state.error
    with db.session_scope() as s:
        assert s.exec(select(Icp)).all() == []


def test_save_creates_the_icp_and_starts_rescoring(alice):
    state = wizard(alice, template="cybersecurity")
    result = call(state, "save")
    with db.session_scope() as s:
        icp = s.exec(select(Icp)).one()
    assert redirect_target(result) == f"/profiles/{icp.id}"
    assert any("rescore" in str(spec) for spec in result)
    assert state.stored_draft == ""


def test_editing_makes_a_new_version(alice):
    state = wizard(alice, template="cybersecurity")
    call(state, "save")
    with db.session_scope() as s:
        icp_id = s.exec(select(Icp.id)).one()
    edit = wizard(alice, icp_id=str(icp_id))
    assert edit.icp_id == icp_id and edit.weight_total == 100
    call(edit, "set_weight", "w_industry", "45")
    call(edit, "set_weight", "w_employees", "15")
    call(edit, "save")
    detail = new_state(IcpDetailState, alice.token)
    detail.router.page.params["icp_id"] = str(icp_id)
    call(detail, "load")
    assert detail.icp["version"] == "2" and len(detail.version_rows) == 2
    call(detail, "restore", "1")
    assert detail.icp["version"] == "3"


def test_another_workspaces_icp_does_not_exist(alice, bob):
    with db.session_scope() as s:
        icp = icps.create_icp(s, resolve_session(s, bob.token), icps.templates()[0]["icp"],
                              rescore=False)
        bob_icp = icp.id
    state = new_state(IcpWizardState, alice.token)
    state.router.page.params["icp_id"] = str(bob_icp)
    assert "not found" in toast_text(call(state, "load"))
    detail = new_state(IcpDetailState, alice.token)
    detail.router.page.params["icp_id"] = str(bob_icp)
    assert "not found" in toast_text(call(detail, "load"))
    assert "not found" in toast_text(call(detail, "add_persona", {"name": "X",
                                                                 "role_title": "Y"}))
    assert "not found" in toast_text(call(detail, "set_active", False))
    with db.session_scope() as s:
        assert s.get(Icp, bob_icp).is_active and s.exec(select(Persona)).all() == []


def test_personas_are_added_with_warnings(alice):
    call(wizard(alice, template="cybersecurity"), "save")
    with db.session_scope() as s:
        icp_id = s.exec(select(Icp.id)).one()
    detail = new_state(IcpDetailState, alice.token)
    detail.router.page.params["icp_id"] = str(icp_id)
    call(detail, "load")
    call(detail, "add_persona", {"name": "Security Sarah", "role_title": "IT Director",
                                 "buying_role": "champion",
                                 "goals": "Pass the audit\nSleep at night",
                                 "objections": "No time for another tool"})
    assert [c["name"] for c in detail.persona_cards] == ["Security Sarah"]
    assert detail.persona_cards[0]["goals"] == "Pass the audit · Sleep at night"
    assert any("economic buyer" in w for w in detail.warnings)
    call(detail, "add_persona", {"name": "", "role_title": "CFO", "buying_role": "x"})
    assert detail.persona_error and len(detail.persona_cards) == 1


def test_profiles_list(alice):
    call(wizard(alice, template="cybersecurity"), "save")
    state = new_state(ProfilesState, alice.token)
    call(state, "load")
    assert [r["name"] for r in state.icp_rows] == ["Mid-market security buyers"]
    assert state.templates[0]["key"] == "cybersecurity"


def test_rescore_is_a_background_task():
    assert RescoreState.event_handlers["rescore"].is_background
