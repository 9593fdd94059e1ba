"""Quotes: draft → sent → accepted / declined / expired → converted.

* Numbered per workspace at creation (e.g. Q-2026-0001, prefix configurable);
  call `create_quote` inside `db.write_scope()`.
* Only a draft can be edited. Sending creates the public link: an unguessable
  token shown once, stored as its SHA-256 (`public_token_hash`); sending again
  replaces the link.
* "expired" is computed: a sent quote whose valid-until date has passed.
* The client's answer (accept, decline), through the public link or recorded
  by a member, is in quote_answers.py.
* `convert_quote` turns an accepted quote into exactly one invoice, whatever
  happens: the quote row is locked (BEGIN IMMEDIATE / SELECT … FOR UPDATE),
  a converted quote returns its invoice, and `invoices.quote_id` is unique.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, timedelta
from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from updoot_app import db
from updoot_app.models import Invoice, InvoiceLine, Quote, QuoteLine
from updoot_app.models.types import utcnow
from updoot_app.services.billing import documents, money, parties
from updoot_app.services.billing.documents import today
from updoot_app.services.identity.access import Principal
from updoot_app.services.platform import activity
from updoot_app.services.platform.errors import ValidationError
from updoot_app.services.platform.security import new_token, token_hash
from updoot_app.services.platform.workspace_rows import get_in_workspace

FIELDS = ("company_id", "contact_id", "deal_id", "currency", "issue_date", "valid_until",
          "prices_include_tax", "buyer_tax_id", "buyer_address", "discount_pct", "notes", "terms",
          "lines")
DEFAULT_VALID_DAYS = 30
TOKEN_PREFIX = "q_"


def effective_status(quote: Quote, on: date | None = None) -> str:
    if quote.status == "sent" and quote.valid_until < (on or today()):
        return "expired"
    return quote.status


def get_quote(session: Session, workspace_id: int, quote_id: object, *,
              lock: bool = False) -> Quote:
    return get_in_workspace(session, Quote, workspace_id, quote_id, "Quote", "quote_id",
                            lock=lock)


def quote_lines(session: Session, quote_id: int) -> list[QuoteLine]:
    return documents.lines_of(session, QuoteLine, QuoteLine.quote_id, quote_id)


def totals_of(session: Session, quote: Quote) -> money.Totals:
    return documents.totals_for(quote, quote_lines(session, quote.id))


def _replace_lines(session: Session, quote: Quote, lines: list[dict]) -> None:
    documents.replace_lines(session, quote_lines(session, quote.id),
                            [QuoteLine(quote_id=quote.id, position=position, **line)
                             for position, line in enumerate(lines)])


def _check_dates(quote: Quote) -> None:
    if quote.valid_until < quote.issue_date:
        raise ValidationError("valid_until", "Valid until cannot be before the issue date.")


def create_quote(session: Session, principal: Principal, data: Mapping[str, Any]) -> Quote:
    """A numbered draft quote. Call inside `db.write_scope()` (numbering)."""
    principal.require("member")
    ws = principal.workspace_id
    fields = documents.clean_header(session, ws, data, FIELDS)
    lines = fields.pop("lines", [])
    fields.setdefault("currency", documents.default_currency(session, ws, fields))
    issue = fields.pop("issue_date", today())
    valid = fields.pop("valid_until", issue + timedelta(days=DEFAULT_VALID_DAYS))
    settings = documents.get_settings(session, ws)
    quote = Quote(workspace_id=ws, number="", issue_date=issue, valid_until=valid,
                  created_by=principal.user_id, **fields)
    _check_dates(quote)
    lines = parties.with_reverse_charge(settings, parties.buyer_dict(session, quote), lines)
    totals = documents.totals_for(quote, lines)
    number = documents.take_number(session, ws, "quote", issue.year)
    quote.number = documents.format_number(settings.quote_prefix, issue.year, number)
    documents.store_totals(quote, totals)
    session.add(quote)
    session.flush()
    _replace_lines(session, quote, lines)
    activity.log(session, workspace_id=ws, user_id=principal.user_id, action="quote.create",
                 entity_type="quote", entity_id=quote.id, summary=f"Created quote {quote.number}")
    return quote


def update_quote(session: Session, principal: Principal, quote_id: object,
                 data: Mapping[str, Any]) -> Quote:
    principal.require("member")
    ws = principal.workspace_id
    quote = get_quote(session, ws, quote_id)
    if quote.status != "draft":
        raise ValidationError("status", "Only a draft quote can be edited.")
    fields = documents.clean_header(session, ws, data, FIELDS, quote)
    lines = fields.pop("lines", None)
    for key, value in fields.items():
        setattr(quote, key, value)
    _check_dates(quote)
    lines = parties.lines_to_store(documents.get_settings(session, ws),
                                   parties.buyer_dict(session, quote), lines, fields,
                                   lambda: documents.line_values(quote_lines(session, quote.id)))
    if lines is not None:
        _replace_lines(session, quote, lines)
    documents.store_totals(quote, totals_of(session, quote))
    quote.updated_at = utcnow()
    session.add(quote)
    activity.log(session, workspace_id=ws, user_id=principal.user_id, action="quote.update",
                 entity_type="quote", entity_id=quote.id, summary=f"Edited quote {quote.number}",
                 detail={"fields": sorted(set(fields) | ({"lines"} if lines is not None
                                                         else set()))})
    session.flush()
    return quote


def delete_quote(session: Session, principal: Principal, quote_id: object) -> None:
    """Only a draft quote can be deleted (its number is not reused)."""
    principal.require("member")
    quote = get_quote(session, principal.workspace_id, quote_id)
    if quote.status != "draft":
        raise ValidationError("status", "Only a draft quote can be deleted.")
    activity.log(session, workspace_id=principal.workspace_id, user_id=principal.user_id,
                 action="quote.delete", entity_type="quote", entity_id=quote.id,
                 summary=f"Deleted draft quote {quote.number}")
    session.delete(quote)
    session.flush()


def send_quote(session: Session, principal: Principal, quote_id: object) -> tuple[Quote, str]:
    """Mark sent and make a new public link; returns (quote, raw token).
    The raw token is shown once; only its hash is stored."""
    principal.require("member")
    quote = get_quote(session, principal.workspace_id, quote_id, lock=True)
    status = effective_status(quote)
    if status not in ("draft", "sent", "expired"):
        raise ValidationError("status", f"A quote that is {status} cannot be sent.")
    if not quote_lines(session, quote.id):
        raise ValidationError("lines", "Add at least one line before sending.")
    if quote.valid_until < today():
        raise ValidationError("valid_until", "The quote has expired: change its valid-until "
                              "date first." if quote.status == "draft" else
                              "This quote has expired.")
    token = new_token(TOKEN_PREFIX)
    quote.public_token_hash = token_hash(token)
    quote.status = "sent"
    quote.sent_at = utcnow()
    quote.updated_at = quote.sent_at
    session.add(quote)
    activity.log(session, workspace_id=principal.workspace_id, user_id=principal.user_id,
                 action="quote.send", entity_type="quote", entity_id=quote.id,
                 summary=f"Sent quote {quote.number}")
    session.flush()
    return quote, token


# --- conversion ---------------------------------------------------------------------------

def _invoice_of(session: Session, quote_id: int) -> Invoice | None:
    return session.exec(select(Invoice).where(Invoice.quote_id == quote_id)).first()


def _convert(session: Session, principal: Principal, quote_id: object) -> tuple[Invoice, bool]:
    quote = get_quote(session, principal.workspace_id, quote_id, lock=True)
    existing = _invoice_of(session, quote.id)
    if existing is not None:
        return existing, False
    if quote.status != "accepted":
        raise ValidationError("status", "Only an accepted quote can be turned into an invoice.")
    settings = documents.get_settings(session, quote.workspace_id)
    issue = today()
    invoice = Invoice(
        workspace_id=quote.workspace_id, quote_id=quote.id, company_id=quote.company_id,
        contact_id=quote.contact_id, deal_id=quote.deal_id, currency=quote.currency,
        issue_date=issue, payment_terms_days=settings.payment_terms_days,
        due_date=issue + timedelta(days=settings.payment_terms_days),
        discount_pct=quote.discount_pct, notes=quote.notes, terms=quote.terms,
        prices_include_tax=quote.prices_include_tax, buyer_tax_id=quote.buyer_tax_id,
        buyer_address=quote.buyer_address,
        subtotal=quote.subtotal, discount_total=quote.discount_total,
        tax_total=quote.tax_total, total=quote.total, created_by=principal.user_id)
    session.add(invoice)
    session.flush()
    for line in quote_lines(session, quote.id):
        session.add(InvoiceLine(invoice_id=invoice.id, position=line.position,
                                product_id=line.product_id, description=line.description,
                                unit=line.unit, quantity=line.quantity,
                                unit_price=line.unit_price, discount_pct=line.discount_pct,
                                tax_rate=line.tax_rate, tax_reason=line.tax_reason))
    quote.status = "converted"
    quote.converted_at = utcnow()
    quote.updated_at = quote.converted_at
    session.add(quote)
    activity.log(session, workspace_id=quote.workspace_id, user_id=principal.user_id,
                 action="quote.convert", entity_type="quote", entity_id=quote.id,
                 summary=f"Quote {quote.number} converted to an invoice",
                 detail={"invoice_id": invoice.id})
    session.flush()
    return invoice, True


def convert_quote(principal: Principal, quote_id: object) -> tuple[int, bool]:
    """Convert in its own locked transaction; returns (invoice id, created now).
    Double clicks, two tabs and API retries all get the same invoice.

    It takes no session because it must own its transaction: the check for an
    existing invoice and the insert run under the write lock (BEGIN IMMEDIATE
    on SQLite, the quote's row lock on PostgreSQL), and when the unique
    quote_id still fires, the answer is read in a fresh transaction, which a
    caller's failed one could not give."""
    principal.require("member")
    try:
        with db.write_scope() as session:
            invoice, created = _convert(session, principal, quote_id)
            return invoice.id, created
    except IntegrityError:
        # Another transaction converted it between our check and our insert
        # (the unique quote_id caught it): answer with that invoice.
        with db.session_scope() as session:
            quote = get_quote(session, principal.workspace_id, quote_id)
            existing = _invoice_of(session, quote.id)
            if existing is None:  # pragma: no cover - the constraint fired for a reason
                raise
            return existing.id, False


# --- reads -----------------------------------------------------------------------------------

def quote_dict(session: Session, quote: Quote) -> dict:
    lines = quote_lines(session, quote.id)
    totals = documents.totals_for(quote, lines)
    invoice = _invoice_of(session, quote.id)
    out = {
        "id": quote.id, "number": quote.number, "status": effective_status(quote),
        "company_id": quote.company_id, "contact_id": quote.contact_id,
        "deal_id": quote.deal_id, "currency": quote.currency,
        "issue_date": quote.issue_date.isoformat(),
        "valid_until": quote.valid_until.isoformat(),
        "discount_pct": format(quote.discount_pct.normalize(), "f"),
        "prices_include_tax": quote.prices_include_tax,
        "buyer_tax_id": quote.buyer_tax_id, "buyer_address": quote.buyer_address,
        "buyer": parties.buyer_dict(session, quote),
        "notes": quote.notes, "terms": quote.terms,
        "lines": documents.line_dicts(lines, quote.currency, totals),
        "sent_at": quote.sent_at.isoformat() if quote.sent_at else None,
        "accepted_at": quote.accepted_at.isoformat() if quote.accepted_at else None,
        "accepted_by_name": quote.accepted_by_name,
        "declined_at": quote.declined_at.isoformat() if quote.declined_at else None,
        "invoice_id": invoice.id if invoice else None,
        "has_public_link": quote.public_token_hash is not None,
    }
    out.update(documents.totals_dict(totals))
    out.update(documents.party_names(session, quote))
    return out


def _status_where(status: object, day: date) -> list:
    if status == "expired":
        return [Quote.status == "sent", Quote.valid_until < day]
    if status == "sent":
        return [Quote.status == "sent", Quote.valid_until >= day]
    if status in ("draft", "accepted", "declined", "converted"):
        return [Quote.status == status]
    raise ValidationError("status", "Unknown quote status.")


def list_quotes(session: Session, workspace_id: int, *, status: object = None,
                search: object = None, company_id: object = None, deal_id: object = None,
                page: object = 1, page_size: object = 25) -> tuple[list[dict], int]:
    day = today()
    rows, total = documents.page_of_documents(
        session, Quote, workspace_id, _status_where, day, status=status, search=search,
        company_id=company_id, deal_id=deal_id, page=page, page_size=page_size)
    return [{"id": q.id, "number": q.number, "status": effective_status(q, day),
             "company_id": q.company_id, "company_name": name or "", "currency": q.currency,
             "issue_date": q.issue_date.isoformat(), "valid_until": q.valid_until.isoformat(),
             "total": q.total} for q, name in rows], total
