"""The email API: quotes and invoices sent by email (202, delivered to a real SMTP
server on loopback, the PDF read back), the outbox and its retry, the templates;
403 for viewers, 404 across workspaces, 422 naming the field, 503 without SMTP."""

from __future__ import annotations

from datetime import date

import pytest
from sqlmodel import select

from tests.api.conftest import bearer
from tests.conftest import make_actor
from tests.unit.billing_helpers import new_invoice, new_quote, quote_data, seed_people
from tests.unit.mail_helpers import deliver_all, link_in, outbox_rows, pdf_text
from updoot_app import db
from updoot_app.models import AuthSession, Membership

YEAR = date.today().year


@pytest.fixture
def h(alice, api_token):
    return bearer(api_token(alice))


@pytest.fixture
def people(alice, bob):
    return seed_people(alice, bob)


def other_role(owner, api_token, role: str) -> dict:
    """Headers of a token of someone with `role` in the owner's workspace (made as a
    member: a viewer cannot make tokens)."""
    actor = make_actor(f"{role}@example.com", f"{role} home")
    with db.session_scope() as s:
        s.add(Membership(workspace_id=owner.workspace_id, user_id=actor.user_id,
                         role="member"))
        auth = s.exec(select(AuthSession).where(AuthSession.user_id == actor.user_id)).one()
        auth.workspace_id = owner.workspace_id
        s.add(auth)
    headers = bearer(api_token(actor))
    with db.session_scope() as s:
        membership = s.exec(select(Membership).where(
            Membership.user_id == actor.user_id,
            Membership.workspace_id == owner.workspace_id)).one()
        membership.role = role
        s.add(membership)
    return headers


def test_a_quote_by_email_reaches_the_client_with_its_pdf(client, alice, people, h, smtp_sink):
    qid = new_quote(alice, company_id=people["acme"], contact_id=people["jane"])
    r = client.post(f"/api/v1/quotes/{qid}/email", headers=h,
                    json={"to": ["jane@acme.io"], "cc": ["cfo@acme.io"]})
    assert r.status_code == 202, r.text
    answer = r.json()
    number = f"Q-{YEAR}-0001"
    assert answer["status"] == "queued"
    assert answer["document"] == {"type": "quote", "id": qid, "number": number}
    oid = answer["outbox_id"]
    got = client.get(f"/api/v1/outbox/{oid}", headers=h).json()
    assert (got["status"], got["attempts"], got["sent_at"]) == ("queued", 0, None)
    assert [o.status for o in deliver_all()] == ["sent"]
    (message,) = smtp_sink.wait_for(1)
    assert message["To"] == "jane@acme.io" and message["Cc"] == "cfo@acme.io"
    assert message["Subject"] == f"Quote {number} from Alice Co"   # the default template
    name, text = pdf_text(message)
    assert name == f"{number}.pdf" and number in text and "$73.45" in text
    assert "/q/" in link_in(message.get_body(("plain",)).get_content())
    got = client.get(f"/api/v1/outbox/{oid}", headers=h).json()
    assert got["status"] == "sent" and got["attempts"] == 1 and got["sent_at"]
    assert got["to"] == ["jane@acme.io"] and got["subject"] == message["Subject"]
    assert got["last_error"] is None
    assert quote_data(alice, qid)["status"] == "sent"
    listing = client.get("/api/v1/outbox?page=1&page_size=10", headers=h).json()
    assert listing["total"] == 1 and listing["items"][0]["id"] == oid
    assert (listing["page"], listing["page_size"]) == (1, 10)


