"""Credit notes: their own gapless series, partial and full credits within what
is left of each line, the invoice's balance and "credited" status, refunds as
negative payments, and who may do it."""

from __future__ import annotations

import dataclasses
import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import date
from decimal import Decimal as D

import pytest

from tests.unit.billing_helpers import invoice_data, new_invoice, principal
from updoot_app import db
from updoot_app.services.billing import (
    credit_note_reads,
    credit_notes,
    documents,
    invoices,
    revenue,
)
from updoot_app.services.platform.errors import Forbidden, NotFound, ValidationError

YEAR = date.today().year


def sent_invoice(actor, lines=None, **fields) -> int:
    iid = new_invoice(actor, lines, **fields)
    invoices.finalise(principal(actor), iid)
    return iid


def credit(actor, invoice_id, data) -> dict:
    note_id = credit_notes.issue_credit_note(principal(actor), invoice_id, data)
    with db.session_scope() as s:
        return credit_note_reads.credit_note_dict(
            s, credit_notes.get_credit_note(s, actor.workspace_id, note_id))


def line_ids(actor, invoice_id) -> list[int]:
    return [line["id"] for line in invoice_data(actor, invoice_id)["lines"]]


def test_credit_one_line_partly(alice):
    iid = sent_invoice(alice)
    first = line_ids(alice, iid)[0]
    note = credit(alice, iid, {"lines": [{"invoice_line_id": first, "quantity": "1"}],
                               "reason": "One seat returned"})
    assert note["number"] == f"CN-{YEAR}-0001"
    assert note["invoice_number"] == f"INV-{YEAR}-0001"
    # 1 × 19.99 less 10 % = 17.991 -> 17.99; tax 20 % = 3.598 -> 3.60
    assert (note["net_total"], note["tax_total"], note["total"]) == (D("17.99"), D("3.60"),
                                                                      D("21.59"))
    assert note["taxes"] == [{"rate": "20", "base": D("17.99"), "tax": D("3.60")}]
    data = invoice_data(alice, iid)
    assert data["status"] == "sent"
    assert data["amount_credited"] == D("21.59")
    assert data["balance"] == D("73.45") - D("21.59")
    assert [c["number"] for c in data["credit_notes"]] == [f"CN-{YEAR}-0001"]
    assert [line["credited"] for line in data["lines"]] == ["1", "0", "0"]


def test_crediting_more_than_is_left_names_the_line(alice):
    iid = sent_invoice(alice)
    first, second, _ = line_ids(alice, iid)
    credit(alice, iid, {"lines": [{"invoice_line_id": first, "quantity": "2"}], "reason": "x"})
    with pytest.raises(ValidationError) as exc:
        credit(alice, iid, {"lines": [{"invoice_line_id": second, "quantity": "1"},
                                      {"invoice_line_id": first, "quantity": "1.5"}],
                            "reason": "too much"})
    assert exc.value.field == "lines.1.quantity"
    assert '"Seats"' in exc.value.message and "only 1 of 3" in exc.value.message
    # nothing half-written: the first line of the refused request is not credited
    assert invoice_data(alice, iid)["amount_credited"] == D("43.18")  # 2 seats: 35.98 + 7.20
    for bad, field in (({"lines": [{"invoice_line_id": 999999, "quantity": "1"}], "reason": "x"},
                        "lines.0.invoice_line_id"),
                       ({"lines": [{"invoice_line_id": second, "quantity": "0"}], "reason": "x"},
                        "lines.0.quantity"),
                       ({"lines": [{"invoice_line_id": second, "quantity": 1.0}], "reason": "x"},
                        "lines.0.quantity"),
                       ({"lines": [], "reason": "x"}, "lines"),
                       ({"all": True}, "reason"),
                       ({"all": "yes", "reason": "x"}, "all"),
                       ({"all": True, "reason": "x", "extra": 1}, "extra")):
        with pytest.raises(ValidationError) as exc:
            credit(alice, iid, bad)
        assert exc.value.field == field


def test_credit_all_makes_the_invoice_credited(alice):
    iid = sent_invoice(alice)
    credit(alice, iid, {"lines": [{"invoice_line_id": line_ids(alice, iid)[0],
                                   "quantity": "1"}], "reason": "part"})
    rest = credit(alice, iid, {"all": True, "reason": "Cancelled"})
    assert rest["number"] == f"CN-{YEAR}-0002"
    assert [line["quantity"] for line in rest["lines"]] == ["2", "1", "0.5"]
    data = invoice_data(alice, iid)
    assert data["status"] == "credited"
    assert data["amount_credited"] == D("73.45")
    assert data["balance"] == D("0.00")
    with pytest.raises(ValidationError) as exc:
        credit(alice, iid, {"all": True, "reason": "again"})
    assert exc.value.field == "all"
    with db.session_scope() as s, pytest.raises(ValidationError):
        invoices.record_payment(s, principal(alice), iid, {"amount": "1"})
    with db.session_scope() as s, pytest.raises(ValidationError):
        invoices.void_invoice(s, principal(alice), iid)


def test_a_line_credited_in_pieces_adds_up_to_the_cent(alice):
    # 3 × 0.333 = 0.999 -> 1.00, while each unit alone is 0.33
    iid = sent_invoice(alice, [{"description": "Tiny", "quantity": "3", "unit_price": "0.333",
                                "tax_rate": "7"}])
    line = line_ids(alice, iid)[0]
    totals = [credit(alice, iid, {"lines": [{"invoice_line_id": line, "quantity": "1"}],
                                  "reason": "piece"})["total"] for _ in range(3)]
    data = invoice_data(alice, iid)
    assert totals[:2] == [D("0.35"), D("0.35")]  # 0.33 + 0.02 tax
    assert sum(totals) == data["total"] == D("1.07")
    assert data["status"] == "credited"


