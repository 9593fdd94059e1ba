"""The billing API: the shapes of docs/architecture.md, money as strings, 404 across workspaces,
422 on bad input, the send lock, idempotent convert, PDFs, public PDF link."""

from __future__ import annotations

import io
from concurrent.futures import ThreadPoolExecutor
from datetime import date

import pytest
from pypdf import PdfReader

from tests.api.conftest import bearer
from tests.unit.billing_helpers import EXAMPLE_LINES, company_and_deal

YEAR = date.today().year


@pytest.fixture
def h(alice, api_token):
    return bearer(api_token(alice))


def create(client, h, **extra):
    body = {"currency": "USD", "lines": EXAMPLE_LINES, **extra}
    r = client.post("/api/v1/quotes", json=body, headers=h)
    assert r.status_code == 201, r.text
    return r.json()


def test_design_shapes_from_quote_to_paid_invoice(client, alice, h):
    company_id, deal_id = company_and_deal(alice)
    q = create(client, h, company_id=company_id, deal_id=deal_id)
    assert q["number"] == f"Q-{YEAR}-0001" and q["status"] == "draft"
    assert (q["subtotal"], q["discount_total"], q["tax_total"], q["total"]) == (
        "67.66", "6.00", "11.79", "73.45")
    assert q["taxes"] == [{"rate": "0", "base": "2.68", "tax": "0.00"},
                          {"rate": "20", "base": "58.98", "tax": "11.79"}]
    assert q["lines"][1]["unit_price"] == "2.675"
    sent = client.post(f"/api/v1/quotes/{q['id']}/send", headers=h).json()
    assert sent["status"] == "sent" and "/q/q_" in sent["public_url"]
    token = sent["public_url"].rsplit("/", 1)[1]
    pdf = client.get(f"/public/quotes/{token}.pdf")
    assert pdf.status_code == 200 and pdf.headers["content-type"] == "application/pdf"
    assert client.get("/public/quotes/q_not-a-real-token-at-all-xxxxxxxx.pdf").status_code == 404
    accepted = client.post(f"/api/v1/quotes/{q['id']}/accept", json={"name": "Jane"}, headers=h)
    assert accepted.json()["status"] == "accepted"
    deal = client.get(f"/api/v1/deals/{deal_id}", headers=h).json()
    assert deal["stage_kind"] == "won"
    inv = client.post(f"/api/v1/quotes/{q['id']}/convert", headers=h).json()
    again = client.post(f"/api/v1/quotes/{q['id']}/convert", headers=h).json()
    assert inv["id"] == again["id"] and inv["quote_id"] == q["id"]
    assert inv["number"] is None and inv["status"] == "draft" and inv["total"] == "73.45"
    sent_inv = client.post(f"/api/v1/invoices/{inv['id']}/send", headers=h).json()
    assert sent_inv["number"] == f"INV-{YEAR}-0001" and sent_inv["status"] == "sent"
    paid = client.post(f"/api/v1/invoices/{inv['id']}/payments", headers=h,
                       json={"amount": "30.00", "method": "bank_transfer", "reference": "x"})
    assert paid.status_code == 201
    got = client.get(f"/api/v1/invoices/{inv['id']}", headers=h).json()
    assert (got["status"], got["balance"], got["amount_paid"]) == (
        "partially_paid", "43.45", "30.00")
    assert got["payments"][0]["amount"] == "30.00"
    listing = client.get("/api/v1/invoices?status=partially_paid", headers=h).json()
    assert listing["total"] == 1 and listing["items"][0]["balance"] == "43.45"
    rev = client.get("/api/v1/revenue?group_by=company", headers=h).json()
    assert rev["invoiced"][0]["total"] == "73.45" and rev["payments"][0]["amount"] == "30.00"
    text = PdfReader(io.BytesIO(client.get(f"/api/v1/invoices/{inv['id']}.pdf",
                                           headers=h).content)).pages[0].extract_text()
    assert f"INV-{YEAR}-0001" in text and "$73.45" in text and "$43.45" in text


