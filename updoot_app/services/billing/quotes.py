"""Quotes: draft → sent → accepted / declined / expired → converted.

* Numbered per workspace at creation (e.g. Q-2026-0001, prefix configurable);
  call `create_quote` inside `db.write_scope()`.
* Only a draft can be edited. Sending creates the public link: an unguessable
  token shown once, stored as its SHA-256 (`public_token_hash`); sending again
  replaces the link.
* "expired" is computed: a sent quote whose valid-until date has passed.
* The client accepts (typed name) or declines through the public link; a
  member can also record the answer (API /accept). Accepting moves the deal
  to the first "won" stage when the workspace setting `win_deal_on_accept`
  is on (the default).
* `convert_quote` turns an accepted quote into exactly one invoice, whatever
  happens: the quote row is locked (BEGIN IMMEDIATE / SELECT … FOR UPDATE),
  a converted quote returns its invoice, and `invoices.quote_id` is unique.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import func
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from updoot_app import db
from updoot_app.models import Invoice, InvoiceLine, Quote, QuoteLine, Stage, Workspace
from updoot_app.models.types import utcnow
from updoot_app.services.billing import documents, money
from updoot_app.services.identity.access import Principal
from updoot_app.services.platform import activity
from updoot_app.services.platform.errors import NotFound, ValidationError
from updoot_app.services.platform.rows import get_in_workspace
from updoot_app.services.platform.security import new_token, token_hash
from updoot_app.services.platform.validation import (
    clean_currency,
    clean_long_text,
    clean_paging,
    clean_ref,
    clean_search,
    clean_text,
    reject_unknown,
)

FIELDS = ("company_id", "contact_id", "deal_id", "currency", "issue_date", "valid_until",
          "discount_pct", "notes", "terms", "lines")
DEFAULT_VALID_DAYS = 30
TOKEN_PREFIX = "q_"


def today() -> date:
    return utcnow().date()


def effective_status(quote: Quote, on: date | None = None) -> str:
    if quote.status == "sent" and quote.valid_until < (on or today()):
        return "expired"
    return quote.status


def get_quote(session: Session, workspace_id: int, quote_id: object, *,
              lock: bool = False) -> Quote:
    return get_in_workspace(session, Quote, workspace_id, quote_id, "Quote", "quote_id",
                            lock=lock)


def quote_lines(session: Session, quote_id: int) -> list[QuoteLine]:
    return list(session.exec(select(QuoteLine).where(QuoteLine.quote_id == quote_id)
                             .order_by(QuoteLine.position, QuoteLine.id)).all())


def totals_of(session: Session, quote: Quote) -> money.Totals:
    return money.document_totals(quote_lines(session, quote.id), quote.currency,
                                 quote.discount_pct)


def _store_totals(quote: Quote, totals: money.Totals) -> None:
    quote.subtotal = totals.subtotal
    quote.discount_total = totals.discount_total
    quote.tax_total = totals.tax_total
    quote.total = totals.total


def _clean(session: Session, quote: Quote | None, workspace_id: int,
           data: Mapping[str, Any]) -> dict:
    reject_unknown(data, FIELDS)
    current = None if quote is None else {"company_id": quote.company_id,
                                          "contact_id": quote.contact_id,
                                          "deal_id": quote.deal_id}
    out: dict[str, Any] = documents.clean_party(session, workspace_id, data, current)
    if "currency" in data:
        out["currency"] = clean_currency(data["currency"])
    if data.get("issue_date") not in (None, ""):
        out["issue_date"] = documents.clean_date(data["issue_date"], "issue_date",
                                                    "Issue date")
    if data.get("valid_until") not in (None, ""):
        out["valid_until"] = documents.clean_date(data["valid_until"], "valid_until",
                                                     "Valid until")
    if "discount_pct" in data:
        out["discount_pct"] = money.clean_percent(data["discount_pct"], "discount_pct",
                                                  "Document discount", default=Decimal(0))
    if "notes" in data:
        out["notes"] = clean_long_text(data["notes"], "notes", "Notes", 5000)
    if "terms" in data:
        out["terms"] = clean_long_text(data["terms"], "terms", "Terms", 5000)
    if "lines" in data:
        out["lines"] = documents.clean_lines(session, workspace_id, data["lines"])
    return out


def _replace_lines(session: Session, quote: Quote, lines: list[dict]) -> None:
    for old in quote_lines(session, quote.id):
        session.delete(old)
    session.flush()
    for position, line in enumerate(lines):
        session.add(QuoteLine(quote_id=quote.id, position=position, **line))
    session.flush()


def _check_dates(quote: Quote) -> None:
    if quote.valid_until < quote.issue_date:
        raise ValidationError("valid_until", "Valid until cannot be before the issue date.")


def create_quote(session: Session, principal: Principal, data: Mapping[str, Any]) -> Quote:
    """A numbered draft quote. Call inside `db.write_scope()` (numbering)."""
    principal.require("member")
    ws = principal.workspace_id
    fields = _clean(session, None, ws, data)
    lines = fields.pop("lines", [])
    fields.setdefault("currency", documents.default_currency(session, ws, fields))
    issue = fields.pop("issue_date", today())
    valid = fields.pop("valid_until", issue + timedelta(days=DEFAULT_VALID_DAYS))
    settings = documents.get_settings(session, ws)
    totals = money.document_totals(lines, fields["currency"],
                                   fields.get("discount_pct", Decimal(0)))
    quote = Quote(workspace_id=ws, number="", issue_date=issue, valid_until=valid,
                  created_by=principal.user_id, **fields)
    _check_dates(quote)
    number = documents.take_number(session, ws, "quote", issue.year)
    quote.number = documents.format_number(settings.quote_prefix, issue.year, number)
    _store_totals(quote, totals)
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
    fields = _clean(session, quote, ws, data)
    lines = fields.pop("lines", None)
    for key, value in fields.items():
        setattr(quote, key, value)
    _check_dates(quote)
    if lines is not None:
        _replace_lines(session, quote, lines)
    _store_totals(quote, totals_of(session, quote))
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


def _answerable(quote: Quote) -> None:
    status = effective_status(quote)
    if status == "expired":
        raise ValidationError("status", "This quote has expired.")
    if status != "sent":
        raise ValidationError("status", f"This quote is {status.replace('_', ' ')}; "
                              "it can no longer be answered.")


def _win_deal(session: Session, quote: Quote, user_id: int | None) -> None:
    from updoot_app.services.crm import deals

    settings = documents.get_settings(session, quote.workspace_id)
    if not settings.win_deal_on_accept or quote.deal_id is None:
        return
    won = session.exec(select(Stage).where(Stage.workspace_id == quote.workspace_id,
                                           Stage.kind == "won")
                       .order_by(Stage.position)).first()
    if won is None:
        return
    ws = session.get(Workspace, quote.workspace_id)
    actor = Principal(user_id=user_id, email="", name="", workspace_id=ws.id,
                      workspace_name=ws.name, workspace_slug=ws.slug, role="member")
    deals.move_stage(session, actor, quote.deal_id, won.id)


def _accept(session: Session, quote: Quote, name: str, user_id: int | None) -> Quote:
    _answerable(quote)
    quote.status = "accepted"
    quote.accepted_at = utcnow()
    quote.accepted_by_name = name
    quote.updated_at = quote.accepted_at
    session.add(quote)
    activity.log(session, workspace_id=quote.workspace_id, user_id=user_id,
                 action="quote.accept", entity_type="quote", entity_id=quote.id,
                 summary=f"Quote {quote.number} accepted by {name}")
    _win_deal(session, quote, user_id)
    session.flush()
    return quote


def _decline(session: Session, quote: Quote, reason: str, user_id: int | None) -> Quote:
    _answerable(quote)
    quote.status = "declined"
    quote.declined_at = utcnow()
    quote.decline_reason = reason or None
    quote.updated_at = quote.declined_at
    session.add(quote)
    activity.log(session, workspace_id=quote.workspace_id, user_id=user_id,
                 action="quote.decline", entity_type="quote", entity_id=quote.id,
                 summary=f"Quote {quote.number} declined")
    session.flush()
    return quote


def clean_signer(raw: object) -> str:
    return clean_text(raw, "name", "Your name", max_len=200)


def accept_quote(session: Session, principal: Principal, quote_id: object,
                 name: object = None) -> Quote:
    """A member records the client's acceptance (e.g. signed on paper)."""
    principal.require("member")
    quote = get_quote(session, principal.workspace_id, quote_id, lock=True)
    signer = clean_signer(name) if name not in (None, "") else principal.name or principal.email
    return _accept(session, quote, signer, principal.user_id)


