"""Email: quotes and invoices sent by email, the outbox, the mail templates.

POST /quotes/{id}/email | /invoices/{id}/email
     {"to": ["name@example.com"], "cc": [], "subject": "...", "message": "..."}
     subject and message are optional (the workspace's template applies);
     -> 202 {"outbox_id": N, "status": "queued", "document": {...}}
     A quote gets its public link (as /send does), a draft invoice is finalised
     (numbered) first. SMTP not set up: 503 saying what to set, nothing queued.
GET  /outbox?page=&page_size=      every message of the workspace, newest first
GET  /outbox/{id}   -> {"id", "status": "queued"|"sent"|"failed", "to", "cc", "subject",
                        "document": {"type", "id", "number"}, "attempts", "last_error",
                        "sent_at", ...}
POST /outbox/{id}/retry            a failed message, queued again (same Message-ID)
GET  /mail-templates               the quote and invoice templates, defaults, placeholders
PUT  /mail-templates               change some of them (owners and admins); blank: default
"""

from __future__ import annotations

from fastapi import APIRouter
from sqlmodel import Session

from updoot_app import db
from updoot_app.api.deps import SessionRoute
from updoot_app.api.routes_companies import DB, READ, WRITE, Body, paged
from updoot_app.services.identity.access import Principal
from updoot_app.services.mail import documents, outbox, outbox_reads, template_settings

router = APIRouter(tags=["email"], route_class=SessionRoute)


class EmailIn(Body):
    to: list[str]
    cc: list[str] | None = None
    subject: str | None = None
    message: str | None = None


class TemplatesIn(Body):
    quote_subject: str | None = None
    quote_body: str | None = None
    invoice_subject: str | None = None
    invoice_body: str | None = None


def _queued(row) -> dict:
    shown = outbox_reads.message_dict(row)
    return {"outbox_id": row.id, "status": shown["status"], "document": shown["document"]}


@router.post("/quotes/{quote_id}/email", status_code=202)
def email_quote(quote_id: int, body: EmailIn, p: Principal = WRITE) -> dict:
    with db.write_scope() as session:
        return _queued(documents.email_quote(session, p, quote_id,
                                             body.model_dump(exclude_unset=True)))


@router.post("/invoices/{invoice_id}/email", status_code=202)
def email_invoice(invoice_id: int, body: EmailIn, p: Principal = WRITE) -> dict:
    with db.write_scope() as session:
        return _queued(documents.email_invoice(session, p, invoice_id,
                                               body.model_dump(exclude_unset=True)))


@router.get("/outbox")
def list_outbox(p: Principal = READ, session: Session = DB, page: int = 1,
                page_size: int = 50) -> dict:
    rows, total = outbox_reads.list_messages(session, p.workspace_id, page=page,
                                             page_size=page_size)
    return paged(rows, total, page, page_size)


@router.get("/outbox/{outbox_id}")
def get_outbox_message(outbox_id: int, p: Principal = READ, session: Session = DB) -> dict:
    return outbox_reads.get_message(session, p.workspace_id, outbox_id)


@router.post("/outbox/{outbox_id}/retry", status_code=202)
def retry_outbox_message(outbox_id: int, p: Principal = WRITE, session: Session = DB) -> dict:
    return outbox_reads.message_dict(outbox.retry_message(session, p, outbox_id))


@router.get("/mail-templates")
def get_templates(p: Principal = READ, session: Session = DB) -> dict:
    return template_settings.templates_view(session, p.workspace_id)


@router.put("/mail-templates")
def put_templates(body: TemplatesIn, p: Principal = WRITE, session: Session = DB) -> dict:
    return template_settings.update_templates(session, p, body.model_dump(exclude_unset=True))
