"""Quotes and invoices sent by email, delivered to a real SMTP server on loopback."""

from __future__ import annotations

import pytest
from sqlmodel import select

from tests.conftest import make_actor
from tests.unit.billing_helpers import (
    new_invoice,
    new_quote,
    principal,
    quote_data,
    seed_people,
)
from tests.unit.mail_helpers import deliver_all, link_in, outbox_rows, pdf_text
from updoot_app import db
from updoot_app.models import AuthSession, Membership
from updoot_app.services.billing import invoices, quote_answers, quotes
from updoot_app.services.mail import documents, outbox_reads
from updoot_app.services.platform.errors import (
    Forbidden,
    NotConfigured,
    NotFound,
    ValidationError,
)


@pytest.fixture
def people(alice, bob):
    return seed_people(alice, bob)


def email_quote(actor, qid, data):
    with db.write_scope() as s:
        return documents.email_quote(s, principal(actor), qid, data).id


def email_invoice(actor, iid, data):
    with db.write_scope() as s:
        return documents.email_invoice(s, principal(actor), iid, data).id


def test_quote_email_carries_pdf_and_a_working_accept_link(alice, people, smtp_sink):
    qid = new_quote(alice, company_id=people["acme"], contact_id=people["jane"])
    outbox_id = email_quote(alice, qid, {"to": ["jane@acme.io"], "cc": ["cfo@acme.io"]})
    assert [o.status for o in deliver_all()] == ["sent"]
    (message,) = smtp_sink.wait_for(1)
    quote = quote_data(alice, qid)
    assert quote["status"] == "sent"
    assert message["To"] == "jane@acme.io" and message["Cc"] == "cfo@acme.io"
    assert message["Subject"] == f"Quote {quote['number']} from Alice Co"
    assert smtp_sink.received[0][0] == ["jane@acme.io", "cfo@acme.io"]   # the envelope
    body = message.get_body(("plain",)).get_content()
    assert "Hello Jane Doe" in body
    name, text = pdf_text(message)
    assert name == f"{quote['number']}.pdf"
    assert quote["number"] in text and f"Total ${quote['total']}" in text
    token = link_in(body).rsplit("/q/", 1)[1]
    with db.write_scope() as s:
        quote_answers.public_accept(s, token, "Jane Doe")
    assert quote_data(alice, qid)["status"] == "accepted"
    with db.session_scope() as s:
        row = outbox_reads.get_message(s, alice.workspace_id, outbox_id)
    assert row["status"] == "sent" and row["attempts"] == 1 and row["sent_at"]
    assert row["document"] == {"type": "quote", "id": qid, "number": quote["number"]}
    assert message["Message-ID"] == row["message_id"]


def test_sending_a_draft_invoice_by_email_numbers_it(alice, people, smtp_sink):
    iid = new_invoice(alice, company_id=people["acme"], contact_id=people["jane"])
    email_invoice(alice, iid, {"to": "jane@acme.io", "subject": "Your invoice {number}",
                               "message": "Total {total}, due {due_date}."})
    with db.session_scope() as s:
        invoice = invoices.get_invoice(s, alice.workspace_id, iid)
    assert invoice.status == "sent" and invoice.number.startswith("INV-")
    deliver_all()
    (message,) = smtp_sink.wait_for(1)
    assert message["Subject"] == f"Your invoice {invoice.number}"
    assert f"due {invoice.due_date.isoformat()}" in message.get_body(("plain",)).get_content()
    assert invoice.number in pdf_text(message)[1]


def test_recipients_default_to_nothing_but_the_form_prefills_the_contact(alice, people):
    qid = new_quote(alice, company_id=people["acme"], contact_id=people["jane"])
    with db.session_scope() as s:
        quote = quotes.get_quote(s, alice.workspace_id, qid)
        assert documents.default_recipients(s, quote) == ["jane@acme.io"]


@pytest.mark.parametrize("data,field", [
    ({"to": []}, "to"),
    ({"to": ["not-an-address"]}, "to"),
    ({"to": ["a@example.com\r\nBcc: evil@example.com"]}, "to"),
    ({"to": ["a@example.com"], "cc": ["x@y"]}, "cc"),
    ({"to": ["a@example.com"], "subject": "Hi\r\nBcc: evil@example.com"}, "subject"),
    ({"to": ["a@example.com"], "bcc": ["b@example.com"]}, "bcc"),
    ({"to": "a@example.com"}, None),
])
def test_bad_requests_change_nothing(alice, people, smtp_sink, data, field):
    qid = new_quote(alice, company_id=people["acme"])
    if field is None:   # the control: the same quote with a good request is sent
        email_quote(alice, qid, data)
        assert len(outbox_rows()) == 1
        return
    with pytest.raises(ValidationError) as err:
        email_quote(alice, qid, data)
    assert err.value.field == field
    assert quote_data(alice, qid)["status"] == "draft"
    assert outbox_rows() == []


def test_without_smtp_settings_sending_is_refused_and_nothing_changes(alice, monkeypatch):
    monkeypatch.delenv("UPDOOT_SMTP_URL", raising=False)
    iid = new_invoice(alice)
    with pytest.raises(NotConfigured) as err:
        email_invoice(alice, iid, {"to": ["a@example.com"]})
    assert "UPDOOT_SMTP_URL" in str(err.value) and "UPDOOT_MAIL_FROM" in str(err.value)
    with db.session_scope() as s:
        assert invoices.get_invoice(s, alice.workspace_id, iid).status == "draft"
    assert outbox_rows() == []


def test_other_workspaces_documents_do_not_exist(alice, bob, smtp_sink):
    qid = new_quote(alice)
    with pytest.raises(NotFound):
        email_quote(bob, qid, {"to": ["a@example.com"]})
    bobs_quote = new_quote(bob)
    with pytest.raises(NotFound):
        email_quote(alice, bobs_quote, {"to": ["a@example.com"]})
    assert outbox_rows() == []


def test_viewer_is_refused(alice, smtp_sink):
    viewer = make_actor("viewer@example.com", "Viewer Home")
    with db.session_scope() as s:
        s.add(Membership(workspace_id=alice.workspace_id, user_id=viewer.user_id,
                         role="viewer"))
        auth = s.exec(select(AuthSession).where(AuthSession.user_id == viewer.user_id)).one()
        auth.workspace_id = alice.workspace_id
        s.add(auth)
    qid = new_quote(alice)
    with pytest.raises(Forbidden):
        email_quote(viewer, qid, {"to": ["a@example.com"]})
    assert outbox_rows() == []
