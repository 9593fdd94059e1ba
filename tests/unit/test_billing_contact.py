"""The addressee of a quote or invoice: a contact of the same workspace AND of
the document's company, shown on the PDF as "Attn: name"."""

from __future__ import annotations

import pytest

from tests.unit.billing_helpers import (
    new_invoice,
    new_quote,
    principal,
    quote_data,
    seed_people,
)
from tests.unit.test_billing_pdf import text_of
from updoot_app import db
from updoot_app.services.billing import invoices, pdf, quotes
from updoot_app.services.platform.errors import NotFound, ValidationError


@pytest.fixture
def people(alice, bob):
    return seed_people(alice, bob)


def update(actor, qid, change):
    with db.write_scope() as s:
        quotes.update_quote(s, principal(actor), qid, change)


def test_contact_of_the_company_is_the_addressee_on_the_pdf(alice, people):
    qid = new_quote(alice, company_id=people["acme"], contact_id=people["jane"])
    data = quote_data(alice, qid)
    assert (data["contact_id"], data["contact_name"]) == (people["jane"], "Jane Doe")
    with db.session_scope() as s:
        text = text_of(pdf.quote_pdf(s, alice.workspace_id, qid)[0])
    assert "Attn: Jane Doe" in text and "jane@acme.io" in text and "Acme" in text


@pytest.mark.parametrize("who, error, message", [
    ("hank", ValidationError, "not one of this company's contacts"),
    ("loner", ValidationError, "not one of this company's contacts"),
    ("bobs", NotFound, "Contact not found"),
    ("12345", NotFound, "Contact not found"),
])
def test_other_contacts_are_refused_and_nothing_changes(alice, people, who, error, message):
    qid = new_quote(alice, company_id=people["acme"], contact_id=people["jane"])
    with pytest.raises(error) as err:
        update(alice, qid, {"contact_id": people.get(who, who), "notes": "changed"})
    assert message in str(err.value)
    data = quote_data(alice, qid)
    assert data["contact_id"] == people["jane"] and data["notes"] == ""


def test_changing_the_company_needs_the_contact_to_follow(alice, people):
    qid = new_quote(alice, company_id=people["acme"], contact_id=people["jane"])
    with pytest.raises(ValidationError):
        update(alice, qid, {"company_id": people["globex"]})
    update(alice, qid, {"company_id": people["globex"], "contact_id": ""})
    data = quote_data(alice, qid)
    assert (data["company_id"], data["contact_id"]) == (people["globex"], None)
    with db.session_scope() as s:
        assert "Attn:" not in text_of(pdf.quote_pdf(s, alice.workspace_id, qid)[0])
    # a contact alone brings its company
    update(alice, qid, {"company_id": "", "contact_id": people["jane"]})
    assert quote_data(alice, qid)["company_id"] == people["acme"]


def test_invoices_follow_the_same_rule(alice, people):
    iid = new_invoice(alice, company_id=people["globex"], contact_id=people["hank"])
    with db.session_scope() as s, pytest.raises(ValidationError):
        invoices.update_invoice(s, principal(alice), iid, {"contact_id": people["jane"]})
    with db.session_scope() as s:
        text = text_of(pdf.invoice_pdf(s, alice.workspace_id, iid)[0])
    assert "Attn: Hank Scorpio" in text
