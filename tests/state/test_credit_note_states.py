"""The invoice page's credit notes: the "Credit" dialog issues one (a message
names the line when too much is asked, nothing changes), the page shows the
credited amount and the lower balance, the credit note's PDF downloads; the
invoices list downloads the journal of a range of days."""

from __future__ import annotations

import base64
import io
from datetime import date

from pypdf import PdfReader

from tests.state.conftest import call, events_of, new_state, toast_text
from tests.unit.billing_helpers import invoice_data, new_invoice, principal
from updoot_app import db
from updoot_app.services.billing import credit_notes, invoices
from updoot_app.services.crm import companies
from updoot_app.state.billing.invoices_state import InvoiceDetailState, InvoicesState
from updoot_app.state.crm.company_state import CompanyState

YEAR = date.today().year


def invoice_page(actor, invoice_id):
    state = new_state(InvoiceDetailState, actor.token)
    state.router.page.params["invoice_id"] = str(invoice_id)
    call(state, "load")
    return state


def downloaded(result) -> bytes:
    for spec in events_of(result):
        text = str(spec)
        if "base64," in text:
            return base64.b64decode(text.split("base64,", 1)[1].split('"', 1)[0]
                                    .split("'", 1)[0])
    raise AssertionError(f"no download in {result!r}")


def test_credit_from_the_dialog(alice):
    iid = new_invoice(alice)
    invoices.finalise(principal(alice), iid)
    st = invoice_page(alice, iid)
    assert st.can_credit and st.credit_notes == []
    assert [(x["description"], x["left"]) for x in st.credit_lines] == [
        ("Seats", "3"), ("Setup", "1"), ("Support hours", "0.5")]
    first, second = st.credit_lines[0]["id"], st.credit_lines[1]["id"]
    call(st, "set_credit_open", True)
    assert st.credit_open
    before = invoice_data(alice, iid)
    call(st, "credit", {f"qty_{first}": "4", f"qty_{second}": "", "reason": "too many"})
    assert "only 3 of 3" in st.credit_error and st.credit_open
    assert invoice_data(alice, iid) == before
    call(st, "credit", {"qty_x": "1", "reason": "forged"})
    assert "not a line of this invoice" in st.credit_error
    result = call(st, "credit", {f"qty_{first}": "1", f"qty_{second}": "0",
                                 "reason": "One seat returned"})
    assert f"CN-{YEAR}-0001" in toast_text(result)
    assert st.credit_error == "" and not st.credit_open
    assert st.doc["amount_credited_text"] == "$21.59" and st.doc["balance_text"] == "$51.86"
    assert [(n["number"], n["total"]) for n in st.credit_notes] == [(f"CN-{YEAR}-0001",
                                                                     "$21.59")]
    assert st.credit_lines[0]["left"] == "2"
    pdf = downloaded(call(st, "download_credit_note", st.credit_notes[0]["id"]))
    assert f"INV-{YEAR}-0001" in PdfReader(io.BytesIO(pdf)).pages[0].extract_text()
    call(st, "credit", {"all": "on", "reason": "Cancelled"})
    assert st.doc["status"] == "credited" and st.doc["balance_text"] == "$0.00"
    assert not st.can_credit
    assert toast_text(call(st, "credit", "not a form")) == ""


def test_other_workspace_note_is_not_found(alice, bob):
    iid = new_invoice(bob)
    invoices.finalise(principal(bob), iid)
    theirs = credit_notes.issue_credit_note(principal(bob), iid, {"all": True, "reason": "x"})
    mine = new_invoice(alice)
    invoices.finalise(principal(alice), mine)
    st = invoice_page(alice, mine)
    assert "not found" in toast_text(call(st, "download_credit_note", str(theirs))).lower()
    forged = call(st, "download_credit_note", "'; drop")
    assert toast_text(forged) and "base64," not in str(events_of(forged))


def test_journal_download_from_the_list(alice):
    iid = new_invoice(alice)
    invoices.finalise(principal(alice), iid)
    st = new_state(InvoicesState, alice.token)
    call(st, "load")
    today = date.today().isoformat()
    data = downloaded(call(st, "export_journal", {"from": today, "to": today}))
    text = data.decode("utf-8-sig")
    assert text.splitlines()[0].startswith("date,number,type")
    assert f"INV-{YEAR}-0001" in text and "70.77" in text
    assert "before its start" in toast_text(call(st, "export_journal",
                                                 {"from": today, "to": "2000-01-01"}))