def decline_quote(session: Session, principal: Principal, quote_id: object,
                  reason: object = None) -> Quote:
    principal.require("member")
    quote = get_quote(session, principal.workspace_id, quote_id, lock=True)
    return _decline(session, quote, clean_long_text(reason, "reason", "Reason", 1000),
                    principal.user_id)


# --- the public link ------------------------------------------------------------------------

def quote_by_token(session: Session, token: object, *, lock: bool = False) -> Quote:
    """The quote behind a public token; anything else (bad token, draft, no
    longer linked) is NotFound."""
    if not isinstance(token, str) or not token.startswith(TOKEN_PREFIX) \
            or not 20 <= len(token) <= 100:
        raise NotFound("Quote")
    query = select(Quote).where(Quote.public_token_hash == token_hash(token))
    if lock:
        query = query.with_for_update().execution_options(populate_existing=True)
    quote = session.exec(query).first()
    if quote is None or quote.status == "draft":
        raise NotFound("Quote")
    return quote


def public_accept(session: Session, token: object, name: object) -> Quote:
    signer = clean_signer(name)
    return _accept(session, quote_by_token(session, token, lock=True), signer, None)


def public_decline(session: Session, token: object, reason: object = None) -> Quote:
    text = clean_long_text(reason, "reason", "Reason", 1000)
    return _decline(session, quote_by_token(session, token, lock=True), text, None)


