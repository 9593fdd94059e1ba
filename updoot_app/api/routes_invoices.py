"""/invoices (+ send, payments, void, .pdf), /invoices.csv and /revenue.

GET /invoices/{id} -> {"number": "INV-2026-0001", "status": "...", "total": "...",
                       "balance": "...", "quote_id": 4, "lines": [...], "payments": [...]}
A draft has "number": null; POST /invoices/{id}/send numbers it (gapless) and
locks it: PATCH on a sent invoice answers 422. A finalised invoice is never
deleted: POST /invoices/{id}/void keeps its number.
"""

from __future__ import annotations

from fastapi import APIRouter, Response
from sqlmodel import Session

from updoot_app import db
from updoot_app.api.billing_document_io import (
    DecimalStr,
    LineIn,
    dump,
    export_response,
    pdf_response,
)
from updoot_app.api.deps import SessionRoute
from updoot_app.api.routes_companies import DB, READ, WRITE, Body, MoneyStr, paged, to_json
from updoot_app.services.billing import invoices, pdf, revenue
from updoot_app.services.identity.access import Principal

router = APIRouter(tags=["invoices"], route_class=SessionRoute)


class InvoiceIn(Body):
    company_id: int | None = None
    contact_id: int | None = None
    deal_id: int | None = None
    currency: str | None = None
    issue_date: str | None = None
    due_date: str | None = None
    payment_terms_days: int | None = None
    prices_include_tax: bool | None = None
    buyer_tax_id: str | None = None
    buyer_address: str | None = None
    discount_pct: DecimalStr = None
    notes: str | None = None
    terms: str | None = None
    lines: list[LineIn] | None = None


class PaymentIn(Body):
    amount: MoneyStr = None
    paid_on: str | None = None
    method: str | None = None
    reference: str | None = None


class VoidIn(Body):
    reason: str | None = None


def invoice_out(session: Session, invoice) -> dict:
    return to_json(invoices.invoice_dict(session, invoice))


@router.get("/invoices")
def list_invoices(p: Principal = READ, session: Session = DB, status: str | None = None,
                  search: str | None = None, company_id: int | None = None,
                  deal_id: int | None = None, page: int = 1, page_size: int = 25) -> dict:
    rows, total = invoices.list_invoices(session, p.workspace_id, status=status, search=search,
                                         company_id=company_id, deal_id=deal_id, page=page,
                                         page_size=page_size)
    return paged(rows, total, page, page_size)


@router.get("/invoices.csv")
def invoices_csv(p: Principal = READ, session: Session = DB) -> Response:
    """Every invoice of the workspace (export.invoices_frame columns; money as decimal text)."""
    return export_response(session, p, "invoices")


@router.post("/invoices", status_code=201)
def create_invoice(body: InvoiceIn, p: Principal = WRITE, session: Session = DB) -> dict:
    return invoice_out(session, invoices.create_invoice(session, p, dump(body)))


@router.get("/invoices/{invoice_id:int}.pdf")
def invoice_pdf(invoice_id: int, p: Principal = READ, session: Session = DB) -> Response:
    data, name = pdf.invoice_pdf(session, p.workspace_id, invoice_id)
    return pdf_response(data, name)


@router.get("/invoices/{invoice_id}")
def get_invoice(invoice_id: int, p: Principal = READ, session: Session = DB) -> dict:
    return invoice_out(session, invoices.get_invoice(session, p.workspace_id, invoice_id))


@router.patch("/invoices/{invoice_id}")
def update_invoice(invoice_id: int, body: InvoiceIn, p: Principal = WRITE) -> dict:
    with db.write_scope() as session:
        return invoice_out(session, invoices.update_invoice(session, p, invoice_id, dump(body)))


@router.delete("/invoices/{invoice_id}", status_code=204)
def delete_invoice(invoice_id: int, p: Principal = WRITE) -> Response:
    with db.write_scope() as session:
        invoices.delete_invoice(session, p, invoice_id)
    return Response(status_code=204)


@router.post("/invoices/{invoice_id}/send")
def send_invoice(invoice_id: int, p: Principal = WRITE) -> dict:
    with db.write_scope() as session:
        return invoice_out(session, invoices.send_invoice(session, p, invoice_id))


@router.get("/invoices/{invoice_id}/payments")
def list_payments(invoice_id: int, p: Principal = READ, session: Session = DB) -> dict:
    invoice = invoices.get_invoice(session, p.workspace_id, invoice_id)
    rows = invoices.invoice_dict(session, invoice)["payments"]
    return paged(rows, len(rows), 1, max(1, len(rows)), invoice.currency)


@router.post("/invoices/{invoice_id}/payments", status_code=201)
def record_payment(invoice_id: int, body: PaymentIn, p: Principal = WRITE) -> dict:
    with db.write_scope() as session:
        invoices.record_payment(session, p, invoice_id, body.model_dump(exclude_unset=True))
        return invoice_out(session, invoices.get_invoice(session, p.workspace_id, invoice_id))


@router.post("/invoices/{invoice_id}/void")
def void_invoice(invoice_id: int, body: VoidIn | None = None, p: Principal = WRITE) -> dict:
    with db.write_scope() as session:
        invoice = invoices.void_invoice(session, p, invoice_id, body.reason if body else None)
        return invoice_out(session, invoice)


@router.get("/revenue")
def get_revenue(p: Principal = READ, session: Session = DB, group_by: str = "month",
                start: str | None = None, end: str | None = None,
                company_id: int | None = None, deal_id: int | None = None) -> dict:
    """Invoiced (finalised, not void, by issue date) and received (payments, by
    payment date), per group and currency."""
    kwargs = {"group_by": group_by, "start": start, "end": end, "company_id": company_id,
              "deal_id": deal_id}
    return {"invoiced": to_json(revenue.invoiced(session, p.workspace_id, **kwargs)),
            "payments": to_json(revenue.payments(session, p.workspace_id, **kwargs))}
