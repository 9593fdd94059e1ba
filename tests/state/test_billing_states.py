"""Billing state handlers: the editor saves and shows the service's totals, a
sent invoice cannot be edited through any handler, the public page works by
token only and answers are rate-limited."""

from __future__ import annotations

import base64
import csv
import io
from decimal import Decimal as D

import pytest
from sqlmodel import select

from tests.state.conftest import call, new_state, toast_text
from tests.unit.billing_helpers import (
    EXAMPLE_LINES,
    invoice_data,
    new_invoice,
    new_quote,
    principal,
    seed_people,
    send,
)
from updoot_app import db
from updoot_app.models import Quote
from updoot_app.services.billing import invoices
from updoot_app.state.billing.documents_base import NO_CONTACT
from updoot_app.state.billing.invoices_state import InvoiceDetailState, InvoicesState
from updoot_app.state.billing.public_quote_state import PublicQuoteState
from updoot_app.state.billing.quotes_state import QuoteEditorState, QuotesState


def editor(actor, quote_id):
    state = new_state(QuoteEditorState, actor.token)
    state.router.page.params["quote_id"] = str(quote_id)
    call(state, "load")
    return state


def invoice_page(actor, invoice_id):
    state = new_state(InvoiceDetailState, actor.token)
    state.router.page.params["invoice_id"] = str(invoice_id)
    call(state, "load")
    return state


def test_new_quote_editor_live_totals_and_send(alice):
    lst = new_state(QuotesState, alice.token)
    call(lst, "load")
    call(lst, "new_quote")
    with db.session_scope() as s:
        qid = s.exec(select(Quote.id)).one()
    st = editor(alice, qid)
    assert st.doc["status"] == "draft" and st.lines == []
    for _ in EXAMPLE_LINES:
        call(st, "add_line")
    for i, line in enumerate(EXAMPLE_LINES):
        for key in ("description", "quantity", "unit_price", "discount_pct", "tax_rate"):
            if key in line:
                call(st, "set_line", str(i), key, line[key])
    assert st.doc["total_text"] == "$73.45" and st.doc["tax_total_text"] == "$11.79"
    assert [x["net_text"] for x in st.lines] == ["$53.97", "$2.68", "$5.01"]
    result = call(st, "set_line", "0", "quantity", "1e308")
    assert "Quantity" in toast_text(result)
    assert st.doc["total_text"] == "$73.45"  # unchanged
    assert "Unknown" in toast_text(call(st, "set_line", "0", "bogus", "1"))
    assert "No such line" in toast_text(call(st, "set_line", "9", "quantity", "1"))
    call(st, "send")
    assert st.doc["status"] == "sent" and "/q/q_" in st.public_link
    assert "draft" in toast_text(call(st, "set_line", "0", "quantity", "2"))
    assert st.doc["total_text"] == "$73.45"


def test_sent_invoice_is_locked_through_state_handlers(alice):
    iid = new_invoice(alice)
    st = invoice_page(alice, iid)
    call(st, "set_field", "notes", "draft note")
    assert st.doc["notes"] == "draft note"
    call(st, "send")
    assert st.doc["number"].startswith("INV-") and not st.editable
    before = invoice_data(alice, iid)
    for name, args in [("set_field", ("notes", "changed")), ("set_field", ("due_date", "2099-01-01")),
                       ("set_line", ("0", "quantity", "9")), ("add_line", ()),
                       ("remove_line", ("0",)), ("add_product_line", ("1",)),
                       ("delete", ())]:
        result = call(st, name, *args)
        assert toast_text(result), name
    assert invoice_data(alice, iid) == before


def test_payments_and_void_through_the_page(alice):
    iid = new_invoice(alice)
    invoices.finalise(principal(alice), iid)
    st = invoice_page(alice, iid)
    call(st, "record_payment", {"amount": "abc"})
    assert st.payment_error
    call(st, "record_payment", {"amount": "20.00", "method": "card", "reference": "r1"})
    assert st.payment_error == "" and st.doc["balance_text"] == "$53.45"
    assert st.doc["status"] == "partially_paid" and len(st.payments) == 1
    assert "payments" in toast_text(call(st, "void", {"reason": "x"}))
    other = new_invoice(alice)
    st2 = invoice_page(alice, other)
    call(st2, "send")
    call(st2, "void", {"reason": "duplicate"})
    assert st2.doc["status"] == "void" and st2.doc["number"].startswith("INV-")


def test_other_workspace_sees_not_found(alice, bob):
    qid = new_quote(alice)
    st = editor(bob, qid)
    assert st.not_found and st.doc == {}
    assert "not found" in toast_text(call(st, "send"))
    with db.session_scope() as s:
        assert s.get(Quote, qid).status == "draft"


