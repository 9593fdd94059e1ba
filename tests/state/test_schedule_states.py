"""Settings → Reminders, the recurring-invoices page and the invoice page's Repeat
dialog: admins (reminders) and members (recurring) change, others read; bad input
gets a message and changes nothing."""

from __future__ import annotations

from datetime import date

import pytest

from tests.state.conftest import call, new_state, toast_text
from tests.state.test_billing_settings_state import member_of
from tests.unit.billing_helpers import new_invoice, principal, seed_people
from tests.unit.test_recurring import START
from updoot_app import db
from updoot_app.services.billing import invoices
from updoot_app.services.mail import recurring_reads, recurring_runs, reminder_schedule
from updoot_app.state.mail.recurring_state import RecurringState, RepeatState
from updoot_app.state.mail.reminders_state import ReminderSettingsState


def stored_schedule(actor):
    with db.session_scope() as s:
        return reminder_schedule.get_schedule(s, actor.workspace_id)


def reminders_page(actor):
    state = new_state(ReminderSettingsState, actor.token)
    call(state, "load")
    return state


def test_admin_turns_reminders_on_and_edits_steps(alice):
    state = reminders_page(alice)
    assert state.enabled is False and [s["offset_days"] for s in state.steps] == [
        "-3", "0", "7", "14"]
    assert "Payment reminders are on" in toast_text(call(state, "set_enabled", True))
    assert stored_schedule(alice)["enabled"] is True
    call(state, "save_step", {"index": "2", "offset_days": "10", "subject": "Late {number}",
                              "message": "Please pay {balance}."})
    assert [s["offset_days"] for s in stored_schedule(alice)["steps"]] == [-3, 0, 10, 14]
    call(state, "add_step", {"offset_days": "30", "subject": "Final", "message": "Last call."})
    call(state, "remove_step", "0")
    assert [s["offset_days"] for s in stored_schedule(alice)["steps"]] == [0, 10, 14, 30]
    assert [s["offset_days"] for s in state.steps] == ["0", "10", "14", "30"]
    assert state.steps[-1]["label"] == "30 days after the due date"


@pytest.mark.parametrize("handler, args, message", [
    ("add_step", ({"offset_days": "0", "subject": "x", "message": "y"},), "same day"),
    ("add_step", ({"offset_days": "soon", "subject": "x", "message": "y"},), "whole number"),
    ("save_step", ({"index": "1", "offset_days": "0", "subject": "",
                    "message": "y"},), "subject is required"),
    ("save_step", ({"index": "9", "offset_days": "0", "subject": "x", "message": "y"},),
     "no longer exists"),
    ("remove_step", ("x",), "no longer exists"),
])
def test_bad_steps_get_a_message_and_change_nothing(alice, handler, args, message):
    state = reminders_page(alice)
    call(state, "set_enabled", True)
    before = stored_schedule(alice)
    call(state, handler, *args)
    assert message in state.error
    assert stored_schedule(alice) == before


@pytest.mark.parametrize("role", ["member", "viewer"])
def test_members_and_viewers_see_but_cannot_change_reminders(alice, role):
    other = member_of(alice, role)
    state = reminders_page(other)
    assert len(state.steps) == 4
    assert "Only an admin or above" in toast_text(call(state, "set_enabled", True))
    call(state, "remove_step", "0")
    assert stored_schedule(alice)["enabled"] is False
    assert len(stored_schedule(alice)["steps"]) == 4


@pytest.fixture
def sent(alice, bob):
    people = seed_people(alice, bob)
    iid = new_invoice(alice, company_id=people["acme"], contact_id=people["jane"])
    invoices.finalise(principal(alice), iid)
    return iid


def invoice_panel(actor, invoice_id):
    state = new_state(RepeatState, actor.token)
    state.router.page.params["invoice_id"] = str(invoice_id)
    call(state, "load")
    return state


def schedules(actor):
    with db.session_scope() as s:
        return recurring_reads.list_schedules(s, actor.workspace_id)


def test_repeat_from_the_invoice_page_then_pause_resume_end_from_the_list(alice, sent):
    panel = invoice_panel(alice, sent)
    assert panel.can_repeat and panel.schedules == [] and panel.origin == {}
    call(panel, "set_dialog_open", True)
    result = call(panel, "create", {"frequency": "quarterly", "start_date": START.isoformat(),
                                    "count": "4", "email_each": "on"})
    assert "Repeating" in toast_text(result) and panel.dialog_open is False
    (row,) = panel.schedules
    assert (row["frequency"], row["status"], row["email"], row["until"]) == (
        "Quarterly", "active", "Emailed", "4 invoices")
    listing = new_state(RecurringState, alice.token)
    call(listing, "load")
    assert [r["id"] for r in listing.rows] == [row["id"]]
    call(listing, "change", row["id"], "pause")
    assert listing.rows[0]["status"] == "paused"
    call(listing, "change", row["id"], "resume")
    assert listing.rows[0]["status"] == "active"
    call(panel, "change", row["id"], "end")
    assert panel.schedules[0]["status"] == "ended" and schedules(alice)[0]["status"] == "ended"


def test_an_invoice_a_schedule_made_links_to_its_source(alice, sent):
    panel = invoice_panel(alice, sent)
    call(panel, "create", {"frequency": "monthly", "start_date": START.isoformat()})
    recurring_runs.run_due_recurring(START)
    with db.session_scope() as s:
        made = recurring_reads.list_schedules(s, alice.workspace_id)[0]
        created = recurring_reads.get_schedule(s, alice.workspace_id, made["id"])["invoices"]
    copy = invoice_panel(alice, created[0]["invoice_id"])
    assert copy.origin["source_id"] == str(sent) and copy.origin["run_date"] == START.isoformat()


@pytest.mark.parametrize("form, message", [
    ({"frequency": "weekly", "start_date": START.isoformat()}, "monthly, quarterly or yearly"),
    ({"frequency": "monthly", "start_date": "2001-01-01"}, "past"),
    ({"frequency": "monthly", "start_date": START.isoformat(), "count": "0"}, "1 to"),
    ({"frequency": "monthly", "start_date": START.isoformat(),
      "end_date": date(2001, 1, 1).isoformat()}, "before the start"),
])
def test_bad_repeat_gets_a_message_and_creates_nothing(alice, sent, form, message):
    panel = invoice_panel(alice, sent)
    call(panel, "create", form)
    assert message in panel.error
    assert schedules(alice) == []


def test_a_draft_cannot_be_repeated_and_viewers_cannot_repeat(alice, sent):
    draft = new_invoice(alice)
    assert invoice_panel(alice, draft).can_repeat is False
    viewer = member_of(alice, "viewer")
    panel = invoice_panel(viewer, sent)
    assert panel.can_repeat is True and panel.can_edit is False
    call(panel, "create", {"frequency": "monthly", "start_date": START.isoformat()})
    assert schedules(alice) == []


def test_another_workspaces_invoice_shows_nothing(alice, bob, sent):
    panel = invoice_panel(bob, sent)
    assert panel.can_repeat is False and panel.schedules == []
    call(panel, "create", {"frequency": "monthly", "start_date": START.isoformat()})
    assert schedules(alice) == [] and schedules(bob) == []
