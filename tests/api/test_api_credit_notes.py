"""The credit-note API: POST /invoices/{id}/credit-notes (lines or all), 422
naming the line credited beyond what is left, 404 across workspaces, 403 for a
viewer, the list, one note, its PDF with the Factur-X XML inside, the invoice's
XML alone, refunds; and the seller, buyer and tax fields around them."""

from __future__ import annotations

import io
from datetime import date

import pytest
from facturx import get_facturx_xml_from_pdf, xml_check_xsd
from sqlmodel import select

from tests.api.conftest import bearer
from tests.unit.billing_helpers import EXAMPLE_LINES
from updoot_app import db
from updoot_app.models import ApiToken, Membership
from updoot_app.services.platform.security import token_hash

YEAR = date.today().year


@pytest.fixture
def h(alice, api_token):
    return bearer(api_token(alice))


def sent_invoice(client, h, **extra) -> dict:
    r = client.post("/api/v1/invoices", json={"currency": "USD", "lines": EXAMPLE_LINES,
                                              **extra}, headers=h)
    assert r.status_code == 201, r.text
    r = client.post(f"/api/v1/invoices/{r.json()['id']}/send", headers=h)
    assert r.status_code == 200, r.text
    return r.json()


def test_credit_lines_then_all(client, h):
    inv = sent_invoice(client, h)
    first = inv["lines"][0]["id"]
    r = client.post(f"/api/v1/invoices/{inv['id']}/credit-notes", headers=h, json={
        "lines": [{"invoice_line_id": first, "quantity": "1"}], "reason": "Seat returned"})
    assert r.status_code == 201, r.text
    note = r.json()
    assert (note["number"], note["invoice_id"], note["invoice_number"]) == (
        f"CN-{YEAR}-0001", inv["id"], inv["number"])
    assert (note["net_total"], note["tax_total"], note["total"]) == ("17.99", "3.60", "21.59")
    assert note["taxes"] == [{"rate": "20", "base": "17.99", "tax": "3.60"}]
    assert note["lines"][0]["invoice_line_id"] == first
    got = client.get(f"/api/v1/invoices/{inv['id']}", headers=h).json()
    assert (got["balance"], got["amount_credited"], got["status"]) == ("51.86", "21.59", "sent")
    assert got["credit_notes"][0]["number"] == f"CN-{YEAR}-0001"

    r = client.post(f"/api/v1/invoices/{inv['id']}/credit-notes", headers=h, json={
        "lines": [{"invoice_line_id": first, "quantity": "3"}], "reason": "too many"})
    assert r.status_code == 422
    assert r.json()["field"] == "lines.0.quantity" and "Seats" in r.json()["detail"]
    r = client.post(f"/api/v1/invoices/{inv['id']}/credit-notes", headers=h, json={
        "lines": [{"invoice_line_id": first, "quantity": 1}], "reason": "number"})
    assert r.status_code == 422  # a JSON number is not a decimal string
    r = client.post(f"/api/v1/invoices/{inv['id']}/credit-notes", headers=h,
                    json={"all": True, "reason": "Cancelled", "extra": 1})
    assert r.status_code == 422 and r.json()["field"] == "extra"

    r = client.post(f"/api/v1/invoices/{inv['id']}/credit-notes", headers=h,
                    json={"all": True, "reason": "Cancelled"})
    assert r.status_code == 201 and r.json()["total"] == "51.86"
    got = client.get(f"/api/v1/invoices/{inv['id']}", headers=h).json()
    assert (got["balance"], got["status"]) == ("0.00", "credited")
    listed = client.get("/api/v1/credit-notes", headers=h).json()
    assert listed["total"] == 2
    assert [n["number"] for n in listed["items"]] == [f"CN-{YEAR}-0002", f"CN-{YEAR}-0001"]
    assert client.get(f"/api/v1/credit-notes?invoice_id={inv['id']}",
                      headers=h).json()["total"] == 2


def test_pdf_xml_and_refund(client, h):
    inv = sent_invoice(client, h)
    client.post(f"/api/v1/invoices/{inv['id']}/payments", headers=h, json={"amount": "73.45"})
    note = client.post(f"/api/v1/invoices/{inv['id']}/credit-notes", headers=h,
                       json={"all": True, "reason": "Cancelled"}).json()
    r = client.get(f"/api/v1/credit-notes/{note['id']}.pdf", headers=h)
    assert r.status_code == 200 and r.headers["content-type"] == "application/pdf"
    _, xml = get_facturx_xml_from_pdf(io.BytesIO(r.content), check_xsd=True)
    assert b"<ram:TypeCode>381</ram:TypeCode>" in xml
    r = client.get(f"/api/v1/invoices/{inv['id']}.xml", headers=h)
    assert r.status_code == 200 and r.headers["content-type"].startswith("application/xml")
    assert xml_check_xsd(r.content, flavor="factur-x", level="basic")
    assert b"<ram:GrandTotalAmount>73.45</ram:GrandTotalAmount>" in r.content

    r = client.post(f"/api/v1/credit-notes/{note['id']}/refunds", headers=h,
                    json={"amount": "80.00"})
    assert r.status_code == 422 and r.json()["field"] == "amount"
    r = client.post(f"/api/v1/credit-notes/{note['id']}/refunds", headers=h,
                    json={"amount": "73.45", "method": "bank_transfer", "reference": "RF-1"})
    assert r.status_code == 201, r.text
    assert r.json()["amount_refunded"] == "73.45"
    got = client.get(f"/api/v1/invoices/{inv['id']}", headers=h).json()
    assert (got["amount_paid"], got["balance"], got["status"]) == ("0.00", "0.00", "credited")
    assert got["payments"][-1]["amount"] == "-73.45"