def test_public_page_accept_by_token(alice):
    qid = new_quote(alice)
    token = send(alice, qid)
    st = new_state(PublicQuoteState)
    st.router.page.params["token"] = token
    call(st, "load")
    assert not st.missing and st.view["total_text"] == "$73.45"
    assert "id" not in st.view and all("product_id" not in x for x in st.view_lines)
    call(st, "accept", {"name": "  "})
    assert "name" in st.answer_error.lower()
    call(st, "accept", {"name": "Jane Client"})
    assert st.view["status"] == "accepted" and st.view["accepted_by_name"] == "Jane Client"
    call(st, "decline", {"reason": "changed my mind"})
    assert "accepted" in st.answer_error
    bad = new_state(PublicQuoteState)
    bad.router.page.params["token"] = "q_" + "x" * 40
    call(bad, "load")
    assert bad.missing and bad.view == {}
    call(bad, "accept", {"name": "Mallory"})
    assert "not found" in bad.answer_error


def test_public_answers_are_rate_limited(alice):
    st = new_state(PublicQuoteState)
    st.router.page.params["token"] = "q_" + "y" * 40
    for _ in range(30):
        call(st, "decline", {})
    call(st, "decline", {})
    assert "Too many" in st.answer_error


def test_lists(alice):
    new_quote(alice)
    new_invoice(alice)
    q = new_state(QuotesState, alice.token)
    call(q, "load")
    assert len(q.rows) == 1 and q.rows[0]["total"] == "$73.45"
    call(q, "add_product", {"name": "Seat", "unit_price": "-1"})
    assert "negative" in q.product_error
    call(q, "add_product", {"name": "Seat", "unit_price": "19.99", "tax_rate": "20"})
    assert q.product_rows[0]["price"] == "$19.99"
    call(q, "set_status", "sent")
    assert q.rows == []
    i = new_state(InvoicesState, alice.token)
    call(i, "load")
    assert i.rows[0]["number"] == "Draft" and i.rows[0]["balance"] == "$73.45"


@pytest.mark.parametrize("amount", ["1e308", "NaN", "-5", "Infinity"])
def test_absurd_payment_amounts(alice, amount):
    iid = new_invoice(alice)
    st = invoice_page(alice, iid)
    call(st, "send")
    call(st, "record_payment", {"amount": amount})
    assert st.payment_error
    assert invoice_data(alice, iid)["amount_paid"] == D("0")


def test_contact_picker_lists_the_company_contacts_and_refuses_others(alice, bob):
    people = seed_people(alice, bob)
    acme, globex, jane, hank, bobs = (people[k] for k in ("acme", "globex", "jane", "hank",
                                                          "bobs"))
    st = editor(alice, new_quote(alice))
    assert st.contact_options == []
    call(st, "set_field", "company_id", str(acme))
    assert st.contact_options == [{"id": str(jane), "name": "Jane Doe · CFO"}]
    call(st, "set_field", "contact_id", str(jane))
    assert st.doc["contact_id"] == str(jane) and st.doc["contact_name"] == "Jane Doe"
    for other, message in ((hank, "not one of this company's contacts"),
                           (bobs, "Contact not found"), ("x1", "Invalid id")):
        assert message in toast_text(call(st, "set_field", "contact_id", str(other)))
        assert st.doc["contact_id"] == str(jane)
    # a new company clears the addressee and lists its own contacts
    call(st, "set_field", "company_id", str(globex))
    assert st.doc["contact_id"] == "" and st.contact_options[0]["id"] == str(hank)
    call(st, "set_field", "contact_id", str(hank))
    call(st, "set_field", "contact_id", NO_CONTACT)
    assert st.doc["contact_id"] == "" and st.doc["company_id"] == str(globex)


@pytest.mark.parametrize("cls, kind, make", [(QuotesState, "quotes", new_quote),
                                             (InvoicesState, "invoices", new_invoice)])
def test_list_pages_export_csv_of_this_workspace(alice, bob, cls, kind, make):
    make(alice)
    make(bob, notes="bob secret")
    state = new_state(cls, alice.token)
    call(state, "load")
    args = {name._js_expr: value._var_value for name, value in call(state, "export_csv").args}
    assert args["filename"] == f"{alice.workspace_slug}-{kind}.csv"
    prefix = "data:text/csv;base64,"
    assert args["url"].startswith(prefix)
    rows = list(csv.DictReader(io.StringIO(
        base64.b64decode(args["url"][len(prefix):]).decode("utf-8-sig"))))
    assert len(rows) == 1 and rows[0]["total"] == "73.45"  # alice's only
    assert "Please log in" in toast_text(call(new_state(cls), "export_csv"))


def test_line_handlers_come_from_one_mixin_and_run_on_each_page(alice):
    names = ("set_line", "add_line", "add_product_line", "remove_line")
    for cls in (QuoteEditorState, InvoiceDetailState):
        for name in names:  # bound to the page's own substate, not a shared parent
            assert cls.event_handlers[name].state_full_name == cls.get_full_name()
    for st in (editor(alice, new_quote(alice, lines=[])),
               invoice_page(alice, new_invoice(alice, lines=[]))):
        call(st, "add_line")
        call(st, "set_line", "0", "unit_price", "10")
        call(st, "add_line")
        call(st, "remove_line", "1")
        assert [line["unit_price"] for line in st.lines] == ["10"]
        assert st.doc["total_text"] == "$10.00"
