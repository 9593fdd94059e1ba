"""Factur-X: the XML of invoices and credit notes passes the library's own XSD
check, carries the same amounts as the API, and is embedded in their PDFs; the
PDFs print both parties' tax IDs, the tax summary and the credit's reference."""

from __future__ import annotations

import io
from datetime import date
from decimal import Decimal

import pytest
from facturx import get_facturx_xml_from_pdf, xml_check_xsd
from lxml import etree
from pypdf import PdfReader

from tests.unit.billing_helpers import invoice_data, new_invoice, new_quote, principal
from updoot_app import db
from updoot_app.services.billing import credit_notes, documents, facturx, invoices, pdf
from updoot_app.services.crm import companies
from updoot_app.services.platform.errors import ValidationError

YEAR = date.today().year
RAM = "{urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100}"


def seller_and_buyer(actor, *, countries: bool = True) -> int:
    p = principal(actor)
    with db.session_scope() as s:
        documents.update_settings(s, p, {
            "legal_name": "Acme Software GmbH", "tax_id": "de 123 456 789",
            "registration_number": "HRB 12345", "address": "Hauptstr. 1\n10115 Berlin",
            "country": "DE" if countries else ""})
        return companies.create_company(s, p, {
            "name": "Globex", "tax_id": "FR12345678901", "country": "FR" if countries else None,
            "billing_address": "1 rue de la Paix\n75002 Paris"}).id


def sent(actor, **fields) -> int:
    iid = new_invoice(actor, **fields)
    invoices.finalise(principal(actor), iid)
    return iid


def text_of(data: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def test_invoice_xml_is_en16931_and_matches_the_api(alice):
    iid = sent(alice, company_id=seller_and_buyer(alice))
    with db.session_scope() as s:
        xml, name = facturx.invoice_xml(s, alice.workspace_id, iid)
    assert name == f"INV-{YEAR}-0001.xml"
    assert xml_check_xsd(xml, flavor="factur-x", level="en16931")
    tree = etree.fromstring(xml)
    assert tree.findtext(f".//{RAM}GuidelineSpecifiedDocumentContextParameter/{RAM}ID") \
        == "urn:cen.eu:en16931:2017"
    assert tree.findtext(f".//{RAM}GrandTotalAmount") == "73.45"
    assert tree.findtext(f".//{RAM}TaxTotalAmount") == "11.79"
    assert [e.text for e in tree.iter(f"{RAM}BasisAmount")] == ["2.68", "58.98"]
    ids = [e.text for e in tree.iter(f"{RAM}SpecifiedTaxRegistration")]
    assert len(ids) == 2
    assert [e.findtext(f"{RAM}ID") for e in tree.iter(f"{RAM}SpecifiedTaxRegistration")] == [
        "DE123456789", "FR12345678901"]
    assert invoice_data(alice, iid)["total"] == Decimal("73.45")


def test_without_countries_the_profile_is_basic_and_a_draft_has_no_xml(alice):
    iid = sent(alice, company_id=seller_and_buyer(alice, countries=False))
    draft = new_invoice(alice)
    with db.session_scope() as s:
        xml, _ = facturx.invoice_xml(s, alice.workspace_id, iid)
        assert xml_check_xsd(xml, flavor="factur-x", level="basic")
        assert b"urn:factur-x.eu:1p0:basic" in xml
        with pytest.raises(ValidationError):
            facturx.invoice_xml(s, alice.workspace_id, draft)


def test_invoice_and_credit_note_pdfs_embed_their_xml(alice):
    iid = sent(alice, company_id=seller_and_buyer(alice))
    note_id = credit_notes.issue_credit_note(principal(alice), iid, {
        "lines": [{"invoice_line_id": invoice_data(alice, iid)["lines"][0]["id"],
                   "quantity": "1"}], "reason": "One seat returned"})
    with db.session_scope() as s:
        invoice_pdf, _ = pdf.invoice_pdf(s, alice.workspace_id, iid)
        note_pdf, name = pdf.credit_note_pdf(s, alice.workspace_id, note_id)
    assert name == f"CN-{YEAR}-0001.pdf"
    _, xml = get_facturx_xml_from_pdf(io.BytesIO(note_pdf), check_xsd=True)
    tree = etree.fromstring(xml)
    assert tree.findtext(f".//{RAM}TypeCode") == "381"
    assert tree.findtext(f".//{RAM}InvoiceReferencedDocument/{RAM}IssuerAssignedID") \
        == f"INV-{YEAR}-0001"
    assert tree.findtext(f".//{RAM}GrandTotalAmount") == "21.59"
    _, xml = get_facturx_xml_from_pdf(io.BytesIO(invoice_pdf), check_xsd=True)
    assert etree.fromstring(xml).findtext(f".//{RAM}DuePayableAmount") == "51.86"
    text = text_of(note_pdf)
    for expected in ("CREDIT NOTE CN-", f"INV-{YEAR}-0001", "Tax summary", "$17.99", "$3.60",
                     "$21.59", "One seat returned", "Tax ID DE123456789", "HRB 12345",
                     "Tax ID FR12345678901", "75002 Paris", "Acme Software GmbH"):
        assert expected in text, expected
    text = text_of(invoice_pdf)
    assert "Tax summary" in text and "Credited" in text and "$51.86" in text


def test_reverse_charge_when_the_buyer_changes(alice):
    p = principal(alice)
    company = seller_and_buyer(alice)  # FR buyer with a tax ID, DE seller
    with db.session_scope() as s:
        documents.update_settings(s, p, {"reverse_charge": True})
    iid = new_invoice(alice)  # no company yet: taxed
    assert invoice_data(alice, iid)["tax_total"] == Decimal("11.79")
    with db.session_scope() as s:
        invoices.update_invoice(s, p, iid, {"company_id": company})
    data = invoice_data(alice, iid)
    assert data["tax_total"] == Decimal("0.00") and data["total"] == Decimal("61.66")
    assert {line["tax_reason"] for line in data["lines"]} == {
        "Reverse charge: VAT to be accounted for by the recipient"}
    invoices.finalise(p, iid)
    with db.session_scope() as s:
        xml, _ = facturx.invoice_xml(s, alice.workspace_id, iid)
        text = text_of(pdf.invoice_pdf(s, alice.workspace_id, iid)[0])
    assert b"<ram:CategoryCode>AE</ram:CategoryCode>" in xml
    assert b"<ram:ExemptionReason>Reverse charge" in xml
    assert "0 % tax: Reverse charge: VAT to be accounted for by the recipient" in text


def test_quote_pdf_prints_both_parties(alice):
    company = seller_and_buyer(alice)
    qid = new_quote(alice, company_id=company, buyer_tax_id="FR999")
    with db.session_scope() as s:
        text = text_of(pdf.quote_pdf(s, alice.workspace_id, qid)[0])
    for expected in ("Acme Software GmbH", "Tax ID DE123456789", "Reg. no. HRB 12345",
                     "Tax ID FR999", "1 rue de la Paix", "Tax summary"):
        assert expected in text, expected
    assert "FR12345678901" not in text  # the document's own tax ID wins over the company's
