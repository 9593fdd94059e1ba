"""/invoices/{id}/credit-notes, /credit-notes (+ .pdf, refunds) and /invoices/{id}.xml.

POST /invoices/{id}/credit-notes
  {"lines": [{"invoice_line_id": 3, "quantity": "1"}], "reason": "..."}  or
  {"all": true, "reason": "..."}
-> 201 {"id", "number": "CN-2026-0001", "invoice_id", "invoice_number", "total", "lines", ...}
Crediting more than is left of a line is a 422 naming it ("field": "lines.0.quantity").
POST /credit-notes/{id}/refunds {"amount": "2.68", ...} records money paid back
(a negative payment of the invoice).
"""

from __future__ import annotations

from fastapi import APIRouter, Response
from sqlmodel import Session

from updoot_app import db
from updoot_app.api.billing_document_io import DecimalStr, pdf_response
from updoot_app.api.deps import SessionRoute
from updoot_app.api.routes_companies import DB, READ, WRITE, Body, MoneyStr, paged, to_json
from updoot_app.services.billing import credit_note_reads, credit_notes, facturx, pdf
from updoot_app.services.identity.access import Principal

router = APIRouter(tags=["credit notes"], route_class=SessionRoute)


class CreditLineIn(Body):
    invoice_line_id: int
    quantity: DecimalStr = None


class CreditIn(Body):
    lines: list[CreditLineIn] | None = None
    all: bool | None = None
    reason: str | None = None


class RefundIn(Body):
    amount: MoneyStr = None
    paid_on: str | None = None
    method: str | None = None
    reference: str | None = None


def _note_out(session: Session, p: Principal, credit_note_id: int) -> dict:
    return to_json(credit_note_reads.credit_note_by_id(session, p.workspace_id, credit_note_id))


@router.post("/invoices/{invoice_id}/credit-notes", status_code=201)
def credit_invoice(invoice_id: int, body: CreditIn, p: Principal = WRITE) -> dict:
    note_id = credit_notes.issue_credit_note(p, invoice_id, body.model_dump(exclude_none=True))
    with db.session_scope() as session:
        return _note_out(session, p, note_id)


@router.get("/invoices/{invoice_id:int}.xml")
def invoice_xml(invoice_id: int, p: Principal = READ, session: Session = DB) -> Response:
    """The invoice's Factur-X (CII) XML alone, as embedded in its PDF."""
    data, name = facturx.invoice_xml(session, p.workspace_id, invoice_id)
    return Response(data, media_type="application/xml",
                    headers={"Content-Disposition": f'inline; filename="{name}"'})


@router.get("/credit-notes")
def list_credit_notes(p: Principal = READ, session: Session = DB, invoice_id: int | None = None,
                      page: int = 1, page_size: int = 25) -> dict:
    rows, total = credit_note_reads.list_credit_notes(
        session, p.workspace_id, invoice_id=invoice_id, page=page, page_size=page_size)
    return paged(rows, total, page, page_size)


@router.get("/credit-notes/{credit_note_id:int}.pdf")
def credit_note_pdf(credit_note_id: int, p: Principal = READ,
                    session: Session = DB) -> Response:
    data, name = pdf.credit_note_pdf(session, p.workspace_id, credit_note_id)
    return pdf_response(data, name)


@router.get("/credit-notes/{credit_note_id}")
def credit_note(credit_note_id: int, p: Principal = READ, session: Session = DB) -> dict:
    return _note_out(session, p, credit_note_id)


@router.post("/credit-notes/{credit_note_id}/refunds", status_code=201)
def record_refund(credit_note_id: int, body: RefundIn, p: Principal = WRITE) -> dict:
    with db.write_scope() as session:
        credit_notes.record_refund(session, p, credit_note_id,
                                   body.model_dump(exclude_unset=True))
        return _note_out(session, p, credit_note_id)