def test_parallel_convert_requests_return_one_invoice(client, alice, h):
    q = create(client, h)
    client.post(f"/api/v1/quotes/{q['id']}/send", headers=h)
    client.post(f"/api/v1/quotes/{q['id']}/accept", headers=h)
    with ThreadPoolExecutor(8) as pool:
        results = list(pool.map(
            lambda _: client.post(f"/api/v1/quotes/{q['id']}/convert", headers=h), range(8)))
    assert {r.status_code for r in results} == {200}
    assert len({r.json()["id"] for r in results}) == 1
    assert client.get("/api/v1/invoices", headers=h).json()["total"] == 1


@pytest.mark.parametrize(("line", "field"), [
    ({"description": "x", "quantity": 3, "unit_price": "1"}, "lines.0.quantity"),
    ({"description": "x", "quantity": "1", "unit_price": 19.99}, "lines.0.unit_price"),
    ({"description": "x", "quantity": "1", "unit_price": "1e308"}, "lines.0.unit_price"),
    ({"description": "x", "quantity": "NaN", "unit_price": "1"}, "lines.0.quantity"),
    ({"description": "x", "quantity": "1", "unit_price": "1", "discount_pct": "150"},
     "lines.0.discount_pct"),
    ({"description": "x", "quantity": "1", "unit_price": "1", "bogus": "1"}, "lines.0.bogus"),
])
def test_bad_input_is_422_with_a_message(client, h, line, field):
    r = client.post("/api/v1/quotes", json={"lines": [line]}, headers=h)
    assert r.status_code == 422, r.text
    assert r.json()["field"] == field and r.json()["detail"]
    assert client.get("/api/v1/quotes", headers=h).json()["total"] == 0


def test_sent_invoice_is_locked_through_the_api(client, h):
    inv = client.post("/api/v1/invoices", json={"lines": EXAMPLE_LINES}, headers=h).json()
    assert client.patch(f"/api/v1/invoices/{inv['id']}", json={"notes": "draft edit"},
                        headers=h).status_code == 200
    client.post(f"/api/v1/invoices/{inv['id']}/send", headers=h)
    for body in ({"notes": "x"}, {"lines": [{"description": "x", "quantity": "1",
                                             "unit_price": "1"}]}, {"due_date": "2099-01-01"}):
        r = client.patch(f"/api/v1/invoices/{inv['id']}", json=body, headers=h)
        assert r.status_code == 422 and "locked" in r.json()["detail"]
    assert client.delete(f"/api/v1/invoices/{inv['id']}", headers=h).status_code == 422
    voided = client.post(f"/api/v1/invoices/{inv['id']}/void", json={"reason": "dup"},
                         headers=h).json()
    assert voided["status"] == "void" and voided["number"] == f"INV-{YEAR}-0001"


def test_other_workspace_gets_404(client, alice, bob, h, api_token):
    q = create(client, h)
    inv = client.post("/api/v1/invoices", json={"lines": EXAMPLE_LINES}, headers=h).json()
    prod = client.post("/api/v1/products", json={"name": "Seat", "unit_price": "10"},
                       headers=h).json()
    hb = bearer(api_token(bob))
    for method, url in [("GET", f"/api/v1/quotes/{q['id']}"),
                        ("GET", f"/api/v1/quotes/{q['id']}.pdf"),
                        ("POST", f"/api/v1/quotes/{q['id']}/send"),
                        ("POST", f"/api/v1/quotes/{q['id']}/convert"),
                        ("PATCH", f"/api/v1/quotes/{q['id']}"),
                        ("GET", f"/api/v1/invoices/{inv['id']}"),
                        ("GET", f"/api/v1/invoices/{inv['id']}.pdf"),
                        ("POST", f"/api/v1/invoices/{inv['id']}/send"),
                        ("POST", f"/api/v1/invoices/{inv['id']}/payments"),
                        ("POST", f"/api/v1/invoices/{inv['id']}/void"),
                        ("GET", f"/api/v1/products/{prod['id']}")]:
        r = client.request(method, url, headers=hb, json={})
        assert r.status_code == 404, (method, url, r.text)


