"""Today, follow-up dialogs, signals on the company page, the deal's next step,
the pipeline's "no next step" filter and where a login lands."""

from __future__ import annotations

import io
import json
from pathlib import Path

import reflex as rx
from sqlalchemy import func
from sqlmodel import select

from tests.state.conftest import call, new_state, redirect_target, toast_text
from tests.unit.today_helpers import A_FIT, company, deal, task, with_icp
from updoot_app import db
from updoot_app.models import BuyingSignal, Deal, FollowUp, Interaction, Membership
from updoot_app.services.crm import follow_up_reads, signals
from updoot_app.state.crm.pipeline_state import PipelineState
from updoot_app.state.crm.record_follow_ups_state import CompanyFollowUpsState, DealFollowUpsState
from updoot_app.state.crm.signal_import_state import SignalImportState
from updoot_app.state.crm.today_state import TodayState
from updoot_app.state.identity.auth_state import AuthState
from updoot_app.state.profiles.trigger_windows_state import TriggerWindowsState


def count(model):
    with db.session_scope() as s:
        return s.exec(select(func.count()).select_from(model)).one()


def page(cls, actor, **params):
    state = new_state(cls, actor.token)
    state.router.page.params.update({k: str(v) for k, v in params.items()})
    return state


def test_login_lands_on_today_with_open_follow_ups_else_the_dashboard(alice):
    def login():
        return redirect_target(call(new_state(AuthState), "login", {
            "email": alice.email, "password": alice.password}))

    assert login() == "/dashboard"
    fid = task(alice)
    assert login() == "/today"
    with db.session_scope() as s:
        row = s.get(FollowUp, fid)
        row.done_at = row.created_at
        s.add(row)
    assert login() == "/dashboard"


def test_signal_to_deal_to_follow_up_to_done_and_the_next_one(alice):
    with_icp(alice)
    acme = company(alice, "Acme", **A_FIT)
    company_page = page(CompanyFollowUpsState, alice, company_id=acme)
    call(company_page, "load")
    call(company_page, "open_signal")
    assert company_page.trigger_options[:2] == ["recent funding", "new CISO"]
    events = call(company_page, "record_signal", {"trigger": "recent funding",
                                                  "other_trigger": "", "occurred_on": "",
                                                  "note": ""})
    # The company's badge is read again: its stored fit now counts the fresh trigger.
    assert any("CompanyState.load" in str(e) for e in events), events
    assert company_page.signal_error == "" and not company_page.signal_open
    assert [r["state"] for r in company_page.signal_rows] == ["fresh"]
    assert company_page.evidence[0]["result"] == "match"

    today = page(TodayState, alice)
    call(today, "load")
    assert today.lines[0]["kind"] == "buying_signal"
    assert today.lines[0]["reason"] == \
        "Acme (A · 100) had 'recent funding' today and has no open deal"
    call(today, "make_deal", today.lines[0]["company_id"])
    assert count(Deal) == 1 and today.fu_open
    assert today.fu_defaults["title"] == "Follow up: Acme"
    assert [line["kind"] for line in today.lines] == ["no_next_step"]
    bad = {"title": "x" * 300, "type": "call", "due_on": today.fu_defaults["due_on"],
           "due_at": "", "assignee_id": str(alice.user_id), "notes": ""}
    call(today, "save_follow_up", bad)
    assert "at most 200" in today.fu_error and count(FollowUp) == 0
    with db.session_scope() as s:
        day = follow_up_reads.workspace_today(s, alice.workspace_id).isoformat()
    call(today, "save_follow_up", {**bad, "title": "Call Acme", "due_on": day})
    assert not today.fu_open and count(FollowUp) == 1
    assert [line["kind"] for line in today.lines] == ["task"]
    assert today.lines[0]["reason"].startswith("Due today: Call Acme (Acme, A · 100)")

    call(today, "start_done", today.lines[0]["task_id"])
    assert today.done_open and today.done_next["title"] == "Follow up: Call Acme"
    call(today, "finish_done", {"log_kind": "call", "summary": "Spoke to Dana",
                                "next_title": today.done_next["title"], "next_type": "call",
                                "next_due_on": today.done_next["due_on"],
                                "schedule_next": "on"})
    assert not today.done_open and count(Interaction) == 1
    with db.session_scope() as s:
        open_ones = s.exec(select(FollowUp).where(FollowUp.done_at.is_(None))).all()
    assert [f.title for f in open_ones] == ["Follow up: Call Acme"]
    assert today.lines == []  # the next one is due next week, and the deal has a next step
    assert len(json.dumps(today.dict())) < 20_000


def test_snooze_reopen_and_hostile_ids(alice, bob):
    fid = task(alice, due_on="2026-01-01")
    today = page(TodayState, alice)
    call(today, "load")
    assert today.lines[0]["kind"] == "task"
    call(today, "snooze", str(fid), "tomorrow")
    assert today.lines == []
    theirs = task(bob)
    assert "not found" in toast_text(call(today, "start_done", str(theirs)))
    assert "not found" in toast_text(call(today, "snooze", str(theirs), "tomorrow"))
    assert "Invalid id" in toast_text(call(today, "new_follow_up", "1 OR 1=1", ""))
    assert "Scope" in toast_text(call(today, "set_scope", "everyone"))
    assert not today.done_open


def test_viewers_read_today_but_cannot_act(alice):
    fid = task(alice)
    with db.session_scope() as s:
        m = s.exec(select(Membership).where(Membership.user_id == alice.user_id)).one()
        m.role = "viewer"
        s.add(m)
    today = page(TodayState, alice)
    call(today, "load")
    assert len(today.lines) == 1
    assert "read-only" in toast_text(call(today, "snooze", str(fid), "tomorrow"))
    assert "read-only" in toast_text(call(today, "make_deal", "1"))


