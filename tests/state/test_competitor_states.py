"""Competitor pages and the deal competitors panel, called as the browser calls them."""

from __future__ import annotations

from sqlmodel import select

from tests.state.conftest import as_plotly, call, new_state, redirect_target, toast_text
from updoot_app import db
from updoot_app.models import Competitor, DealCompetitor, Membership
from updoot_app.services.competitors import battlecards
from updoot_app.services.crm import companies, deals
from updoot_app.services.identity.access import resolve_session
from updoot_app.state.competitors.competitors_state import (
    CompareState,
    CompetitorDetailState,
    CompetitorsState,
)
from updoot_app.state.competitors.deal_competitor_panel_state import DealCompetitorsState
from updoot_app.state.competitors.deal_competitors_page_state import DealPageState

FORM = {"name": "Rival", "website": "rival.example", "industries": "Technology, Retail",
        "geography": "Europe", "segments": "SMB", "employees_min": "10",
        "employees_max": "500", "strengths": "**Fast** <script>alert(1)</script>",
        "weaknesses": "", "where_they_win": "", "gaps": "Onboarding", "pricing_notes": "",
        "talk_track": ""}


def principal(actor):
    with db.session_scope() as s:
        return resolve_session(s, actor.token)


def make_deal(actor, title="Big deal"):
    with db.session_scope() as s:
        p = principal(actor)
        company = companies.create_company(s, p, {"name": f"{title} Co"})
        return deals.create_deal(s, p, {"company_id": company.id, "title": title,
                                        "value": "5000"}).id


def make_competitor(actor, name="Rival"):
    with db.session_scope() as s:
        return battlecards.create_competitor(s, principal(actor), {"name": name}).id


def test_create_from_the_list_page_redirects_to_the_battlecard(alice):
    state = new_state(CompetitorsState, alice.token)
    call(state, "load")
    assert state.rows == []
    result = call(state, "create", FORM)
    with db.session_scope() as s:
        created = s.exec(select(Competitor)).one()
    assert redirect_target(result) == f"/competitors/{created.id}"
    assert created.target["industries"] == ["Technology", "Retail"]
    assert created.target["employees_max"] == 500
    call(state, "load")
    assert state.rows[0]["name"] == "Rival"
    assert state.rows[0]["win_label"] == "no closed deals (n=0)"


def test_create_with_bad_input_shows_the_message_and_writes_nothing(alice):
    state = new_state(CompetitorsState, alice.token)
    for bad in ({**FORM, "name": ""}, {**FORM, "employees_min": "9", "employees_max": "1"},
                {**FORM, "geography": "Narnia"}, {**FORM, "strengths": "x" * 6000}, "nope"):
        assert call(state, "create", bad) is None
        assert state.new_error
    with db.session_scope() as s:
        assert s.exec(select(Competitor)).all() == []


def test_detail_page_renders_safe_html_edits_and_reviews(alice):
    cid = make_competitor(alice)
    state = new_state(CompetitorDetailState, alice.token)
    state.router.page.params.update({"competitor_id": str(cid)})
    call(state, "load")
    assert state.card["name"] == "Rival" and state.card["reviewed"] == "Never reviewed"
    assert as_plotly(state.figure).layout.yaxis2.title.text == "Deals"
    call(state, "save", {**FORM, "name": "Rival Inc"})
    assert state.card["name"] == "Rival Inc"
    assert "<strong>Fast</strong>" in state.card["strengths_html"]
    assert "<script" not in state.card["strengths_html"]
    assert state.form["industries"] == "Technology, Retail"
    result = call(state, "save", {**FORM, "website": "javascript:alert(1)"})
    assert result is None and "Website" in state.edit_error
    call(state, "mark_reviewed")
    assert state.card["reviewed"].startswith("Reviewed ")
    assert alice.email in state.card["reviewed"]
    result = call(state, "delete")
    assert redirect_target(result) == "/competitors"


