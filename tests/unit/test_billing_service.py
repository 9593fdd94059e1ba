"""Products, quotes and invoices: statuses, numbering, public link, conversion,
the send lock, payments, void, overdue, revenue."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal as D

import pytest
from sqlmodel import select

from tests.unit.billing_helpers import (
    accepted_quote,
    company_and_deal,
    invoice_data,
    new_invoice,
    new_quote,
    principal,
    quote_data,
    send,
)
from updoot_app import db
from updoot_app.models import Deal, Invoice, Quote, Stage
from updoot_app.services.billing import (
    documents,
    invoices,
    products,
    quote_answers,
    quotes,
    revenue,
)
from updoot_app.services.platform.errors import Forbidden, NotFound, ValidationError
from updoot_app.services.platform.security import token_hash


def test_worked_example_through_the_service(alice):
    qid = new_quote(alice)
    data = quote_data(alice, qid)
    assert data["number"] == f"Q-{date.today().year}-0001"
    assert data["status"] == "draft"
    assert (data["tax_total"], data["total"]) == (D("11.79"), D("73.45"))
    assert [line["net"] for line in data["lines"]] == [D("53.97"), D("2.68"), D("5.01")]
    with db.session_scope() as s:
        stored = s.get(Quote, qid)
        assert (stored.tax_total, stored.total) == (D("11.79"), D("73.45"))


def test_numbers_per_workspace_and_prefix(alice, bob):
    year = date.today().year
    assert quote_data(alice, new_quote(alice))["number"] == f"Q-{year}-0001"
    assert quote_data(alice, new_quote(alice))["number"] == f"Q-{year}-0002"
    assert quote_data(bob, new_quote(bob))["number"] == f"Q-{year}-0001"
    with db.session_scope() as s:
        documents.update_settings(s, principal(alice), {"quote_prefix": "of"})
    assert quote_data(alice, new_quote(alice))["number"] == f"OF-{year}-0003"
    with db.session_scope() as s, pytest.raises(ValidationError):
        documents.update_settings(s, principal(alice), {"quote_prefix": "a b"})


def test_products_and_archived_product_stays_on_old_quotes(alice, bob):
    p = principal(alice)
    with db.session_scope() as s:
        prod = products.create_product(s, p, {"name": "Seat", "unit_price": "19.99",
                                              "tax_rate": "20", "unit": "user"})
        pid = prod.id
    qid = new_quote(alice, lines=[{"product_id": pid, "quantity": "2"}])
    line = quote_data(alice, qid)["lines"][0]
    assert (line["description"], line["unit"], line["unit_price"], line["tax_rate"]) == (
        "Seat", "user", "19.99", "20")
    with db.session_scope() as s:
        products.archive_product(s, p, pid)
        products.update_product(s, p, pid, {"unit_price": "25"})
        rows, total = products.list_products(s, alice.workspace_id)
        assert total == 0
        rows, total = products.list_products(s, alice.workspace_id, include_archived=True)
        assert total == 1
    assert quote_data(alice, qid)["lines"][0]["unit_price"] == "19.99"
    with db.session_scope() as s, pytest.raises(NotFound):
        products.get_product(s, bob.workspace_id, pid)
    with pytest.raises(NotFound):
        new_quote(bob, lines=[{"product_id": pid}])


@pytest.mark.parametrize(("line", "field"), [
    ({"description": "x", "quantity": "0", "unit_price": "1"}, "lines.0.quantity"),
    ({"description": "x", "quantity": "-2", "unit_price": "1"}, "lines.0.quantity"),
    ({"description": "x", "quantity": "1", "unit_price": "-1"}, "lines.0.unit_price"),
    ({"description": "x", "quantity": "1", "unit_price": "1e308"}, "lines.0.unit_price"),
    ({"description": "x", "quantity": "NaN", "unit_price": "1"}, "lines.0.quantity"),
    ({"description": "x", "quantity": "1", "unit_price": "Infinity"}, "lines.0.unit_price"),
    ({"description": "x", "quantity": "1", "unit_price": "1", "discount_pct": "101"},
     "lines.0.discount_pct"),
    ({"description": "x", "quantity": "1", "unit_price": "1", "tax_rate": "-5"},
     "lines.0.tax_rate"),
    ({"description": "", "quantity": "1", "unit_price": "1"}, "lines.0.description"),
    ({"description": "x", "quantity": 1.5, "unit_price": "1"}, "lines.0.quantity"),
])
def test_bad_lines_are_refused_and_nothing_is_written(alice, line, field):
    with pytest.raises(ValidationError) as err:
        new_quote(alice, lines=[line])
    assert err.value.field == field
    assert "Line 1" in err.value.message
    with db.session_scope() as s:
        assert s.exec(select(Quote)).all() == []


def test_viewer_cannot_write(alice, make_actor_viewer):
    viewer = make_actor_viewer
    with pytest.raises(Forbidden):
        new_quote(viewer)


@pytest.fixture
def make_actor_viewer(alice):
    from tests.conftest import make_actor
    from updoot_app.models import Membership

    other = make_actor("viewer@example.com", "Viewer Home")
    with db.session_scope() as s:
        s.add(Membership(workspace_id=alice.workspace_id, user_id=other.user_id, role="viewer"))
        from updoot_app.models import AuthSession

        auth = s.exec(select(AuthSession).where(AuthSession.user_id == other.user_id)).one()
        auth.workspace_id = alice.workspace_id
        s.add(auth)
    return other


def test_other_workspace_is_not_found(alice, bob):
    qid = new_quote(alice)
    with db.session_scope() as s, pytest.raises(NotFound):
        quotes.get_quote(s, bob.workspace_id, qid)
    with db.write_scope() as s, pytest.raises(NotFound):
        quotes.send_quote(s, principal(bob), qid)
    with pytest.raises(NotFound):
        quotes.convert_quote(principal(bob), qid)
    company_id, deal_id = company_and_deal(alice)
    with pytest.raises(NotFound):
        new_quote(bob, company_id=company_id)
    with pytest.raises(NotFound):
        new_quote(bob, deal_id=deal_id)


def test_deal_fills_company_and_currency(alice):
    company_id, deal_id = company_and_deal(alice, currency="EUR")
    data = quote_data(alice, new_quote(alice, deal_id=deal_id))
    assert data["company_id"] == company_id and data["currency"] == "EUR"
    assert data["company_name"] == "Acme" and data["deal_title"] == "Acme rollout"


def test_only_drafts_are_edited(alice):
    qid = new_quote(alice)
    with db.session_scope() as s:
        quotes.update_quote(s, principal(alice), qid, {"discount_pct": "10"})
    assert quote_data(alice, qid)["total"] == D("66.11")
    send(alice, qid)
    with db.session_scope() as s, pytest.raises(ValidationError, match="draft"):
        quotes.update_quote(s, principal(alice), qid, {"notes": "x"})


def test_public_link_accept_wins_the_deal(alice):
    _company_id, deal_id = company_and_deal(alice)
    qid = new_quote(alice, deal_id=deal_id)
    token = send(alice, qid)
    with db.session_scope() as s:
        stored = s.get(Quote, qid)
        assert stored.public_token_hash == token_hash(token)
        assert token not in str(stored.model_dump())
        view = quote_answers.public_view(s, token)
    assert view["number"] == quote_data(alice, qid)["number"]
    assert view["total"] == D("73.45") and "id" not in view
    with db.write_scope() as s, pytest.raises(ValidationError):
        quote_answers.public_accept(s, token, "   ")
    with db.write_scope() as s:
        quote_answers.public_accept(s, token, "Jane Client")
    data = quote_data(alice, qid)
    assert data["status"] == "accepted" and data["accepted_by_name"] == "Jane Client"
    with db.session_scope() as s:
        deal = s.get(Deal, deal_id)
        assert s.get(Stage, deal.stage_id).kind == "won"
    with db.write_scope() as s, pytest.raises(ValidationError, match="accepted"):
        quote_answers.public_decline(s, token)


def test_win_deal_setting_off(alice):
    _company_id, deal_id = company_and_deal(alice)
    with db.session_scope() as s:
        documents.update_settings(s, principal(alice), {"win_deal_on_accept": False})
    accepted_quote(alice, deal_id=deal_id)
    with db.session_scope() as s:
        assert s.get(Stage, s.get(Deal, deal_id).stage_id).kind == "open"


def test_bad_tokens_and_drafts_are_not_found(alice):
    qid = new_quote(alice)
    token = send(alice, qid)
    with db.session_scope() as s:
        for bad in ["", "q_short", token + "x", "x" * 50, None, 12, token.upper()]:
            with pytest.raises(NotFound):
                quote_answers.quote_by_token(s, bad)
    new_token = send(alice, qid)  # sending again replaces the link
    with db.session_scope() as s:
        with pytest.raises(NotFound):
            quote_answers.quote_by_token(s, token)
        assert quote_answers.quote_by_token(s, new_token).id == qid


def test_decline_and_expired(alice):
    qid = new_quote(alice)
    token = send(alice, qid)
    with db.write_scope() as s:
        quote_answers.public_decline(s, token, "Too expensive")
    assert quote_data(alice, qid)["status"] == "declined"
    qid2 = new_quote(alice, issue_date="2024-01-01", valid_until="2024-01-31")
    with db.write_scope() as s, pytest.raises(ValidationError, match="expired"):
        quotes.send_quote(s, principal(alice), qid2)
    qid3 = new_quote(alice)
    token3 = send(alice, qid3)
    with db.session_scope() as s:
        q = s.get(Quote, qid3)
        q.valid_until = date.today() - timedelta(days=1)
        q.issue_date = q.valid_until - timedelta(days=10)
        s.add(q)
    assert quote_data(alice, qid3)["status"] == "expired"
    with db.write_scope() as s, pytest.raises(ValidationError, match="expired"):
        quote_answers.public_accept(s, token3, "Late Client")
    with db.session_scope() as s:
        rows, total = quotes.list_quotes(s, alice.workspace_id, status="expired")
    assert [r["id"] for r in rows] == [qid3]


def test_convert_once(alice):
    qid = accepted_quote(alice)
    first, created = quotes.convert_quote(principal(alice), qid)
    again, created_again = quotes.convert_quote(principal(alice), qid)
    assert first == again and created and not created_again
    data = invoice_data(alice, first)
    assert data["quote_id"] == qid and data["status"] == "draft" and data["number"] is None
    assert (data["total"], data["tax_total"]) == (D("73.45"), D("11.79"))
    assert quote_data(alice, qid)["status"] == "converted"
    assert quote_data(alice, qid)["invoice_id"] == first


def test_convert_needs_accepted(alice):
    qid = new_quote(alice)
    with pytest.raises(ValidationError, match="accepted"):
        quotes.convert_quote(principal(alice), qid)
    send(alice, qid)
    with pytest.raises(ValidationError, match="accepted"):
        quotes.convert_quote(principal(alice), qid)


def test_invoice_lifecycle(alice):
    year = date.today().year
    iid = new_invoice(alice)
    p = principal(alice)
    with db.session_scope() as s:
        invoices.update_invoice(s, p, iid, {"payment_terms_days": 14})
    data = invoice_data(alice, iid)
    assert data["due_date"] == (date.today() + timedelta(days=14)).isoformat()
    with db.session_scope() as s, pytest.raises(ValidationError, match="Send the invoice"):
        invoices.record_payment(s, p, iid, {"amount": "1"})
    assert invoice_data(alice, invoices.finalise(p, iid))["number"] == f"INV-{year}-0001"
    assert invoices.finalise(p, iid) == iid  # sending again: same number
    assert invoice_data(alice, iid)["number"] == f"INV-{year}-0001"
    with db.session_scope() as s:
        invoices.record_payment(s, p, iid, {"amount": "20.45", "method": "card",
                                            "reference": "ch_1"})
    data = invoice_data(alice, iid)
    assert data["status"] == "partially_paid" and data["balance"] == D("53.00")
    with db.session_scope() as s, pytest.raises(ValidationError, match="more than the balance"):
        invoices.record_payment(s, p, iid, {"amount": "53.01"})
    with db.session_scope() as s, pytest.raises(ValidationError, match="payments"):
        invoices.void_invoice(s, p, iid)
    with db.session_scope() as s:
        invoices.record_payment(s, p, iid, {"amount": "53.00", "paid_on": "2026-01-02"})
    data = invoice_data(alice, iid)
    assert data["status"] == "paid" and data["balance"] == D("0.00")
    assert len(data["payments"]) == 2
    with db.session_scope() as s, pytest.raises(ValidationError, match="paid in full"):
        invoices.record_payment(s, p, iid, {"amount": "1"})


@pytest.mark.parametrize("change", [
    {"lines": [{"description": "x", "quantity": "1", "unit_price": "1"}]},
    {"discount_pct": "50"}, {"due_date": "2099-01-01"}, {"currency": "EUR"}, {"notes": "x"},
])
def test_sent_invoice_is_locked(alice, change):
    p = principal(alice)
    iid = new_invoice(alice)
    invoices.finalise(p, iid)
    before = invoice_data(alice, iid)
    with db.session_scope() as s, pytest.raises(ValidationError, match="locked"):
        invoices.update_invoice(s, p, iid, change)
    with db.session_scope() as s, pytest.raises(ValidationError, match="never deleted"):
        invoices.delete_invoice(s, p, iid)
    assert invoice_data(alice, iid) == before


def test_void_keeps_number_and_numbers_are_not_reused(alice):
    year = date.today().year
    p = principal(alice)
    a, b = new_invoice(alice), new_invoice(alice)
    invoices.finalise(p, a)
    with db.session_scope() as s:
        invoices.void_invoice(s, p, a, "Wrong customer")
    data = invoice_data(alice, a)
    assert data["status"] == "void" and data["number"] == f"INV-{year}-0001"
    assert data["balance"] == D("0.00")
    invoices.finalise(p, b)
    assert invoice_data(alice, b)["number"] == f"INV-{year}-0002"
    with db.session_scope() as s, pytest.raises(ValidationError, match="void"):
        invoices.record_payment(s, p, a, {"amount": "1"})
    # a draft is deleted, never voided
    c = new_invoice(alice)
    with db.session_scope() as s, pytest.raises(ValidationError, match="delete"):
        invoices.void_invoice(s, p, c)
    with db.session_scope() as s:
        invoices.delete_invoice(s, p, c)
        assert s.get(Invoice, c) is None


def test_failed_send_takes_no_number(alice):
    p = principal(alice)
    empty = new_invoice(alice, lines=[])
    with pytest.raises(ValidationError, match="at least one line"):
        invoices.finalise(p, empty)
    ok = new_invoice(alice)
    invoices.finalise(p, ok)
    assert invoice_data(alice, ok)["number"].endswith("-0001")


def test_overdue_is_computed(alice):
    p = principal(alice)
    iid = new_invoice(alice, issue_date="2025-01-01", payment_terms_days=30)
    assert invoice_data(alice, iid)["due_date"] == "2025-01-31"
    invoices.finalise(p, iid)
    assert invoice_data(alice, iid)["status"] == "overdue"
    with db.session_scope() as s:
        rows, _ = invoices.list_invoices(s, alice.workspace_id, status="overdue")
        assert [r["id"] for r in rows] == [iid]
        invoices.record_payment(s, p, iid, {"amount": "10"})
    assert invoice_data(alice, iid)["status"] == "overdue"
    with db.session_scope() as s:
        invoices.record_payment(s, p, iid, {"amount": "63.45"})
    assert invoice_data(alice, iid)["status"] == "paid"


def test_jpy_and_kwd_invoices(alice):
    p = principal(alice)
    jpy = new_invoice(alice, currency="JPY", lines=[
        {"description": "Widget", "quantity": "3", "unit_price": "333.5", "tax_rate": "10"}])
    assert invoice_data(alice, jpy)["total"] == D("1101")
    invoices.finalise(p, jpy)
    with db.session_scope() as s, pytest.raises(ValidationError, match="0 decimal places"):
        invoices.record_payment(s, p, jpy, {"amount": "100.5"})
    kwd = new_invoice(alice, currency="KWD", lines=[
        {"description": "Widget", "quantity": "1", "unit_price": "1.2345", "tax_rate": "5"}])
    assert invoice_data(alice, kwd)["total"] == D("1.297")


def test_revenue_by_company_deal_and_period(alice):
    p = principal(alice)
    company_id, deal_id = company_and_deal(alice)
    a = new_invoice(alice, deal_id=deal_id, issue_date="2026-01-10")
    b = new_invoice(alice, deal_id=deal_id, issue_date="2026-02-10")
    new_invoice(alice, deal_id=deal_id, issue_date="2026-02-11")  # draft: not revenue
    invoices.finalise(p, a)
    invoices.finalise(p, b)
    with db.session_scope() as s:
        invoices.record_payment(s, p, a, {"amount": "50", "paid_on": "2026-03-01"})
        by_month = revenue.invoiced(s, alice.workspace_id, group_by="month")
        assert [(r["key"], r["total"], r["count"]) for r in by_month] == [
            ("2026-01", D("73.45"), 1), ("2026-02", D("73.45"), 1)]
        by_company = revenue.invoiced(s, alice.workspace_id, group_by="company")
        assert by_company[0]["key"] == company_id and by_company[0]["total"] == D("146.90")
        assert by_company[0]["paid"] == D("50.00") and by_company[0]["balance"] == D("96.90")
        assert revenue.deal_revenue(s, alice.workspace_id, deal_id) == {"USD": D("146.90")}
        pays = revenue.payments(s, alice.workspace_id, group_by="month")
        assert [(r["key"], r["amount"]) for r in pays] == [("2026-03", D("50.00"))]
        assert revenue.invoiced(s, alice.workspace_id, group_by="none",
                                start="2026-02-01")[0]["total"] == D("73.45")
        with pytest.raises(ValidationError):
            revenue.invoiced(s, alice.workspace_id, group_by="weekday")