def test_other_workspace_and_viewer(client, h, bob, api_token):
    inv = sent_invoice(client, h)
    note = client.post(f"/api/v1/invoices/{inv['id']}/credit-notes", headers=h,
                       json={"all": True, "reason": "x"}).json()
    hb = bearer(api_token(bob))
    assert client.post(f"/api/v1/invoices/{inv['id']}/credit-notes", headers=hb,
                       json={"all": True, "reason": "x"}).status_code == 404
    for path in (f"/api/v1/credit-notes/{note['id']}", f"/api/v1/credit-notes/{note['id']}.pdf",
                 f"/api/v1/invoices/{inv['id']}.xml"):
        assert client.get(path, headers=hb).status_code == 404, path
    assert client.get("/api/v1/credit-notes", headers=hb).json()["total"] == 0
    other = sent_invoice(client, hb)
    raw = api_token(bob, "viewer")
    with db.session_scope() as s:
        tok = s.exec(select(ApiToken).where(ApiToken.token_hash == token_hash(raw))).one()
        m = s.exec(select(Membership).where(Membership.user_id == tok.user_id)).one()
        m.role = "viewer"
        s.add(m)
    r = client.post(f"/api/v1/invoices/{other['id']}/credit-notes", headers=bearer(raw),
                    json={"all": True, "reason": "x"})
    assert r.status_code == 403


def test_parties_and_tax_fields(client, h):
    r = client.patch("/api/v1/billing-settings", headers=h, json={
        "legal_name": "Acme GmbH", "tax_id": "DE 123 456 789", "registration_number": "HRB 1",
        "country": "DE", "credit_note_prefix": "GS", "reverse_charge": True})
    assert r.status_code == 200, r.text
    assert (r.json()["tax_id"], r.json()["credit_note_prefix"]) == ("DE123456789", "GS")
    assert client.patch("/api/v1/billing-settings", headers=h,
                        json={"tax_id": "no way!"}).json()["field"] == "tax_id"
    company = client.post("/api/v1/companies", headers=h, json={
        "name": "Globex", "country": "FR", "tax_id": "FR123", "billing_address": "Paris"}).json()
    assert (company["tax_id"], company["billing_address"]) == ("FR123", "Paris")
    # reverse charge: a buyer abroad with a tax ID gets zero-rated lines with the wording
    inv = sent_invoice(client, h, company_id=company["id"])
    assert {line["tax_rate"] for line in inv["lines"]} == {"0"}
    assert inv["lines"][0]["tax_reason"].startswith("Reverse charge")
    assert inv["buyer"] == {"name": "Globex", "tax_id": "FR123", "address": "Paris",
                            "country": "FR"}
    assert inv["tax_total"] == "0.00"
    note = client.post(f"/api/v1/invoices/{inv['id']}/credit-notes", headers=h,
                       json={"all": True, "reason": "x"}).json()
    assert note["number"] == f"GS-{YEAR}-0001"
    r = client.post("/api/v1/quotes", headers=h, json={
        "currency": "USD", "prices_include_tax": True, "lines": EXAMPLE_LINES})
    assert r.status_code == 201, r.text
    quote = r.json()
    # the same figures read as prices with tax: 59.97 × 0.9 = 53.973 -> 53.97 paid,
    # of which 8.995 -> 9.00 tax; 2.675 -> 2.68; 5.005 -> 5.01 paid, 0.835 -> 0.84 tax
    assert (quote["net_total"], quote["tax_total"], quote["total"]) == ("51.82", "9.84",
                                                                        "61.66")
    assert quote["prices_include_tax"] is True


def test_journal_csv(client, h):
    inv = sent_invoice(client, h)
    client.post(f"/api/v1/invoices/{inv['id']}/credit-notes", headers=h,
                json={"all": True, "reason": "Cancelled"})
    today = date.today().isoformat()
    r = client.get(f"/api/v1/exports/journal.csv?from={today}&to={today}", headers=h)
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/csv")
    assert "journal" in r.headers["content-disposition"]
    lines = r.content.decode("utf-8-sig").splitlines()
    assert lines[0] == ("date,number,type,reference,customer,customer_tax_id,net,tax_rate,"
                        "tax,gross,currency")
    assert [line.split(",")[2] for line in lines[1:]] == ["invoice", "invoice", "credit_note",
                                                           "credit_note"]
    r = client.get("/api/v1/exports/journal.csv?from=2026-13-01", headers=h)
    assert r.status_code == 422 and r.json()["field"] == "from"
