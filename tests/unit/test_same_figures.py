"""Every total is the same figure on the screen, in the PDF, the Factur-X XML,
the journal CSV and the API, in JPY, USD and KWD, for invoices and credit
notes, prices with or without tax."""

from __future__ import annotations

import csv
import io
from decimal import Decimal as D

import pytest
from lxml import etree
from pypdf import PdfReader

from tests.unit.billing_helpers import invoice_data, new_invoice, principal
from updoot_app import db
from updoot_app.api.routes_companies import to_json
from updoot_app.services.archive import journal
from updoot_app.services.billing import credit_note_reads, credit_notes, facturx, invoices, pdf
from updoot_app.services.platform.money_display import format_money

RAM = "{urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100}"
LINES = [
    {"description": "Widgets", "quantity": "7", "unit_price": "13.3337", "discount_pct": "12.5",
     "tax_rate": "19"},
    {"description": "Service", "quantity": "2.5", "unit_price": "99.9999", "tax_rate": "7"},
    {"description": "Export", "quantity": "1", "unit_price": "0.5555", "tax_rate": "0",
     "tax_reason": "Exempt export"},
]


@pytest.mark.parametrize("currency", ["JPY", "USD", "KWD"])
@pytest.mark.parametrize("inclusive", [False, True])
def test_totals_agree_everywhere(alice, currency, inclusive):
    p = principal(alice)
    iid = new_invoice(alice, LINES, currency=currency, discount_pct="3",
                      prices_include_tax=inclusive)
    invoices.finalise(p, iid)
    note_id = credit_notes.issue_credit_note(p, iid, {"lines": [
        {"invoice_line_id": invoice_data(alice, iid)["lines"][0]["id"], "quantity": "3"}],
        "reason": "returned"})
    data = invoice_data(alice, iid)
    api = to_json(data)
    with db.session_scope() as s:
        note = credit_note_reads.credit_note_by_id(s, alice.workspace_id, note_id)
        xml = etree.fromstring(facturx.invoice_xml(s, alice.workspace_id, iid)[0])
        invoice_text = PdfReader(io.BytesIO(pdf.invoice_pdf(s, alice.workspace_id, iid)[0])
                                 ).pages[0].extract_text()
        note_text = PdfReader(io.BytesIO(pdf.credit_note_pdf(s, alice.workspace_id, note_id)[0])
                              ).pages[0].extract_text()
        rows = list(csv.DictReader(io.StringIO(
            journal.journal_csv(s, p).decode("utf-8-sig"))))
    note_api = to_json(note)
    for key in ("net_total", "tax_total", "total"):
        assert api[key] == str(data[key])  # API string = the service's rounded Decimal
        assert format_money(data[key], currency, "en_US") in invoice_text, key
        assert format_money(note[key], currency, "en_US") in note_text, key
    assert xml.findtext(f".//{RAM}GrandTotalAmount") == api["total"]
    assert xml.findtext(f".//{RAM}TaxTotalAmount") == api["tax_total"]
    assert xml.findtext(f".//{RAM}TaxBasisTotalAmount") == api["net_total"]
    assert [e.text for e in xml.iter(f"{RAM}BasisAmount")] == [t["base"] for t in api["taxes"]]
    by_type = {"invoice": [], "credit_note": []}
    for row in rows:
        by_type[row["type"]].append(row)
    for kind, source in (("invoice", api), ("credit_note", note_api)):
        got = by_type[kind]
        assert [(r["net"], r["tax_rate"], r["tax"]) for r in got] == [
            (t["base"], t["rate"], t["tax"]) for t in source["taxes"]]
        assert sum(D(r["gross"]) for r in got) == D(source["total"])
    assert D(api["balance"]) == D(api["total"]) - D(note_api["total"])