def test_products_api(client, h):
    r = client.post("/api/v1/products", json={"name": "Seat", "unit_price": "19.99",
                                              "tax_rate": "20", "unit": "user"}, headers=h)
    assert r.status_code == 201
    prod = r.json()
    assert (prod["unit_price"], prod["tax_rate"], prod["currency"]) == ("19.99", "20", "USD")
    assert client.post("/api/v1/products", json={"name": "x", "unit_price": 1},
                       headers=h).status_code == 422
    q = create(client, h, lines=[{"product_id": prod["id"], "quantity": "2"}])
    assert q["total"] == "47.98"
    assert client.delete(f"/api/v1/products/{prod['id']}", headers=h).status_code == 204
    assert client.get("/api/v1/products", headers=h).json()["total"] == 0
    assert client.get(f"/api/v1/quotes/{q['id']}", headers=h).json()["lines"][0][
        "description"] == "Seat"


def test_viewer_token_cannot_write(client, alice, api_token):
    from updoot_app import db
    from updoot_app.models import ApiToken, Membership
    from updoot_app.services.platform.security import token_hash

    raw = api_token(alice)
    with db.session_scope() as s:
        from sqlmodel import select

        tok = s.exec(select(ApiToken).where(ApiToken.token_hash == token_hash(raw))).one()
        m = s.exec(select(Membership).where(Membership.user_id == tok.user_id)).one()
        m.role = "viewer"
        s.add(m)
    r = client.post("/api/v1/quotes", json={"lines": EXAMPLE_LINES}, headers=bearer(raw))
    assert r.status_code == 403
    assert client.get("/api/v1/quotes", headers=bearer(raw)).status_code == 200


def test_jpy_amounts_have_no_decimals(client, h):
    q = create(client, h, currency="JPY", lines=[
        {"description": "Widget", "quantity": "3", "unit_price": "333.5", "tax_rate": "10"}])
    assert (q["total"], q["tax_total"]) == ("1101", "100")


def test_quote_contact_must_be_of_the_quote_company(client, alice, bob, h, api_token):
    company_id, _deal_id = company_and_deal(alice)
    other = client.post("/api/v1/companies", json={"name": "Globex"}, headers=h).json()["id"]

    def contact(headers, **body):
        r = client.post("/api/v1/contacts", json={"first_name": "Pat", **body}, headers=headers)
        assert r.status_code == 201, r.text
        return r.json()["id"]

    jane = contact(h, last_name="Lee", company_id=company_id)
    hank = contact(h, company_id=other)
    bobs = contact(bearer(api_token(bob)))
    q = create(client, h, company_id=company_id, contact_id=jane)
    assert (q["contact_id"], q["contact_name"]) == (jane, "Pat Lee")
    r = client.patch(f"/api/v1/quotes/{q['id']}", json={"contact_id": hank}, headers=h)
    assert r.status_code == 422 and r.json()["field"] == "contact_id"
    assert "not one of this company's contacts" in r.json()["detail"]
    r = client.patch(f"/api/v1/quotes/{q['id']}", json={"contact_id": bobs}, headers=h)
    assert r.status_code == 404
    assert client.get(f"/api/v1/quotes/{q['id']}", headers=h).json()["contact_id"] == jane


@pytest.mark.parametrize("kind", ["quotes", "invoices"])
def test_csv_export(client, alice, bob, h, api_token, kind):
    import csv

    from tests.unit.billing_helpers import new_invoice, new_quote

    make = new_quote if kind == "quotes" else new_invoice
    make(alice)
    make(bob)
    assert client.get(f"/api/v1/{kind}.csv").status_code == 401
    r = client.get(f"/api/v1/{kind}.csv", headers=h)
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/csv")
    assert f'filename="{alice.workspace_slug}-{kind}.csv"' in r.headers["content-disposition"]
    rows = list(csv.DictReader(io.StringIO(r.content.decode("utf-8-sig"))))
    assert len(rows) == 1 and rows[0]["total"] == "73.45" and rows[0]["status"] == "draft"