def test_a_draft_invoice_by_email_is_finalised_and_numbered(client, alice, people, h,
                                                             smtp_sink):
    iid = new_invoice(alice, company_id=people["acme"], contact_id=people["jane"])
    r = client.post(f"/api/v1/invoices/{iid}/email", headers=h,
                    json={"to": ["jane@acme.io"], "subject": "Invoice {number} for {company}",
                          "message": "Please pay {total} by {due_date}."})
    assert r.status_code == 202, r.text
    number = f"INV-{YEAR}-0001"
    assert r.json()["document"]["number"] == number
    invoice = client.get(f"/api/v1/invoices/{iid}", headers=h).json()
    assert invoice["status"] == "sent" and invoice["number"] == number
    deliver_all()
    (message,) = smtp_sink.wait_for(1)
    assert message["Subject"] == f"Invoice {number} for Acme"
    assert "Please pay 73.45 USD by" in message.get_body(("plain",)).get_content()
    name, text = pdf_text(message)
    assert name == f"{number}.pdf" and number in text and "$73.45" in text


@pytest.mark.parametrize("body, field", [
    ({"to": ["not-an-address"]}, "to"),
    ({"to": []}, "to"),
    ({"to": ["a@example.com\r\nBcc: evil@example.com"]}, "to"),
    ({"to": ["a@example.com"], "cc": ["x@y"]}, "cc"),
    ({"to": ["a@example.com"], "subject": "Hello\nBcc: evil@example.com"}, "subject"),
    ({"to": ["a@example.com"], "bcc": ["b@example.com"]}, "bcc"),
    ({"cc": ["a@example.com"]}, "to"),
])
def test_bad_requests_are_422_naming_the_field(client, alice, h, smtp_sink, body, field):
    qid = new_quote(alice)
    r = client.post(f"/api/v1/quotes/{qid}/email", headers=h, json=body)
    assert r.status_code == 422, r.text
    assert r.json()["field"] == field and r.json()["detail"]
    assert outbox_rows() == [] and quote_data(alice, qid)["status"] == "draft"


def test_without_smtp_it_is_503_saying_what_to_set(client, alice, h, monkeypatch):
    monkeypatch.delenv("UPDOOT_SMTP_URL", raising=False)
    qid, iid = new_quote(alice), new_invoice(alice)
    for path in (f"/quotes/{qid}/email", f"/invoices/{iid}/email"):
        r = client.post("/api/v1" + path, headers=h, json={"to": ["a@example.com"]})
        assert r.status_code == 503, r.text
        assert "UPDOOT_SMTP_URL" in r.json()["detail"]
        assert "UPDOOT_MAIL_FROM" in r.json()["detail"]
    assert outbox_rows() == []
    assert quote_data(alice, qid)["status"] == "draft"
    assert client.get(f"/api/v1/invoices/{iid}", headers=h).json()["status"] == "draft"


def test_viewers_read_but_cannot_send_retry_or_change_templates(client, alice, api_token, h,
                                                                smtp_sink):
    qid = new_quote(alice)
    oid = client.post(f"/api/v1/quotes/{qid}/email", headers=h,
                      json={"to": ["a@example.com"]}).json()["outbox_id"]
    viewer = other_role(alice, api_token, "viewer")
    assert client.post(f"/api/v1/quotes/{qid}/email", headers=viewer,
                       json={"to": ["a@example.com"]}).status_code == 403
    assert client.post(f"/api/v1/invoices/{new_invoice(alice)}/email", headers=viewer,
                       json={"to": ["a@example.com"]}).status_code == 403
    assert client.post(f"/api/v1/outbox/{oid}/retry", headers=viewer).status_code == 403
    assert client.put("/api/v1/mail-templates", headers=viewer,
                      json={"quote_subject": "Hi"}).status_code == 403
    assert client.get(f"/api/v1/outbox/{oid}", headers=viewer).status_code == 200
    assert client.get("/api/v1/outbox", headers=viewer).json()["total"] == 1
    assert client.get("/api/v1/mail-templates", headers=viewer).status_code == 200
    assert len(outbox_rows()) == 1


def test_members_send_but_only_admins_change_templates(client, alice, api_token, smtp_sink):
    member = other_role(alice, api_token, "member")
    r = client.post(f"/api/v1/quotes/{new_quote(alice)}/email", headers=member,
                    json={"to": ["a@example.com"]})
    assert r.status_code == 202
    r = client.put("/api/v1/mail-templates", headers=member, json={"quote_subject": "Hi"})
    assert r.status_code == 403