def test_draft_void_and_other_workspace_refused(alice, bob):
    draft = new_invoice(alice)
    with pytest.raises(ValidationError) as exc:
        credit(alice, draft, {"all": True, "reason": "x"})
    assert exc.value.field == "status"
    void = sent_invoice(alice)
    with db.session_scope() as s:
        invoices.void_invoice(s, principal(alice), void)
    with pytest.raises(ValidationError):
        credit(alice, void, {"all": True, "reason": "x"})
    theirs = sent_invoice(bob)
    with pytest.raises(NotFound):
        credit(alice, theirs, {"all": True, "reason": "x"})
    viewer = dataclasses.replace(principal(alice), role="viewer")
    with pytest.raises(Forbidden):
        credit_notes.issue_credit_note(viewer, sent_invoice(alice), {"all": True, "reason": "x"})


def test_refund_is_a_negative_payment_on_the_credit_note(alice):
    iid = sent_invoice(alice)
    p = principal(alice)
    with db.write_scope() as s:
        invoices.record_payment(s, p, iid, {"amount": "73.45"})
    note = credit(alice, iid, {"lines": [{"invoice_line_id": line_ids(alice, iid)[1],
                                          "quantity": "1"}], "reason": "Setup not done"})
    assert note["total"] == D("2.68")
    data = invoice_data(alice, iid)
    assert (data["status"], data["balance"]) == ("paid", D("-2.68"))
    with db.write_scope() as s, pytest.raises(ValidationError) as exc:
        credit_notes.record_refund(s, p, note["id"], {"amount": "2.69"})
    assert "2.68" in exc.value.message
    with db.write_scope() as s:
        refund = credit_notes.record_refund(s, p, note["id"], {"amount": "2.68",
                                                               "reference": "R-1"})
        assert refund.amount == D("-2.68") and refund.credit_note_id == note["id"]
    data = invoice_data(alice, iid)
    assert (data["amount_paid"], data["balance"]) == (D("70.77"), D("0.00"))
    assert data["payments"][-1]["amount"] == D("-2.68")
    with db.write_scope() as s, pytest.raises(ValidationError):
        credit_notes.record_refund(s, p, note["id"], {"amount": "0.01"})
    with db.session_scope() as s:
        again = credit_note_reads.credit_note_dict(s, credit_notes.get_credit_note(
            s, alice.workspace_id, note["id"]))
    assert again["amount_refunded"] == D("2.68")
    assert again["refunds"][0]["amount"] == D("2.68")


def test_credit_note_series_has_its_own_prefix_and_counter(alice, bob):
    with db.session_scope() as s:
        documents.update_settings(s, principal(alice), {"credit_note_prefix": "av"})
    a, b = sent_invoice(alice), sent_invoice(alice)
    assert credit(alice, a, {"all": True, "reason": "x"})["number"] == f"AV-{YEAR}-0001"
    assert credit(alice, b, {"all": True, "reason": "x"})["number"] == f"AV-{YEAR}-0002"
    assert credit(bob, sent_invoice(bob), {"all": True, "reason": "x"})["number"] \
        == f"CN-{YEAR}-0001"
    assert invoice_data(alice, b)["number"] == f"INV-{YEAR}-0002"  # invoices count apart
    with db.session_scope() as s:
        rows, total = credit_note_reads.list_credit_notes(s, alice.workspace_id)
        assert total == 2 and [r["invoice_id"] for r in rows] == [b, a]
        assert credit_note_reads.list_credit_notes(s, alice.workspace_id, invoice_id=a)[1] == 1


def test_twenty_parallel_credits_never_credit_more_than_the_total(alice):
    """Twenty requests at once, each crediting one of five units (and every fourth
    the whole rest): at most the invoice's total is credited, and the notes are
    numbered without gap or duplicate."""
    iid = sent_invoice(alice, [{"description": "Licence", "quantity": "5",
                                "unit_price": "10.01", "tax_rate": "20"}])
    line = line_ids(alice, iid)[0]
    p = principal(alice)
    barrier = threading.Barrier(20)

    def one(i: int):
        data = ({"all": True, "reason": f"r{i}"} if i % 4 == 0 else
                {"lines": [{"invoice_line_id": line, "quantity": "1"}], "reason": f"r{i}"})
        barrier.wait()
        try:
            return credit_notes.issue_credit_note(p, iid, data)
        except ValidationError:
            return None

    with ThreadPoolExecutor(max_workers=20) as pool:
        issued = [x for x in pool.map(one, range(20)) if x is not None]
    data = invoice_data(alice, iid)
    with db.session_scope() as s:
        notes, count = credit_note_reads.list_credit_notes(s, alice.workspace_id, page_size=50)
    assert count == len(issued) >= 1
    assert sorted(n["number"] for n in notes) == [f"CN-{YEAR}-{k:04d}"
                                                  for k in range(1, count + 1)]
    assert sum(n["total"] for n in notes) == data["amount_credited"] == data["total"]
    assert data["status"] == "credited"


def test_revenue_shows_what_was_credited(alice):
    iid = sent_invoice(alice)
    credit(alice, iid, {"lines": [{"invoice_line_id": line_ids(alice, iid)[1],
                                   "quantity": "1"}], "reason": "x"})
    with db.session_scope() as s:
        (row,) = revenue.invoiced(s, alice.workspace_id, group_by="none")
    assert (row["total"], row["credited"], row["paid"], row["balance"]) == (
        D("73.45"), D("2.68"), D("0.00"), D("70.77"))
