"""Sending a quote or an invoice by email: the message is queued in the same
transaction that sends the document.

* A quote gets a new public link (as "Send" does) and the message carries it.
* A draft invoice is finalised first (its gap-free number is taken in this
  transaction): call `email_invoice` inside `db.write_scope()`.
* Recipients default to the document's contact; subject and message to the
  workspace's templates (templates.py), with placeholders filled in.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlmodel import Session

from updoot_app.models import OutboxMessage, Workspace
from updoot_app.services.billing import invoices, money, pdf, quotes
from updoot_app.services.billing.documents import party_names
from updoot_app.services.identity.access import Principal
from updoot_app.services.mail import addresses, outbox, templates
from updoot_app.services.mail.smtp_config import smtp_config
from updoot_app.services.platform import activity
from updoot_app.services.platform.validation import reject_unknown
from updoot_app.settings import load_settings

FIELDS = {"to", "cc", "subject", "message"}


def public_quote_link(token: str) -> str:
    return f"{load_settings().public_url.rstrip('/')}/q/{token}"


def _amount(value, currency: str) -> str:
    return f"{money.money_text(value, currency)} {currency}"


def placeholder_values(session: Session, doc, *, link: str = "") -> dict[str, str]:
    """What {number}, {total}, ... stand for in a template, for a quote or invoice."""
    parties = party_names(session, doc)
    workspace = session.get(Workspace, doc.workspace_id)
    values = {
        "number": doc.number or "", "total": _amount(doc.total, doc.currency),
        "company": parties["company_name"], "contact": parties["contact_name"] or "there",
        "workspace": workspace.name if workspace else "", "link": link,
        "due_date": "", "valid_until": "", "balance": "",
    }
    if hasattr(doc, "due_date"):
        values["due_date"] = doc.due_date.isoformat()
        values["balance"] = _amount(invoices.balance(doc), doc.currency)
    if hasattr(doc, "valid_until"):
        values["valid_until"] = doc.valid_until.isoformat()
    return values


def default_recipients(session: Session, doc) -> list[str]:
    email = party_names(session, doc)["contact_email"]
    return [email] if email else []


def _clean_request(data: Mapping[str, Any]) -> dict:
    reject_unknown(data, FIELDS)
    return {"to": addresses.clean_recipients(data.get("to"), "to", required=True),
            "cc": addresses.clean_recipients(data.get("cc"), "cc", required=False),
            "subject": data.get("subject"), "message": data.get("message")}


def _text(request: dict, key: str, default_template: str, values: dict) -> str:
    """The caller's text, or the template when blank; placeholders filled either way."""
    raw = request[key]
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        raw = default_template
    clean = addresses.clean_subject if key == "subject" else addresses.clean_message
    return clean(templates.fill(clean(raw, key), values), key)


def email_quote(session: Session, principal: Principal, quote_id: object,
                data: Mapping[str, Any]) -> OutboxMessage:
    principal.require("member")
    request = _clean_request(data)
    smtp_config()  # refuse before the quote changes
    quote, token = quotes.send_quote(session, principal, quote_id)
    link = public_quote_link(token)
    values = placeholder_values(session, quote, link=link)
    tpl = templates.templates_of(session, principal.workspace_id)
    body = _text(request, "message", tpl["quote_body"], values)
    if link not in body:
        body += f"\n\nReview and accept the quote online: {link}"
    pdf_bytes, name = pdf.quote_pdf(session, principal.workspace_id, quote.id)
    row = outbox.queue_message(
        session, workspace_id=principal.workspace_id, user_id=principal.user_id,
        kind="document", to=request["to"], cc=request["cc"],
        subject=_text(request, "subject", tpl["quote_subject"], values), body=body,
        attachment=(name, pdf_bytes), quote_id=quote.id, document_number=quote.number)
    activity.log(session, workspace_id=principal.workspace_id, user_id=principal.user_id,
                 action="quote.email", entity_type="quote", entity_id=quote.id,
                 summary=f"Emailed quote {quote.number} to {', '.join(request['to'])}")
    return row


def email_invoice(session: Session, principal: Principal, invoice_id: object,
                  data: Mapping[str, Any]) -> OutboxMessage:
    """Call inside `db.write_scope()`: a draft is numbered here."""
    principal.require("member")
    request = _clean_request(data)
    smtp_config()
    invoice = invoices.send_invoice(session, principal, invoice_id)
    values = placeholder_values(session, invoice)
    tpl = templates.templates_of(session, principal.workspace_id)
    pdf_bytes, name = pdf.invoice_pdf(session, principal.workspace_id, invoice.id)
    row = outbox.queue_message(
        session, workspace_id=principal.workspace_id, user_id=principal.user_id,
        kind="document", to=request["to"], cc=request["cc"],
        subject=_text(request, "subject", tpl["invoice_subject"], values),
        body=_text(request, "message", tpl["invoice_body"], values),
        attachment=(name, pdf_bytes), invoice_id=invoice.id, document_number=invoice.number)
    activity.log(session, workspace_id=principal.workspace_id, user_id=principal.user_id,
                 action="invoice.email", entity_type="invoice", entity_id=invoice.id,
                 summary=f"Emailed invoice {invoice.number} to {', '.join(request['to'])}")
    return row
