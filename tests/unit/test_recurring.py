"""Recurring invoices: the schedule's dates (month ends), its commands, and the due
pass: one invoice (and one email) per period, catching up, and two workers at once
(against PostgreSQL too when UPDOOT_TEST_POSTGRES_URL is set)."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import date, timedelta

import pytest
from sqlalchemy import func
from sqlmodel import select

from tests.unit.billing_helpers import new_invoice, principal, seed_people
from tests.unit.mail_helpers import deliver_all, outbox_rows, pdf_text
from updoot_app import db
from updoot_app.models import Invoice, InvoiceLine, RecurringRun
from updoot_app.services.billing import invoices
from updoot_app.services.billing.documents import today
from updoot_app.services.mail import dispatch, recurring, recurring_reads, recurring_runs
from updoot_app.services.platform.errors import Forbidden, NotFound, ValidationError

START = date(today().year + 1, 1, 31)


@pytest.fixture
def people(alice, bob):
    return seed_people(alice, bob)


def source_invoice(actor, people, **fields):
    iid = new_invoice(actor, company_id=people["acme"], contact_id=people["jane"],
                      payment_terms_days=14, **fields)
    invoices.finalise(principal(actor), iid)
    return iid


def schedule(actor, invoice_id, **data):
    with db.session_scope() as s:
        return recurring.create_schedule(s, principal(actor), {
            "invoice_id": invoice_id, "frequency": "monthly",
            "start_date": START.isoformat(), **data}).id


def change(actor, schedule_id, data):
    with db.session_scope() as s:
        return recurring_reads.schedule_dict(
            recurring.update_schedule(s, principal(actor), schedule_id, data), None)


def details(actor, schedule_id):
    with db.session_scope() as s:
        return recurring_reads.get_schedule(s, actor.workspace_id, schedule_id)


def workspace_invoices(actor):
    with db.session_scope() as s:
        return list(s.exec(select(Invoice).where(Invoice.workspace_id == actor.workspace_id)
                           .order_by(Invoice.id)))


@pytest.mark.parametrize("start, frequency, dates", [
    (date(2026, 1, 31), "monthly", ["2026-01-31", "2026-02-28", "2026-03-31", "2026-04-30"]),
    (date(2028, 1, 31), "monthly", ["2028-01-31", "2028-02-29", "2028-03-31", "2028-04-30"]),
    (date(2026, 11, 30), "quarterly", ["2026-11-30", "2027-02-28", "2027-05-30",
                                       "2027-08-30"]),
    (date(2028, 2, 29), "yearly", ["2028-02-29", "2029-02-28", "2030-02-28", "2031-02-28"]),
])
def test_run_dates_keep_to_the_calendar(start, frequency, dates):
    assert [recurring.run_date(start, frequency, n).isoformat() for n in range(4)] == dates


def test_each_period_makes_one_numbered_invoice_from_the_source(alice, people):
    src = source_invoice(alice, people)
    sid = schedule(alice, src, count=3)
    assert recurring_runs.run_due_recurring(START - timedelta(days=1)) == 0
    assert recurring_runs.run_due_recurring(START) == 1
    assert recurring_runs.run_due_recurring(START) == 0          # same day again
    made = workspace_invoices(alice)[1:]
    assert len(made) == 1
    copy = made[0]
    assert copy.status == "sent" and copy.number.endswith("-0001")  # first of its year
    assert copy.issue_date == START and copy.due_date == START + timedelta(days=14)
    assert copy.company_id == people["acme"] and copy.contact_id == people["jane"]
    with db.session_scope() as s:
        source = invoices.get_invoice(s, alice.workspace_id, src)
        assert copy.total == source.total
        assert s.exec(select(func.count()).select_from(InvoiceLine)
                      .where(InvoiceLine.invoice_id == copy.id)).one() == 3
        assert recurring_reads.origin_of(s, alice.workspace_id, copy.id)["source_id"] == src
        assert recurring_reads.origin_of(s, alice.workspace_id, src) is None
    got = details(alice, sid)
    assert got["next_run_date"] == recurring.run_date(START, "monthly", 1).isoformat()
    assert [i["number"] for i in got["invoices"]] == [copy.number]
    assert outbox_rows() == []                                  # not emailed


def test_catching_up_runs_every_missed_period_then_ends_at_the_count(alice, people):
    src = source_invoice(alice, people)
    sid = schedule(alice, src, count=3)
    assert recurring_runs.run_due_recurring(START + timedelta(days=45)) == 2
    got = details(alice, sid)
    assert [i["run_date"] for i in got["invoices"]] == [
        START.isoformat(), recurring.run_date(START, "monthly", 1).isoformat()]
    assert [i["number"][-4:] for i in got["invoices"]] == ["0001", "0002"]
    assert recurring_runs.run_due_recurring(START + timedelta(days=400)) == 1
    got = details(alice, sid)
    assert got["status"] == "ended" and got["next_run_date"] is None
    assert got["invoices_created"] == 3


def test_the_end_date_ends_the_schedule(alice, people):
    src = source_invoice(alice, people)
    sid = schedule(alice, src, frequency="quarterly",
                   end_date=(START + timedelta(days=100)).isoformat())
    assert recurring_runs.run_due_recurring(START + timedelta(days=500)) == 2
    assert details(alice, sid)["status"] == "ended"


def test_pause_skips_the_paused_periods_resume_goes_on_end_is_final(alice, people):
    src = source_invoice(alice, people)
    sid = schedule(alice, src)
    assert change(alice, sid, {"status": "paused"})["status"] == "paused"
    assert recurring_runs.run_due_recurring(START + timedelta(days=40)) == 0
    got = change(alice, sid, {"status": "active"})
    assert got["status"] == "active" and got["next_run_date"] == START.isoformat()
    assert change(alice, sid, {"status": "ended"})["next_run_date"] is None
    with pytest.raises(ValidationError) as err:
        change(alice, sid, {"status": "active"})
    assert err.value.field == "status"
    assert recurring_runs.run_due_recurring(START + timedelta(days=40)) == 0


def test_emailed_runs_carry_the_new_invoice(alice, people, smtp_sink):
    src = source_invoice(alice, people)
    schedule(alice, src, email_each=True, count=1)
    assert recurring_runs.run_due_recurring(START) == 1
    copy = workspace_invoices(alice)[-1]
    assert [o.status for o in deliver_all()] == ["sent"]
    (message,) = smtp_sink.wait_for(1)
    assert message["To"] == "jane@acme.io" and copy.number in message["Subject"]
    assert pdf_text(message)[0] == f"{copy.number}.pdf"


def test_emails_reach_the_queue_only_after_commit(alice, people, smtp_sink):
    schedule(alice, source_invoice(alice, people), email_each=True)
    handed, previous = [], dispatch._dispatcher
    dispatch.set_dispatcher(handed.append)
    try:
        assert recurring_runs.run_due_recurring(START) == 1
    finally:
        dispatch.set_dispatcher(previous)
    assert handed == [r.id for r in outbox_rows()] and len(handed) == 1


def test_without_smtp_the_invoice_is_still_made_and_the_run_says_why(alice, people,
                                                                      monkeypatch):
    monkeypatch.delenv("UPDOOT_SMTP_URL", raising=False)
    src = source_invoice(alice, people)
    sid = schedule(alice, src, email_each=True)
    assert recurring_runs.run_due_recurring(START) == 1
    (run,) = details(alice, sid)["invoices"]
    assert run["status"] == "sent" and not run["emailed"] and "not set up" in run["note"]


@pytest.mark.parametrize("data, field", [
    ({"frequency": "weekly"}, "frequency"),
    ({"start_date": "2020-01-01"}, "start_date"),
    ({"start_date": "soon"}, "start_date"),
    ({"end_date": "2020-01-01"}, "end_date"),
    ({"count": 0}, "count"),
    ({"count": "many"}, "count"),
    ({"email_each": "yes"}, "email_each"),
    ({"colour": "red"}, "colour"),
])
def test_bad_schedules_are_refused_naming_the_field(alice, people, data, field):
    src = source_invoice(alice, people)
    with pytest.raises(ValidationError) as err:
        schedule(alice, src, **data)
    assert err.value.field == field
    with db.session_scope() as s:
        assert recurring_reads.list_schedules(s, alice.workspace_id) == []


def test_a_draft_cannot_be_repeated_and_another_workspace_is_not_found(alice, bob, people):
    draft = new_invoice(alice, company_id=people["acme"])
    with pytest.raises(ValidationError) as err:
        schedule(alice, draft)
    assert err.value.field == "invoice_id"
    sid = schedule(alice, source_invoice(alice, people))
    with pytest.raises(NotFound):
        schedule(bob, draft)
    with pytest.raises(NotFound):
        change(bob, sid, {"status": "paused"})
    with pytest.raises(NotFound), db.session_scope() as s:
        recurring_reads.get_schedule(s, bob.workspace_id, sid)


def test_a_viewer_cannot_schedule(alice, people):
    src = source_invoice(alice, people)
    viewer = principal(alice).__class__(**{**principal(alice).__dict__, "role": "viewer"})
    with pytest.raises(Forbidden), db.session_scope() as s:
        recurring.create_schedule(s, viewer, {"invoice_id": src, "frequency": "monthly",
                                              "start_date": START.isoformat()})


def test_deleting_a_schedule_keeps_its_invoices(alice, people):
    sid = schedule(alice, source_invoice(alice, people))
    recurring_runs.run_due_recurring(START)
    with db.session_scope() as s:
        recurring.delete_schedule(s, principal(alice), sid)
    assert len(workspace_invoices(alice)) == 2


def test_two_workers_at_once_make_one_invoice_and_one_email_per_period(alice, people,
                                                                         smtp_sink):
    """Two due passes race (threads, each with its own connections): the schedule's
    row lock and the unique (schedule, run date) leave exactly one of each."""
    src = source_invoice(alice, people)
    sid = schedule(alice, src, email_each=True)
    day = START + timedelta(days=65)       # three periods due: Jan 31, Feb 28, Mar 31
    barrier = threading.Barrier(2)

    def worker():
        barrier.wait()
        return recurring_runs.run_due_recurring(day)

    with ThreadPoolExecutor(max_workers=2) as pool:
        made = [f.result() for f in [pool.submit(worker) for _ in range(2)]]
    assert sum(made) == 3
    with db.session_scope() as s:
        runs = s.exec(select(RecurringRun.run_date).where(RecurringRun.schedule_id == sid)
                      .order_by(RecurringRun.run_date)).all()
    assert runs == [recurring.run_date(START, "monthly", n) for n in range(3)]
    made_invoices = workspace_invoices(alice)[1:]
    assert len(made_invoices) == 3
    assert sorted(i.number[-4:] for i in made_invoices) == ["0001", "0002", "0003"]
    emails = [r for r in outbox_rows() if r.invoice_id != src]
    assert sorted(r.invoice_id for r in emails) == sorted(i.id for i in made_invoices)
