"""/quotes (+ send, accept, decline, convert, .pdf) and /quotes.csv.

POST /quotes {"company_id": 7, "deal_id": 9, "currency": "USD",
              "lines": [{"description": "Seats", "quantity": "3", "unit_price": "19.99",
                         "discount_pct": "10", "tax_rate": "20"}]}
-> {"id": 4, "number": "Q-2026-0001", "status": "draft", "subtotal": "...",
    "discount_total": "...", "tax_total": "...", "total": "...", "lines": [...], ...}
Quantities, prices and percentages are decimal strings; JSON numbers are refused.
POST /quotes/{id}/send answers the quote plus "public_url" (shown once: only a
hash of its token is stored; sending again makes a new link).
POST /quotes/{id}/convert answers the invoice — the same one every time.
"""

from __future__ import annotations

from fastapi import APIRouter, Request, Response
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
from updoot_app.api.routes_companies import DB, READ, WRITE, Body, paged, to_json
from updoot_app.services.billing import invoices, pdf, quote_answers, quotes
from updoot_app.services.identity.access import Principal
from updoot_app.settings import load_settings

router = APIRouter(tags=["quotes"], route_class=SessionRoute)


class QuoteIn(Body):
    company_id: int | None = None
    contact_id: int | None = None
    deal_id: int | None = None
    currency: str | None = None
    issue_date: str | None = None
    valid_until: str | None = None
    prices_include_tax: bool | None = None
    buyer_tax_id: str | None = None
    buyer_address: str | None = None
    discount_pct: DecimalStr = None
    notes: str | None = None
    terms: str | None = None
    lines: list[LineIn] | None = None


class AnswerIn(Body):
    name: str | None = None
    reason: str | None = None


def public_url(request: Request, token: str) -> str:
    base = (load_settings().public_url or str(request.base_url)).rstrip("/")
    return f"{base}/q/{token}"


def quote_out(session: Session, quote) -> dict:
    return to_json(quotes.quote_dict(session, quote))


@router.get("/quotes")
def list_quotes(p: Principal = READ, session: Session = DB, status: str | None = None,
                search: str | None = None, company_id: int | None = None,
                deal_id: int | None = None, page: int = 1, page_size: int = 25) -> dict:
    rows, total = quotes.list_quotes(session, p.workspace_id, status=status, search=search,
                                     company_id=company_id, deal_id=deal_id, page=page,
                                     page_size=page_size)
    return paged(rows, total, page, page_size)


@router.get("/quotes.csv")
def quotes_csv(p: Principal = READ, session: Session = DB) -> Response:
    """Every quote of the workspace (export.quotes_frame columns; money as decimal text)."""
    return export_response(session, p, "quotes")


@router.post("/quotes", status_code=201)
def create_quote(body: QuoteIn, p: Principal = WRITE) -> dict:
    with db.write_scope() as session:
        return quote_out(session, quotes.create_quote(session, p, dump(body)))


@router.get("/quotes/{quote_id:int}.pdf")
def quote_pdf(quote_id: int, p: Principal = READ, session: Session = DB) -> Response:
    data, name = pdf.quote_pdf(session, p.workspace_id, quote_id)
    return pdf_response(data, name)


@router.get("/quotes/{quote_id}")
def get_quote(quote_id: int, p: Principal = READ, session: Session = DB) -> dict:
    return quote_out(session, quotes.get_quote(session, p.workspace_id, quote_id))


@router.patch("/quotes/{quote_id}")
def update_quote(quote_id: int, body: QuoteIn, p: Principal = WRITE) -> dict:
    with db.write_scope() as session:
        return quote_out(session, quotes.update_quote(session, p, quote_id, dump(body)))


@router.delete("/quotes/{quote_id}", status_code=204)
def delete_quote(quote_id: int, p: Principal = WRITE, session: Session = DB) -> Response:
    quotes.delete_quote(session, p, quote_id)
    return Response(status_code=204)


@router.post("/quotes/{quote_id}/send")
def send_quote(quote_id: int, request: Request, p: Principal = WRITE) -> dict:
    with db.write_scope() as session:
        quote, token = quotes.send_quote(session, p, quote_id)
        out = quote_out(session, quote)
    out["public_url"] = public_url(request, token)
    return out


@router.post("/quotes/{quote_id}/accept")
def accept_quote(quote_id: int, body: AnswerIn | None = None, p: Principal = WRITE) -> dict:
    with db.write_scope() as session:
        name = body.name if body else None
        return quote_out(session, quote_answers.accept_quote(session, p, quote_id, name))


@router.post("/quotes/{quote_id}/decline")
def decline_quote(quote_id: int, body: AnswerIn | None = None, p: Principal = WRITE) -> dict:
    with db.write_scope() as session:
        reason = body.reason if body else None
        return quote_out(session, quote_answers.decline_quote(session, p, quote_id, reason))


@router.post("/quotes/{quote_id}/convert")
def convert_quote(quote_id: int, p: Principal = WRITE) -> dict:
    invoice_id, _created = quotes.convert_quote(p, quote_id)
    with db.session_scope() as session:
        invoice = invoices.get_invoice(session, p.workspace_id, invoice_id)
        return to_json(invoices.invoice_dict(session, invoice))


# --- outside /api/v1: the client's PDF download behind the public link -------------------

public_router = APIRouter(tags=["public"], route_class=SessionRoute)


@public_router.get("/public/quotes/{token}.pdf")
def public_quote_pdf(token: str) -> Response:
    with db.session_scope() as session:
        data, name = pdf.public_quote_pdf(session, token)
    return pdf_response(data, name, {"Cache-Control": "no-store",
                                     "Referrer-Policy": "no-referrer"})