def test_another_workspaces_documents_and_messages_are_404(client, alice, bob, api_token, h,
                                                            smtp_sink):
    bobs = bearer(api_token(bob))
    qid, iid = new_quote(alice), new_invoice(alice)
    oid = client.post(f"/api/v1/quotes/{qid}/email", headers=h,
                      json={"to": ["a@example.com"]}).json()["outbox_id"]
    assert client.post(f"/api/v1/quotes/{qid}/email", headers=bobs,
                       json={"to": ["a@example.com"]}).status_code == 404
    assert client.post(f"/api/v1/invoices/{iid}/email", headers=bobs,
                       json={"to": ["a@example.com"]}).status_code == 404
    assert client.get(f"/api/v1/outbox/{oid}", headers=bobs).status_code == 404
    assert client.post(f"/api/v1/outbox/{oid}/retry", headers=bobs).status_code == 404
    assert client.get("/api/v1/outbox", headers=bobs).json()["total"] == 0
    assert client.get("/api/v1/outbox/999999", headers=h).status_code == 404
    assert len(outbox_rows()) == 1


def test_a_refused_message_fails_with_the_reason_and_is_retried(client, alice, h, smtp_sink):
    smtp_sink.mode = "reject"
    qid = new_quote(alice)
    oid = client.post(f"/api/v1/quotes/{qid}/email", headers=h,
                      json={"to": ["a@example.com"]}).json()["outbox_id"]
    r = client.post(f"/api/v1/outbox/{oid}/retry", headers=h)
    assert r.status_code == 422 and r.json()["field"] == "status"   # not failed yet
    assert [o.status for o in deliver_all()] == ["failed"]
    got = client.get(f"/api/v1/outbox/{oid}", headers=h).json()
    assert got["status"] == "failed" and "refused by policy" in got["last_error"]
    smtp_sink.mode = "ok"
    r = client.post(f"/api/v1/outbox/{oid}/retry", headers=h)
    assert r.status_code == 202, r.text
    assert r.json()["status"] == "queued" and r.json()["last_error"] is None
    assert [o.status for o in deliver_all()] == ["sent"]
    (message,) = smtp_sink.wait_for(1)
    got = client.get(f"/api/v1/outbox/{oid}", headers=h).json()
    assert got["status"] == "sent" and message["Message-ID"] == got["message_id"]


def test_templates_are_read_changed_used_and_reset(client, alice, people, h, smtp_sink):
    got = client.get("/api/v1/mail-templates", headers=h).json()
    assert got["quote_subject"] == got["defaults"]["quote_subject"]
    assert "{number}" in [p["name"] for p in got["placeholders"]]
    r = client.put("/api/v1/mail-templates", headers=h,
                   json={"quote_subject": "{company}: your quote {number}"})
    assert r.status_code == 200 and r.json()["quote_subject"] == "{company}: your quote {number}"
    assert r.json()["invoice_subject"] == got["invoice_subject"]    # untouched
    bad = client.put("/api/v1/mail-templates", headers=h, json={"quote_body": "Hi {nmber}"})
    assert bad.status_code == 422 and bad.json()["field"] == "quote_body"
    bad = client.put("/api/v1/mail-templates", headers=h, json={"quote_subject": "a\nb"})
    assert bad.status_code == 422 and bad.json()["field"] == "quote_subject"
    qid = new_quote(alice, company_id=people["acme"], contact_id=people["jane"])
    client.post(f"/api/v1/quotes/{qid}/email", headers=h, json={"to": ["jane@acme.io"]})
    deliver_all()
    assert smtp_sink.wait_for(1)[0]["Subject"] == f"Acme: your quote Q-{YEAR}-0001"
    reset = client.put("/api/v1/mail-templates", headers=h, json={"quote_subject": ""}).json()
    assert reset["quote_subject"] == got["defaults"]["quote_subject"]
