"""The "Send by email" form of a quote or invoice page: what it opens with, and
sending what the person wrote.

The form opens with the workspace's template already filled in, so a person
reads the message the client will get. Two values do not exist before sending:
a quote's public link (made when it is sent) and a draft invoice's number
(taken when it is finalised). The form shows a note in their place
(LINK_NOTE, NUMBER_NOTE), and `send_document` turns a note left in the text
back into its placeholder, which documents.py then fills with the real value.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlmodel import Session

from updoot_app.models import OutboxMessage
from updoot_app.services.billing import invoices, quotes
from updoot_app.services.identity.access import Principal
from updoot_app.services.mail import documents, outbox_reads, templates
from updoot_app.services.platform.errors import ValidationError

KINDS = ("quote", "invoice")
LINK_NOTE = "(the accept link is added when sent)"
NUMBER_NOTE = "(numbered when sent)"


def _clean_kind(kind: object) -> str:
    if kind not in KINDS:
        raise ValidationError("kind", "Only quotes and invoices are sent by email.")
    return kind


def _document(session: Session, workspace_id: int, kind: str, doc_id: object):
    if kind == "quote":
        return quotes.get_quote(session, workspace_id, doc_id)
    return invoices.get_invoice(session, workspace_id, doc_id)


def draft_for(session: Session, workspace_id: int, kind: object, doc_id: object) -> dict:
    """The form's first values, as text: {"to", "cc", "subject", "message"}
    (addresses comma-separated)."""
    kind = _clean_kind(kind)
    doc = _document(session, workspace_id, kind, doc_id)
    values = documents.placeholder_values(session, doc, link=LINK_NOTE)
    if not doc.number:
        values["number"] = NUMBER_NOTE
    tpl = templates.templates_of(session, workspace_id)
    return {"to": ", ".join(documents.default_recipients(session, doc)), "cc": "",
            "subject": templates.fill(tpl[f"{kind}_subject"], values),
            "message": templates.fill(tpl[f"{kind}_body"], values)}


def _restore_placeholders(value: object) -> object:
    if not isinstance(value, str):
        return value   # documents.py refuses it with a message naming the field
    return value.replace(LINK_NOTE, "{link}").replace(NUMBER_NOTE, "{number}")


def send_document(session: Session, principal: Principal, kind: object, doc_id: object,
                  form: Mapping[str, Any]) -> OutboxMessage:
    """Queue the form's email (call inside `db.write_scope()`: a draft invoice is
    numbered). The form's fields are text; to and cc hold comma-separated addresses."""
    kind = _clean_kind(kind)
    if not isinstance(form, Mapping):
        raise ValidationError("form", "Fill in the form.")
    # An unknown key goes through: documents.py refuses it by name, as in the API.
    data = {key: _restore_placeholders(value) for key, value in form.items()}
    send = documents.email_quote if kind == "quote" else documents.email_invoice
    return send(session, principal, doc_id, data)


def history(session: Session, workspace_id: int, kind: object, doc_id: object) -> list[dict]:
    """The document's messages, newest first (outbox_reads.message_dict shape).
    Another workspace's document is NotFound."""
    kind = _clean_kind(kind)
    doc = _document(session, workspace_id, kind, doc_id)
    key = "quote_id" if kind == "quote" else "invoice_id"
    return outbox_reads.history_of(session, workspace_id, **{key: doc.id})