def test_deal_next_step_and_the_pipelines_no_next_step_filter(alice):
    acme = company(alice, "Acme")
    with_next, without = deal(alice, acme, title="Has next"), deal(alice, acme, title="Bare")
    task(alice, deal_id=with_next)
    deal_page = page(DealFollowUpsState, alice, deal_id=without)
    call(deal_page, "load")
    assert deal_page.next_step == {"next": "", "no_next_step": "yes"}
    deal_page = page(DealFollowUpsState, alice, deal_id=with_next)
    call(deal_page, "load")
    assert deal_page.next_step["next"].startswith("Call · due ")
    assert deal_page.rows[0]["title"] == "Call"

    pipeline = page(PipelineState, alice)
    call(pipeline, "load")
    cards = {c["title"]: c["no_next"] for cs in pipeline.cards.values() for c in cs}
    assert cards == {"Has next": "", "Bare": "yes"}
    call(pipeline, "set_filter", "next_step", "none")
    assert [c["title"] for cs in pipeline.cards.values() for c in cs] == ["Bare"]
    call(pipeline, "set_view", "list")
    assert [r["title"] for r in pipeline.list_rows] == ["Bare"]
    assert "Unknown" in toast_text(call(pipeline, "set_filter", "next_step", "some"))
    call(pipeline, "clear_filters")
    assert {r["title"] for r in pipeline.list_rows} == {"Bare", "Has next"}


def test_recording_a_bad_signal_names_the_problem_and_writes_nothing(alice, bob):
    acme = company(alice, "Acme")
    state = page(CompanyFollowUpsState, alice, company_id=acme)
    call(state, "load")
    call(state, "record_signal", {"trigger": "", "other_trigger": "", "occurred_on": "",
                                  "note": ""})
    assert "Trigger is required" in state.signal_error
    call(state, "record_signal", {"trigger": "x", "other_trigger": "",
                                  "occurred_on": "20260-01-01", "note": ""})
    assert "date" in state.signal_error
    theirs = page(CompanyFollowUpsState, bob, company_id=acme)  # another workspace's company
    call(theirs, "load")
    assert theirs.company_id == "" and theirs.signal_rows == []
    call(theirs, "record_signal", {"trigger": "x", "other_trigger": "", "occurred_on": "",
                                   "note": ""})
    assert count(BuyingSignal) == 0


def test_the_wizards_freshness_windows(alice):
    state = page(TriggerWindowsState, alice)
    call(state, "load")
    assert state.windows_text == ""
    call(state, "save_windows", {"windows": "Recent funding: 60\nnew CISO: 30"})
    assert state.windows_error == "" and state.windows_text == "new ciso: 30; recent funding: 60"
    call(state, "save_windows", {"windows": "new CISO: 0"})
    assert "1 to 3650" in state.windows_error
    call(state, "save_windows", {"windows": "recent funding 60"})
    assert "trigger: days" in state.windows_error
    call(state, "save_windows", {"windows": "new CISO: 45"})  # funding back to the default
    with db.session_scope() as s:
        assert signals.windows(s, alice.workspace_id) == {"new ciso": 45}


def test_a_next_step_from_a_pipeline_card(alice):
    acme = company(alice, "Acme")
    bare = deal(alice, acme, title="Bare")
    pipeline = page(PipelineState, alice)
    call(pipeline, "load")
    assert [c["no_next"] for cs in pipeline.cards.values() for c in cs] == ["yes"]
    call(pipeline, "new_follow_up", "", str(bare))
    assert pipeline.fu_open and pipeline.fu_defaults["title"] == "Follow up: Bare"
    call(pipeline, "save_follow_up", {"title": "Call them", "type": "call",
                                      "due_on": pipeline.fu_defaults["due_on"], "due_at": "",
                                      "assignee_id": str(alice.user_id), "notes": ""})
    assert not pipeline.fu_open
    assert [c["no_next"] for cs in pipeline.cards.values() for c in cs] == [""]
    with db.session_scope() as s:
        row = s.exec(select(FollowUp)).one()
    assert (row.deal_id, row.company_id) == (bare, acme)


def upload(data: bytes, name: str = "signals.csv"):
    return rx.UploadFile(file=io.BytesIO(data), path=Path(name), size=len(data))


def test_signals_from_the_company_import_page(alice, bob):
    acme = company(alice, "Acme", domain="acme.io")
    state = page(SignalImportState, alice)
    csv = (b"domain,trigger,occurred_on,note\nacme.io,recent funding,2026-11-30,Series B\n"
           b"nobody.io,recent funding,2026-11-30,\n")
    call(state, "upload_signals", [upload(csv)])
    assert state.signal_error == ""
    assert state.signal_result == "Imported 1 signals, 1 rows with problems."
    assert state.signal_problems == ["Row 3, domain: No company with the domain nobody.io here."]
    with db.session_scope() as s:
        assert [r.company_id for r in s.exec(select(BuyingSignal)).all()] == [acme]
    call(state, "upload_signals", [upload(b"name\nAcme\n")])
    assert "needs the columns" in state.signal_error
    assert "Choose one CSV file" in (call(state, "upload_signals", []) or "") + \
        state.signal_error
    theirs = page(SignalImportState, bob)  # Bob's workspace has no acme.io
    call(theirs, "upload_signals", [upload(csv)])
    assert theirs.signal_result == "Imported 0 signals, 2 rows with problems."
