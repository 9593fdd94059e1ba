"""/profiles/suggest and the wizard opened on its draft, called as the browser calls
them, on a demo workspace."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlmodel import func, select

from tests.state.conftest import call, new_state, redirect_target, toast_text
from updoot_app import db
from updoot_app.models import Icp, IcpVersion
from updoot_app.services.demo import lifecycle
from updoot_app.state.profiles.icp_suggest_state import IcpBacktestState, IcpSuggestState
from updoot_app.state.profiles.icp_wizard_state import IcpWizardState
from updoot_app.state.profiles.review_state import ReviewPromptsState
from updoot_app.state.profiles.wizard_backtest_state import WizardBacktestState

SECURITY_TRIGGERS = {"data breach", "new regulation", "audit", "rapid hiring"}


@pytest.fixture
def demo_token(database):
    with db.session_scope() as s:
        _ws, token = lifecycle.create_demo(s, seed=20261206)
    return token


def icp_count() -> int:
    with db.session_scope() as s:
        return s.exec(select(func.count()).select_from(Icp)).one()


def test_the_page_opens_on_won_deals_with_evidence_and_both_backtests(demo_token):
    state = new_state(IcpSuggestState, demo_token)
    call(state, "load")
    assert state.status == "ok" and state.error == ""
    assert state.message.endswith("other companies.")
    assert sum(int(r["weight"]) for r in state.reasons) == 100
    assert any(r["line"].startswith("Financial Services: ") for r in state.evidence)
    assert any(e["proposed"] and "(trigger)" in e["line"] for e in state.evidence)
    rows = {r["tier"]: r for r in state.bt_tiers}
    assert len(rows) == 5 and " of " in rows["A"]["current"] and " of " in rows["A"]["draft"]
    assert state.current_names == "Mid-market security buyers"
    assert state.wizard_href == "/profiles/new?best=won"


def test_other_meanings_of_best_and_bad_input(demo_token):
    state = new_state(IcpSuggestState, demo_token)
    call(state, "load")
    call(state, "suggest", {"best": "top_revenue", "top": "12", "tag": ""})
    assert state.status == "ok" and state.message.startswith("12 best customers")
    assert state.wizard_href == "/profiles/new?best=top_revenue&top=12"
    call(state, "suggest", {"best": "top_revenue", "top": "lots"})
    assert "top must be a whole number" in state.error
    call(state, "suggest", {"best": "tag", "tag": "nobody-has-this"})
    assert state.status == "none" and state.reasons == [] and "Won" in state.message
    call(state, "suggest", {"best": "everyone"})
    assert state.error == "Pick what best customers means."
    call(state, "suggest", "not a form")
    assert state.error == "Pick what best customers means."


def test_the_wizard_opens_the_draft_unsaved_and_saves_it(demo_token):
    before = icp_count()
    wizard = new_state(IcpWizardState, demo_token)
    wizard.router.page.params.update({"icp_id": "new", "best": "won"})
    call(wizard, "load")
    assert set(wizard.draft["triggers"]) & SECURITY_TRIGGERS
    assert wizard.weight_total == 100 and wizard.icp_id == 0
    assert icp_count() == before  # nothing saved by opening it
    call(wizard, "set_text", "name", "Learned from our wins")
    result = call(wizard, "save")
    assert icp_count() == before + 1
    assert redirect_target(result).startswith("/profiles/")


def test_the_wizard_reports_a_bad_suggestion_request(demo_token):
    wizard = new_state(IcpWizardState, demo_token)
    wizard.router.page.params.update({"icp_id": "new", "best": "top_paid", "top": "0"})
    call(wizard, "load")
    assert "top" in wizard.error and wizard.weight_total == 0


def test_an_icp_page_shows_its_backtest_beside_the_active_profiles(demo_token, alice):
    with db.session_scope() as s:
        icp_id = s.exec(select(Icp.id)).one()
    page = new_state(IcpBacktestState, demo_token)
    page.router.page.params["icp_id"] = str(icp_id)
    call(page, "load")
    rows = {r["tier"]: r for r in page.bt_tiers}
    assert rows["A"]["draft"] == rows["A"]["current"] != "—"  # the only active profile
    assert page.bt_figures[0]["draft"].startswith("0.") and page.bt_note == ""
    other = new_state(IcpBacktestState, alice.token)
    other.router.page.params["icp_id"] = str(icp_id)
    result = call(other, "load")
    assert "not found" in toast_text(result).lower() and other.bt_tiers == []


def test_time_to_review_an_old_icp(demo_token):
    prompts = new_state(ReviewPromptsState, demo_token)
    call(prompts, "load")
    assert all("Not reviewed" not in r["reason"] for r in prompts.review_rows)
    with db.session_scope() as s:
        version = s.exec(select(IcpVersion)).one()
        version.created_at = version.created_at - timedelta(days=500)
        s.add(version)
    call(prompts, "load")
    assert [r["name"] for r in prompts.review_rows] == ["Mid-market security buyers"]
    assert "Not reviewed for 16 months." in prompts.review_rows[0]["reason"]


def test_the_wizard_backtests_the_draft_before_saving(demo_token):
    before = icp_count()
    wizard = new_state(WizardBacktestState, demo_token)
    parent = wizard.parent_state  # the wizard: its draft is what the backtest reads
    parent.router.page.params.update({"icp_id": "new", "best": "won"})
    call(parent, "load")
    call(wizard, "run_backtest")
    rows = {r["tier"]: r for r in wizard.wb_tiers}
    assert wizard.wb_error == "" and len(rows) == 5 and " of " in rows["A"]["current"]
    assert wizard.wb_figures[0]["draft"].startswith("0.") and icp_count() == before
    call(parent, "set_weight", "w_triggers", "0")
    call(wizard, "run_backtest")
    assert "add up to 100" in wizard.wb_error and wizard.wb_tiers == []
