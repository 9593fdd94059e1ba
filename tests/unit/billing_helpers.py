"""Helpers shared by the billing tests."""

from __future__ import annotations

from updoot_app import db
from updoot_app.services.billing import invoices, quote_answers, quotes
from updoot_app.services.crm import companies, contacts, deals
from updoot_app.services.identity.access import resolve_session

EXAMPLE_LINES = [
    {"description": "Seats", "quantity": "3", "unit_price": "19.99", "discount_pct": "10",
     "tax_rate": "20"},
    {"description": "Setup", "quantity": "1", "unit_price": "2.675", "tax_rate": "0"},
    {"description": "Support hours", "quantity": "0.5", "unit_price": "10.01",
     "tax_rate": "20"},
]


def principal(actor):
    with db.session_scope() as s:
        return resolve_session(s, actor.token)


def company_and_deal(actor, currency="USD"):
    p = principal(actor)
    with db.session_scope() as s:
        company = companies.create_company(s, p, {"name": "Acme", "domain": "acme.io"})
        deal = deals.create_deal(s, p, {"company_id": company.id, "title": "Acme rollout",
                                         "currency": currency, "value": "100"})
        return company.id, deal.id


def new_quote(actor, lines=None, **fields):
    p = principal(actor)
    with db.write_scope() as s:
        quote = quotes.create_quote(s, p, {"lines": EXAMPLE_LINES if lines is None else lines,
                                           **fields})
        return quote.id


def send(actor, quote_id):
    with db.write_scope() as s:
        quote, token = quotes.send_quote(s, principal(actor), quote_id)
        return token


def accepted_quote(actor, **fields):
    qid = new_quote(actor, **fields)
    token = send(actor, qid)
    with db.write_scope() as s:
        quote_answers.public_accept(s, token, "Jane Client")
    return qid


def quote_data(actor, quote_id):
    with db.session_scope() as s:
        return quotes.quote_dict(s, quotes.get_quote(s, actor.workspace_id, quote_id))


def new_invoice(actor, lines=None, **fields):
    with db.session_scope() as s:
        return invoices.create_invoice(s, principal(actor), {
            "lines": EXAMPLE_LINES if lines is None else lines, **fields}).id


def invoice_data(actor, invoice_id):
    with db.session_scope() as s:
        return invoices.invoice_dict(s, invoices.get_invoice(s, actor.workspace_id, invoice_id))


def seed_people(actor, other) -> dict:
    """Ids of: companies Acme and Globex of `actor`; Jane Doe (CFO) at Acme, Hank
    Scorpio at Globex, a contact of no company ("loner"); and a contact of
    `other`'s workspace ("bobs")."""
    p, q = principal(actor), principal(other)
    with db.session_scope() as s:
        acme = companies.create_company(s, p, {"name": "Acme", "domain": "acme.io"}).id
        globex = companies.create_company(s, p, {"name": "Globex", "domain": "globex.io"}).id
        jane = contacts.create_contact(s, p, {"first_name": "Jane", "last_name": "Doe",
                                              "title": "CFO", "email": "jane@acme.io",
                                              "company_id": acme}).id
        hank = contacts.create_contact(s, p, {"first_name": "Hank", "last_name": "Scorpio",
                                              "company_id": globex}).id
        loner = contacts.create_contact(s, p, {"first_name": "Lone", "last_name": "Wolf"}).id
        bobs_co = companies.create_company(s, q, {"name": "Bob Co"}).id
        bobs = contacts.create_contact(s, q, {"first_name": "Other", "company_id": bobs_co}).id
    return {"acme": acme, "globex": globex, "jane": jane, "hank": hank, "loner": loner,
            "bobs": bobs}
