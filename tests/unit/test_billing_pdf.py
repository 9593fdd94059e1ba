"""PDFs: the extracted text holds the right number and the same totals as the
screen and the API (one rounding function), in the currency's format."""

from __future__ import annotations

import io
from decimal import Decimal as D

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pypdf import PdfReader

from tests.unit.billing_helpers import new_invoice, new_quote, principal
from updoot_app import db
from updoot_app.services.billing import documents, invoices, money, pdf, quotes
from updoot_app.services.platform.money_display import format_money


def text_of(data: bytes) -> str:
    assert data[:5] == b"%PDF-"
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def test_quote_pdf_has_number_and_totals(alice):
    qid = new_quote(alice, terms="Net 30", notes="Thanks!")
    with db.session_scope() as s:
        data, name = pdf.quote_pdf(s, alice.workspace_id, qid)
        number = quotes.get_quote(s, alice.workspace_id, qid).number
    text = text_of(data)
    assert name == f"{number}.pdf"
    assert f"QUOTE {number}" in text
    assert "Alice Co" in text
    for amount in ("$73.45", "$11.79", "$67.66", "$6.00", "$53.97", "$2.68", "$5.01"):
        assert amount in text, amount
    assert "Net 30" in text and "Thanks!" in text


def test_invoice_pdf_euro_locale_and_balance(alice):
    p = principal(alice)
    with db.session_scope() as s:
        documents.update_settings(s, p, {"locale": "de_DE", "address": "Hauptstraße 1\nBerlin"})
    iid = new_invoice(alice, currency="EUR")
    invoices.finalise(p, iid)
    with db.session_scope() as s:
        invoices.record_payment(s, p, iid, {"amount": "20"})
        data, name = pdf.invoice_pdf(s, alice.workspace_id, iid)
        number = invoices.get_invoice(s, alice.workspace_id, iid).number
    text = text_of(data)
    assert name == f"{number}.pdf" and f"INVOICE {number}" in text
    assert "73,45\xa0€" in text or "73,45 €" in text
    assert "53,45" in text  # balance
    assert "Hauptstraße" in text
    assert "Payment due within 30 days" in text


def test_jpy_pdf_has_no_decimals(alice):
    iid = new_invoice(alice, currency="JPY", lines=[
        {"description": "Widget", "quantity": "3", "unit_price": "333.5", "tax_rate": "10"}])
    with db.session_scope() as s:
        data, _ = pdf.invoice_pdf(s, alice.workspace_id, iid)
    text = text_of(data)
    assert "¥1,101" in text and "¥100" in text


def test_public_pdf_by_token(alice):
    from tests.unit.billing_helpers import send

    qid = new_quote(alice)
    token = send(alice, qid)
    with db.session_scope() as s:
        data, _ = pdf.public_quote_pdf(s, token)
    assert "$73.45" in text_of(data)


lines_st = st.lists(st.fixed_dictionaries({
    "description": st.sampled_from(["Seats", "Setup", "Ünïcode € line"]),
    "quantity": st.decimals(min_value=D("0.01"), max_value=D("500"), places=2).map(str),
    "unit_price": st.decimals(min_value=D("0"), max_value=D("5000"), places=3).map(str),
    "discount_pct": st.decimals(min_value=D("0"), max_value=D("100"), places=1).map(str),
    "tax_rate": st.sampled_from(["0", "5.5", "7", "19", "20"]),
}), min_size=1, max_size=5)


@settings(max_examples=15, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(lines=lines_st, currency=st.sampled_from(["USD", "EUR", "JPY", "KWD"]))
def test_screen_pdf_and_api_agree(alice, lines, currency):
    """The dict the screen shows, the API's strings and the PDF text carry the
    same totals, and the total is the sum of the rounded lines."""
    from updoot_app.api.routes_companies import to_json

    qid = new_quote(alice, lines=lines, currency=currency)
    with db.session_scope() as s:
        quote = quotes.get_quote(s, alice.workspace_id, qid)
        screen = quotes.quote_dict(s, quote)
        data, _ = pdf.quote_pdf(s, alice.workspace_id, qid)
    api = to_json(screen)
    assert screen["total"] == sum(line["net"] + line["tax"] for line in screen["lines"])
    for key in ("subtotal", "tax_total", "total"):
        assert api[key] == money.money_text(screen[key], currency)
    text = text_of(data).replace("\n", " ")
    assert format_money(screen["total"], currency) in text
    assert format_money(screen["tax_total"], currency) in text


def test_bill_to_shows_company_and_contact(alice):
    from tests.unit.billing_helpers import company_and_deal

    _company_id, deal_id = company_and_deal(alice)
    qid = new_quote(alice, deal_id=deal_id)
    with db.session_scope() as s:
        text = text_of(pdf.quote_pdf(s, alice.workspace_id, qid)[0])
    assert "Bill to" in text and "Acme" in text
