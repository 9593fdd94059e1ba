"""Reminders and credit notes: a fully credited invoice gets none, a partly
credited one is reminded of what is left after the credit."""

from __future__ import annotations

from datetime import timedelta

import pytest

from tests.unit.billing_helpers import principal, seed_people
from tests.unit.mail_helpers import deliver_all
from tests.unit.test_reminders import DUE, STEPS, sends, sent_invoice, set_schedule
from updoot_app import db
from updoot_app.services.billing import credit_notes, invoices
from updoot_app.services.mail import reminders


@pytest.fixture
def people(alice, bob):
    return seed_people(alice, bob)


def test_a_credited_invoice_is_not_reminded(alice, people, smtp_sink):
    set_schedule(alice)
    iid = sent_invoice(alice, people["jane"], people["acme"])
    credit_notes.issue_credit_note(principal(alice), iid, {"all": True, "reason": "Cancelled"})
    with db.session_scope() as s:
        assert invoices.get_invoice(s, alice.workspace_id, iid).status == "credited"
    reminders.send_due_reminders(DUE + timedelta(days=7))
    deliver_all()
    assert sends(iid) == [] and smtp_sink.received == []


def test_a_partly_credited_invoice_is_reminded_of_the_rest(alice, people, smtp_sink):
    set_schedule(alice, steps=[s for s in STEPS if s["offset_days"] == 0])
    iid = sent_invoice(alice, people["jane"], people["acme"])
    with db.session_scope() as s:
        first_line = invoices.invoice_lines(s, iid)[0].id
    credit_notes.issue_credit_note(principal(alice), iid, {
        "lines": [{"invoice_line_id": first_line, "quantity": "1"}], "reason": "One seat"})
    with db.session_scope() as s:
        invoice = invoices.get_invoice(s, alice.workspace_id, iid)
        left = invoices.balance(invoice)
        assert 0 < left < invoice.total
    reminders.send_due_reminders(DUE)
    deliver_all()
    (message,) = smtp_sink.wait_for(1)
    assert f"Balance {left}" in message.get_body(("plain",)).get_content().replace("$", "")
