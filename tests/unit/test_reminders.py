"""Payment reminders: the schedule (read, replaced, validated) and the due pass,
with the messages delivered to a real SMTP server on loopback."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import date, timedelta

import pytest
from sqlmodel import select

from tests.conftest import make_actor
from tests.unit.billing_helpers import new_invoice, principal, seed_people
from tests.unit.mail_helpers import deliver_all, outbox_rows, pdf_text
from updoot_app import db
from updoot_app.models import Membership, ReminderSend
from updoot_app.services.billing import invoices
from updoot_app.services.mail import dispatch, reminder_schedule, reminders
from updoot_app.services.platform.errors import Forbidden, ValidationError

DUE = date(2031, 3, 15)
STEPS = [{"offset_days": -3, "subject": "Soon: {number}", "message": "Due {due_date}."},
         {"offset_days": 0, "subject": "Today: {number}", "message": "Balance {balance}."},
         {"offset_days": 7, "subject": "Late: {number}",
          "message": "{days_overdue} days overdue, {balance} open."}]


@pytest.fixture
def people(alice, bob):
    return seed_people(alice, bob)


def set_schedule(actor, enabled=True, steps=STEPS):
    with db.session_scope() as s:
        return reminder_schedule.update_schedule(s, principal(actor),
                                                 {"enabled": enabled, "steps": steps})


def sent_invoice(actor, contact_id, company_id, due=DUE):
    iid = new_invoice(actor, company_id=company_id, contact_id=contact_id,
                      issue_date=(due - timedelta(days=30)).isoformat(),
                      due_date=due.isoformat())
    invoices.finalise(principal(actor), iid)
    return iid


def sends(invoice_id):
    with db.session_scope() as s:
        return sorted((r.offset_days, r.outcome) for r in s.exec(
            select(ReminderSend).where(ReminderSend.invoice_id == invoice_id)))


def test_default_schedule_is_off_with_four_steps(alice):
    with db.session_scope() as s:
        got = reminder_schedule.get_schedule(s, alice.workspace_id)
    assert got["enabled"] is False
    assert [st["offset_days"] for st in got["steps"]] == [-3, 0, 7, 14]
    assert got["steps"][0]["label"] == "3 days before the due date"


def test_schedule_is_replaced_keeping_steps_by_offset(alice):
    set_schedule(alice)
    with db.session_scope() as s:
        first = {st.offset_days: st.id for st in reminder_schedule.steps_of(s, alice.workspace_id)}
    changed = [dict(STEPS[1], subject="Due today {number}"), STEPS[2],
               {"offset_days": 21, "subject": "Final", "message": "Last call."}]
    got = set_schedule(alice, steps=changed)
    assert [st["offset_days"] for st in got["steps"]] == [0, 7, 21]
    assert got["steps"][0]["subject"] == "Due today {number}"
    with db.session_scope() as s:
        second = {st.offset_days: st.id for st in reminder_schedule.steps_of(s, alice.workspace_id)}
    assert second[0] == first[0] and second[7] == first[7] and -3 not in second


@pytest.mark.parametrize("steps, field", [
    ([{"offset_days": "x", "subject": "a", "message": "b"}], "steps.0.offset_days"),
    ([{"offset_days": 400, "subject": "a", "message": "b"}], "steps.0.offset_days"),
    ([STEPS[0], dict(STEPS[1], offset_days=-3)], "steps.1.offset_days"),
    ([dict(STEPS[0], subject="Hi\nBcc: x@y.z")], "steps.0.subject"),
    ([dict(STEPS[0], message="")], "steps.0.message"),
    ([dict(STEPS[0], message="Pay {amount}")], "steps.0.message"),
    ([dict(STEPS[0], colour="red")], "steps.0.colour"),
    ("nope", "steps"),
])
def test_bad_steps_are_refused_naming_the_field_and_change_nothing(alice, steps, field):
    with pytest.raises(ValidationError) as err:
        set_schedule(alice, steps=steps)
    assert err.value.field == field
    with db.session_scope() as s:
        assert reminder_schedule.get_schedule(s, alice.workspace_id)["enabled"] is False


def test_only_owner_or_admin_changes_the_schedule(alice, bob):
    with db.session_scope() as s:
        s.add(Membership(user_id=bob.user_id, workspace_id=alice.workspace_id, role="member"))
    member = principal(bob)
    with db.session_scope() as s:
        member = member.__class__(**{**member.__dict__, "workspace_id": alice.workspace_id,
                                     "role": "member"})
        with pytest.raises(Forbidden):
            reminder_schedule.update_schedule(s, member, {"enabled": True, "steps": []})
    with pytest.raises(ValidationError) as err:
        with db.session_scope() as s:
            reminder_schedule.update_schedule(s, principal(alice), {"enabled": "yes",
                                                                    "steps": []})
    assert err.value.field == "enabled"


def test_nothing_is_sent_while_reminders_are_off(alice, people, smtp_sink):
    set_schedule(alice, enabled=False)
    sent_invoice(alice, people["jane"], people["acme"])
    assert reminders.send_due_reminders(DUE + timedelta(days=30)) == 0
    assert outbox_rows() == []


def test_each_step_is_sent_once_on_its_day_with_the_pdf(alice, people, smtp_sink):
    set_schedule(alice)
    iid = sent_invoice(alice, people["jane"], people["acme"])
    assert reminders.send_due_reminders(DUE - timedelta(days=4)) == 0
    assert reminders.send_due_reminders(DUE - timedelta(days=3)) == 1
    assert reminders.send_due_reminders(DUE - timedelta(days=3)) == 0    # same day again
    assert reminders.send_due_reminders(DUE - timedelta(days=1)) == 0
    assert reminders.send_due_reminders(DUE) == 1
    assert reminders.send_due_reminders(DUE + timedelta(days=8)) == 1
    assert reminders.send_due_reminders(DUE + timedelta(days=9)) == 0
    assert [o.status for o in deliver_all()] == ["sent"] * 3
    messages = smtp_sink.wait_for(3)
    with db.session_scope() as s:
        number = invoices.get_invoice(s, alice.workspace_id, iid).number
    assert [m["Subject"] for m in messages] == [f"Soon: {number}", f"Today: {number}",
                                                f"Late: {number}"]
    assert all(m["To"] == "jane@acme.io" for m in messages)
    assert "8 days overdue" in messages[2].get_body(("plain",)).get_content()
    name, text = pdf_text(messages[0])
    assert name == f"{number}.pdf" and number in text
    assert sends(iid) == [(-3, "queued"), (0, "queued"), (7, "queued")]
    assert {r.dedupe_key for r in outbox_rows()} == {f"reminder:{iid}:{o}" for o in (-3, 0, 7)}
    assert {r.kind for r in outbox_rows()} == {"reminder"}


def test_turned_on_late_only_the_latest_due_step_goes_out(alice, people, smtp_sink):
    set_schedule(alice)
    iid = sent_invoice(alice, people["jane"], people["acme"])
    assert reminders.reminder_pass(DUE + timedelta(days=20)) == reminders.ReminderPass(
        queued=1, no_recipient=0, skipped_steps=2)
    assert sends(iid) == [(-3, "skipped"), (0, "skipped"), (7, "queued")]
    assert [r.subject.split(":")[0] for r in outbox_rows()] == ["Late"]
    # a step added later, earlier than the one sent, is skipped too
    set_schedule(alice, steps=[*STEPS, {"offset_days": 3, "subject": "x", "message": "y"}])
    assert reminders.send_due_reminders(DUE + timedelta(days=21)) == 0
    assert (3, "skipped") in sends(iid) and len(outbox_rows()) == 1


def test_paid_void_and_draft_invoices_get_no_reminder(alice, people, smtp_sink):
    set_schedule(alice)
    paid = sent_invoice(alice, people["jane"], people["acme"])
    voided = sent_invoice(alice, people["jane"], people["acme"])
    new_invoice(alice, company_id=people["acme"], contact_id=people["jane"],
                due_date=DUE.isoformat(), issue_date=(DUE - timedelta(days=5)).isoformat())
    with db.write_scope() as s:
        total = invoices.get_invoice(s, alice.workspace_id, paid).total
        invoices.record_payment(s, principal(alice), paid, {"amount": str(total)})
        invoices.void_invoice(s, principal(alice), voided)
    assert reminders.send_due_reminders(DUE + timedelta(days=8)) == 0
    assert outbox_rows() == []


def test_reminders_stop_once_a_payment_covers_the_balance(alice, people, smtp_sink):
    set_schedule(alice)
    iid = sent_invoice(alice, people["jane"], people["acme"])
    assert reminders.send_due_reminders(DUE) == 1
    with db.write_scope() as s:
        invoices.record_payment(s, principal(alice), iid, {"amount": "10.00"})
    assert reminders.send_due_reminders(DUE + timedelta(days=7)) == 1   # partly paid: still due
    assert "Late" in outbox_rows()[-1].subject
    with db.write_scope() as s:
        balance = invoices.balance(invoices.get_invoice(s, alice.workspace_id, iid))
        invoices.record_payment(s, principal(alice), iid, {"amount": str(balance)})
    set_schedule(alice, steps=[*STEPS, {"offset_days": 14, "subject": "x", "message": "y"}])
    assert reminders.send_due_reminders(DUE + timedelta(days=14)) == 0
    assert len(outbox_rows()) == 2


def test_an_invoice_without_a_contact_email_is_counted_and_sent_later(alice, people, smtp_sink):
    set_schedule(alice)
    iid = sent_invoice(alice, people["hank"], people["globex"])
    assert reminders.reminder_pass(DUE).no_recipient == 1
    assert sends(iid) == [] and outbox_rows() == []


def test_another_workspaces_schedule_does_not_reach_ours(alice, bob, people, smtp_sink):
    set_schedule(make_actor("carol@example.com", "Carol Co"))
    sent_invoice(alice, people["jane"], people["acme"])
    assert reminders.send_due_reminders(DUE + timedelta(days=8)) == 0


def test_without_smtp_nothing_is_recorded(alice, people, monkeypatch):
    monkeypatch.delenv("UPDOOT_SMTP_URL", raising=False)
    set_schedule(alice)
    iid = sent_invoice(alice, people["jane"], people["acme"])
    assert reminders.send_due_reminders(DUE) == 0
    assert sends(iid) == [] and outbox_rows() == []


def test_two_workers_at_once_send_each_step_once(alice, people, smtp_sink):
    """Two passes race (threads, own connections; PostgreSQL too in CI): the
    invoice's row lock and the unique (invoice, offset) leave one message per step."""
    set_schedule(alice)
    ids = [sent_invoice(alice, people["jane"], people["acme"]) for _ in range(3)]
    barrier = threading.Barrier(2)

    def worker():
        barrier.wait()
        return reminders.send_due_reminders(DUE)

    with ThreadPoolExecutor(max_workers=2) as pool:
        queued = [f.result() for f in [pool.submit(worker) for _ in range(2)]]
    assert sum(queued) == 3
    assert sorted(r.dedupe_key for r in outbox_rows()) == sorted(
        reminders.dedupe_key(i, 0) for i in ids)
    assert all(sends(i) == [(-3, "skipped"), (0, "queued")] for i in ids)


def test_reminders_reach_the_queue_only_after_commit(alice, people, smtp_sink):
    set_schedule(alice)
    sent_invoice(alice, people["jane"], people["acme"])
    handed, previous = [], dispatch._dispatcher
    dispatch.set_dispatcher(handed.append)
    try:
        assert reminders.send_due_reminders(DUE) == 1
    finally:
        dispatch.set_dispatcher(previous)
    assert handed == [r.id for r in outbox_rows()]