def public_view(session: Session, token: object) -> dict:
    """What the client sees: the quote, its lines and totals, the sender's name.
    No ids, no internal notes."""
    quote = quote_by_token(session, token)
    data = quote_dict(session, quote)
    ws = session.get(Workspace, quote.workspace_id)
    keep = ("number", "status", "currency", "issue_date", "valid_until", "discount_pct",
            "terms", "notes", "subtotal", "discount_total", "net_total", "tax_total", "total",
            "taxes", "lines", "company_name", "contact_name", "accepted_by_name")
    out = {k: data[k] for k in keep}
    out["lines"] = [{k: v for k, v in line.items() if k not in ("id", "product_id", "position")}
                    for line in out["lines"]]
    out["workspace_name"] = ws.name
    return out


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
        subtotal=quote.subtotal, discount_total=quote.discount_total,
        tax_total=quote.tax_total, total=quote.total, created_by=principal.user_id)
    session.add(invoice)
    session.flush()
    for line in quote_lines(session, quote.id):
        session.add(InvoiceLine(invoice_id=invoice.id, position=line.position,
                                product_id=line.product_id, description=line.description,
                                unit=line.unit, quantity=line.quantity,
                                unit_price=line.unit_price, discount_pct=line.discount_pct,
                                tax_rate=line.tax_rate))
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
    Double clicks, two tabs and API retries all get the same invoice."""
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
    totals = money.document_totals(lines, quote.currency, quote.discount_pct)
    invoice = _invoice_of(session, quote.id)
    out = {
        "id": quote.id, "number": quote.number, "status": effective_status(quote),
        "company_id": quote.company_id, "contact_id": quote.contact_id,
        "deal_id": quote.deal_id, "currency": quote.currency,
        "issue_date": quote.issue_date.isoformat(),
        "valid_until": quote.valid_until.isoformat(),
        "discount_pct": format(quote.discount_pct.normalize(), "f"),
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


def list_quotes(session: Session, workspace_id: int, *, status: object = None,
                search: object = None, company_id: object = None, deal_id: object = None,
                page: object = 1, page_size: object = 25) -> tuple[list[dict], int]:
    from updoot_app.models import Company

    page_n, size = clean_paging(page, page_size)
    query = (select(Quote, Company.name).join(Company, Company.id == Quote.company_id,
                                               isouter=True)
             .where(Quote.workspace_id == workspace_id))
    day = today()
    if status not in (None, ""):
        if status == "expired":
            query = query.where(Quote.status == "sent", Quote.valid_until < day)
        elif status == "sent":
            query = query.where(Quote.status == "sent", Quote.valid_until >= day)
        elif status in ("draft", "accepted", "declined", "converted"):
            query = query.where(Quote.status == status)
        else:
            raise ValidationError("status", "Unknown quote status.")
    if company_id not in (None, ""):
        query = query.where(Quote.company_id == clean_ref(company_id, "company_id", "Company"))
    if deal_id not in (None, ""):
        query = query.where(Quote.deal_id == clean_ref(deal_id, "deal_id", "Deal"))
    term = clean_search(search)
    if term:
        from updoot_app.services.platform.sql import like_pattern

        pattern = like_pattern(term.lower())
        query = query.where(func.lower(Quote.number).like(pattern, escape="\\")
                            | func.lower(Company.name).like(pattern, escape="\\"))
    total = session.exec(select(func.count()).select_from(query.subquery())).one()
    rows = session.exec(query.order_by(Quote.id.desc()).offset((page_n - 1) * size)
                        .limit(size)).all()
    return [{"id": q.id, "number": q.number, "status": effective_status(q, day),
             "company_id": q.company_id, "company_name": name or "", "currency": q.currency,
             "issue_date": q.issue_date.isoformat(), "valid_until": q.valid_until.isoformat(),
             "total": q.total} for q, name in rows], total
