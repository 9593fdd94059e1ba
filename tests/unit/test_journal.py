"""The accounting journal: one line per document and tax rate, payments and
refunds, the same figures as the documents, a range of days, formula-like
cells neutralised."""

from __future__ import annotations

import csv
import io
from datetime import date, timedelta

import pytest

from tests.unit.billing_helpers import invoice_data, new_invoice, principal
from updoot_app import db
from updoot_app.services.archive import journal
from updoot_app.services.billing import credit_notes, invoices
from updoot_app.services.crm import companies
from updoot_app.services.platform.errors import ValidationError

TODAY = date.today()
YEAR = TODAY.year


def rows(actor, start=None, end=None) -> list[dict]:
    with db.session_scope() as s:
        data = journal.journal_csv(s, principal(actor), start, end)
    return list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))


def test_documents_by_rate_payments_and_refunds(alice, bob):
    p = principal(alice)
    with db.session_scope() as s:
        company = companies.create_company(s, p, {"name": "=Globex", "tax_id": "FR123"}).id
    iid = new_invoice(alice, company_id=company)
    invoices.finalise(p, iid)
    new_invoice(alice)  # a draft: not in the journal
    with db.write_scope() as s:
        invoices.record_payment(s, p, iid, {"amount": "73.45", "reference": "=SUM(A1)"})
    note_id = credit_notes.issue_credit_note(p, iid, {"lines": [
        {"invoice_line_id": invoice_data(alice, iid)["lines"][0]["id"], "quantity": "1"}],
        "reason": "returned"})
    with db.write_scope() as s:
        credit_notes.record_refund(s, p, note_id, {"amount": "21.59", "reference": "RF"})
    got = [(r["type"], r["number"], r["reference"], r["customer"], r["customer_tax_id"],
            r["net"], r["tax_rate"], r["tax"], r["gross"], r["currency"]) for r in rows(alice)]
    inv, cn = f"INV-{YEAR}-0001", f"CN-{YEAR}-0001"
    assert got == [
        ("invoice", inv, "", "'=Globex", "FR123", "2.68", "0", "0.00", "2.68", "USD"),
        ("invoice", inv, "", "'=Globex", "FR123", "58.98", "20", "11.79", "70.77", "USD"),
        ("credit_note", cn, inv, "'=Globex", "FR123", "17.99", "20", "3.60", "21.59", "USD"),
        ("payment", "'=SUM(A1)", inv, "'=Globex", "FR123", "", "", "", "73.45", "USD"),
        ("refund", "RF", cn, "'=Globex", "FR123", "", "", "", "21.59", "USD"),
    ]
    assert {r["date"] for r in rows(alice)} == {TODAY.isoformat()}
    assert rows(bob) == []


def test_range_of_days(alice):
    iid = new_invoice(alice)
    invoices.finalise(principal(alice), iid)
    today, tomorrow = TODAY.isoformat(), (TODAY + timedelta(days=1)).isoformat()
    assert len(rows(alice, today, today)) == 2
    assert rows(alice, tomorrow, None) == []
    assert len(rows(alice, None, today)) == 2
    with pytest.raises(ValidationError) as exc:
        rows(alice, tomorrow, today)
    assert exc.value.field == "to"
    with pytest.raises(ValidationError) as exc:
        rows(alice, "31/12/2026", None)
    assert exc.value.field == "from"
    assert journal.journal_filename(principal(alice), today, None) \
        == f"{alice.workspace_slug}-journal-{today}.csv"