def test_company_page_keeps_tax_id_and_billing_address(alice):
    with db.session_scope() as s:
        cid = companies.create_company(s, principal(alice), {"name": "Globex"}).id
    st = new_state(CompanyState, alice.token)
    st.router.page.params["company_id"] = str(cid)
    call(st, "load")
    form = {"name": "Globex", "tax_id": "fr 123 456", "billing_address": "1 rue X\nParis"}
    call(st, "save", form)
    assert st.edit_error == ""
    assert (st.company["tax_id"], st.company["billing_address"]) == ("FR123456",
                                                                     "1 rue X\nParis")
    call(st, "save", {**form, "tax_id": "<script>"})
    assert "tax ID" in st.edit_error and st.company["tax_id"] == "FR123456"


def test_draft_prices_mode_and_buyer_fields(alice):
    iid = new_invoice(alice)
    st = invoice_page(alice, iid)
    assert st.doc["prices_include_tax"] == "False" and st.doc["total_text"] == "$73.45"
    call(st, "set_field", "prices_include_tax", "Include tax")
    assert st.doc["prices_include_tax"] == "True"
    assert (st.doc["tax_total_text"], st.doc["total_text"]) == ("$9.84", "$61.66")
    assert "toast" in toast_text(call(st, "set_field", "prices_include_tax", "yes please"))
    assert st.doc["total_text"] == "$61.66"
    call(st, "set_field", "buyer_tax_id", "be 0123.456.789")
    call(st, "set_field", "buyer_address", "Rue Neuve 1\nBruxelles")
    data = invoice_data(alice, iid)
    assert (data["buyer_tax_id"], data["buyer"]["address"]) == ("BE0123.456.789",
                                                               "Rue Neuve 1\nBruxelles")
    call(st, "set_field", "prices_include_tax", "Before tax")
    assert st.doc["total_text"] == "$73.45"


def test_refund_from_the_page(alice):
    p = principal(alice)
    iid = new_invoice(alice)
    invoices.finalise(p, iid)
    with db.write_scope() as s:
        invoices.record_payment(s, p, iid, {"amount": "73.45"})
    st = invoice_page(alice, iid)
    assert not st.refund_due
    call(st, "credit", {"qty_" + st.credit_lines[1]["id"]: "1", "reason": "Setup not done"})
    assert st.refund_due and st.doc["balance_text"] == "-$2.68"
    note = st.credit_notes[0]["id"]
    call(st, "record_refund", {"credit_note_id": "999999", "amount": "1"})
    assert "credit notes" in st.refund_error
    call(st, "record_refund", {"credit_note_id": note, "amount": "5.00"})
    assert "2.68" in st.refund_error
    assert "Refund recorded" in toast_text(call(st, "record_refund", {
        "credit_note_id": note, "amount": "2.68", "reference": "RF-1"}))
    assert st.refund_error == "" and not st.refund_due
    assert st.doc["balance_text"] == "$0.00" and st.payments[-1]["amount"] == "-$2.68"


def test_zero_rated_line_reason_on_a_draft(alice):
    iid = new_invoice(alice)
    st = invoice_page(alice, iid)
    assert st.lines[1]["tax_rate"] == "0"
    call(st, "set_line", "1", "tax_reason", "Export outside the EU")
    assert invoice_data(alice, iid)["lines"][1]["tax_reason"] == "Export outside the EU"
    assert st.lines[1]["tax_reason"] == "Export outside the EU"
    assert any("Export outside the EU" in t["label"] for t in st.taxes)
    call(st, "set_line", "1", "tax_rate", "10")
    assert invoice_data(alice, iid)["lines"][1]["tax_reason"] == ""
    call(st, "set_line", "0", "tax_reason", "not zero-rated")
    assert invoice_data(alice, iid)["lines"][0]["tax_reason"] == ""


def test_e_invoice_xml_download(alice):
    iid = new_invoice(alice)
    st = invoice_page(alice, iid)
    assert st.doc["locked"] == "False"
    assert "draft" in toast_text(call(st, "download_xml")).lower()
    invoices.finalise(principal(alice), iid)
    st = invoice_page(alice, iid)
    xml = downloaded(call(st, "download_xml"))
    assert b"<ram:GrandTotalAmount>73.45</ram:GrandTotalAmount>" in xml