def test_other_workspace_competitor_is_not_found(alice, bob):
    cid = make_competitor(bob)
    state = new_state(CompetitorDetailState, alice.token)
    state.router.page.params.update({"competitor_id": str(cid)})
    assert "not found" in toast_text(call(state, "load"))
    assert state.card == {}
    assert call(state, "save", {"name": "Mine now"}) is None
    assert "not found" in state.edit_error
    for handler, args in (("mark_reviewed", ()), ("delete", ())):
        assert "not found" in toast_text(call(state, handler, *args))
    with db.session_scope() as s:
        assert s.get(Competitor, cid).name == "Rival" and s.get(Competitor, cid).reviewed_at \
            is None


def test_deal_panel_attach_detach_and_win_rate_after_loss(alice):
    deal_id = make_deal(alice)
    cid = make_competitor(alice)
    make_competitor(alice, "Other")
    page = new_state(DealPageState, alice.token)
    page.router.page.params.update({"deal_id": str(deal_id)})
    load_events = call(page, "load")
    assert page.deal["title"] == "Big deal" and page.deal["stage_kind"] == "open"
    assert "load_for_deal" in str(load_events)
    panel = new_state(DealCompetitorsState, alice.token)
    call(panel, "load_for_deal", str(deal_id))
    assert panel.cards == [] and {o["name"] for o in panel.options} == {"Rival", "Other"}
    assert call(panel, "attach", "") is None and panel.panel_error  # nothing chosen
    call(panel, "set_choice", str(cid))
    call(panel, "attach", "")
    assert [c["name"] for c in panel.cards] == ["Rival"]
    assert panel.cards[0]["win_label"] == "no closed deals (n=0)"
    assert [o["name"] for o in panel.options] == ["Other"]
    call(page, "set_lost_reason", "Price")
    call(page, "mark_lost")
    assert page.deal["stage_kind"] == "lost" and page.deal["lost_reason"] == "Price"
    call(panel, "load_for_deal", str(deal_id))
    assert panel.cards[0]["win_label"] == "0% (n=1)"
    call(panel, "detach", str(cid))
    assert panel.cards == []


def test_deal_panel_refuses_other_workspaces_and_viewers(alice, bob):
    bob_deal = make_deal(bob)
    bob_comp = make_competitor(bob)
    my_deal = make_deal(alice)
    panel = new_state(DealCompetitorsState, alice.token)
    assert "not found" in toast_text(call(panel, "load_for_deal", str(bob_deal)))
    assert panel.cards == [] and panel.deal_id == ""
    call(panel, "load_for_deal", str(my_deal))
    assert "not found" in toast_text(call(panel, "attach", str(bob_comp)))
    assert "Invalid id" in toast_text(call(panel, "attach", "1; DROP TABLE deals"))
    cid = make_competitor(alice)
    with db.session_scope() as s:  # alice becomes a viewer of her workspace
        m = s.exec(select(Membership).where(Membership.user_id == alice.user_id)).one()
        m.role = "viewer"
        s.add(m)
    viewer_panel = new_state(DealCompetitorsState, alice.token)
    call(viewer_panel, "load_for_deal", str(my_deal))  # viewers read
    assert viewer_panel.deal_id == str(my_deal)
    assert "read-only" in toast_text(call(viewer_panel, "attach", str(cid)))
    viewer_page = new_state(DealPageState, alice.token)
    viewer_page.router.page.params.update({"deal_id": str(my_deal)})
    assert "read-only" in toast_text(call(viewer_page, "mark_lost"))
    with db.session_scope() as s:
        assert s.exec(select(DealCompetitor)).all() == []


def test_compare_up_to_three(alice):
    ids = [make_competitor(alice, name) for name in ("A1", "B2", "C3", "D4")]
    state = new_state(CompareState, alice.token)
    state.router.page.params.update({"ids": f"{ids[0]},{ids[1]}"})
    call(state, "load")
    assert state.headers == ["", "Us", "A1", "B2"]
    assert [r[0] for r in state.rows][-1] == "Win rate"
    assert all(len(r) == 4 for r in state.rows)
    call(state, "add", str(ids[2]))
    assert state.headers[-1] == "C3"
    assert "at most 3" in toast_text(call(state, "add", str(ids[3])))
    call(state, "remove", str(ids[0]))
    assert state.headers == ["", "Us", "B2", "C3"]
    assert [r["name"] for r in state.selected_rows] == ["B2", "C3"]
    call(state, "add", "not-an-id")
    assert len(state.selected) == 2
