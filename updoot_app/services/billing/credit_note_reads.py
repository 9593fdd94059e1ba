"""Reading credit notes: what is already credited of each invoice line, one
credit note as a dict (screen, PDF, XML and API), and the list."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import func
from sqlmodel import Session, select

from updoot_app.models import Company, CreditNote, CreditNoteLine, Invoice, Payment
from updoot_app.models.types import money_from_db
from updoot_app.services.billing import documents, money, parties
from updoot_app.services.platform.validation import clean_paging, clean_ref
from updoot_app.services.platform.workspace_rows import get_in_workspace


@dataclass(frozen=True)
class Credited:
    """How much of one invoice line its credit notes took so far."""

    quantity: Decimal = Decimal(0)
    net: Decimal = Decimal(0)
    tax: Decimal = Decimal(0)


def credited_by_line(session: Session, invoice_id: int) -> dict[int, Credited]:
    rows = session.exec(
        select(CreditNoteLine.invoice_line_id, func.sum(CreditNoteLine.quantity),
               func.sum(CreditNoteLine.net), func.sum(CreditNoteLine.tax))
        .join(CreditNote, CreditNote.id == CreditNoteLine.credit_note_id)
        .where(CreditNote.invoice_id == invoice_id)
        .group_by(CreditNoteLine.invoice_line_id)).all()
    return {line_id: Credited(*(_money_sum(v) for v in sums)) for line_id, *sums in rows}


def _money_sum(raw) -> Decimal:
    """A SUM over a Money column (typed on some drivers, raw ten-thousandths on others)."""
    if raw is None:
        return Decimal(0)
    return raw if isinstance(raw, Decimal) else money_from_db(raw)


def note_lines(session: Session, credit_note_id: int) -> list[CreditNoteLine]:
    return documents.lines_of(session, CreditNoteLine, CreditNoteLine.credit_note_id,
                              credit_note_id)


def credited_amounts(net: Decimal, tax: Decimal, tax_rate: Decimal) -> money.LineAmounts:
    """A credit-note line's amounts: it credits a net and its tax (the invoice's
    discounts are already inside the net), so its gross is its net."""
    return money.LineAmounts(gross=net, discount=Decimal(0), net=net, tax=tax,
                             tax_rate=Decimal(tax_rate).normalize())


def note_totals(note: CreditNote, lines: list[CreditNoteLine]) -> money.Totals:
    """A credit note's totals from the amounts stored on its lines."""
    return money.totals_of_amounts([credited_amounts(line.net, line.tax, line.tax_rate)
                                    for line in lines], note.currency)


def get_credit_note(session: Session, workspace_id: int, credit_note_id: object, *,
                    lock: bool = False) -> CreditNote:
    return get_in_workspace(session, CreditNote, workspace_id, credit_note_id, "Credit note",
                            "credit_note_id", lock=lock)


def credit_note_by_id(session: Session, workspace_id: int, credit_note_id: object) -> dict:
    return credit_note_dict(session, get_credit_note(session, workspace_id, credit_note_id))


def credit_note_dict(session: Session, note: CreditNote) -> dict:
    invoice = session.get(Invoice, note.invoice_id)
    lines = note_lines(session, note.id)
    totals = note_totals(note, lines)
    refunds = session.exec(select(Payment).where(Payment.credit_note_id == note.id)
                           .order_by(Payment.paid_on, Payment.id)).all()
    out = {
        "id": note.id, "number": note.number, "status": "issued",
        "invoice_id": note.invoice_id, "invoice_number": invoice.number,
        "invoice_issue_date": invoice.issue_date.isoformat(),
        "company_id": invoice.company_id, "contact_id": invoice.contact_id,
        "deal_id": invoice.deal_id, "currency": note.currency,
        "issue_date": note.issue_date.isoformat(), "reason": note.reason,
        "prices_include_tax": invoice.prices_include_tax,
        "buyer": parties.buyer_dict(session, invoice),
        "lines": documents.line_dicts(lines, note.currency, totals),
        "amount_refunded": note.amount_refunded,
        "refunds": [{"id": r.id, "paid_on": r.paid_on.isoformat(), "amount": -r.amount,
                     "method": r.method, "reference": r.reference} for r in refunds],
    }
    for line, stored in zip(out["lines"], lines, strict=True):
        line["invoice_line_id"] = stored.invoice_line_id
    out.update(documents.totals_dict(totals))
    out.update(documents.party_names(session, invoice))
    return out


def list_credit_notes(session: Session, workspace_id: int, *, invoice_id: object = None,
                      page: object = 1, page_size: object = 25) -> tuple[list[dict], int]:
    page_n, size = clean_paging(page, page_size)
    query = (select(CreditNote, Invoice.number, Company.name)
             .join(Invoice, Invoice.id == CreditNote.invoice_id)
             .join(Company, Company.id == Invoice.company_id, isouter=True)
             .where(CreditNote.workspace_id == workspace_id))
    if invoice_id not in (None, ""):
        query = query.where(CreditNote.invoice_id == clean_ref(invoice_id, "invoice_id",
                                                                 "Invoice"))
    total = session.exec(select(func.count()).select_from(query.subquery())).one()
    rows = session.exec(query.order_by(CreditNote.id.desc()).offset((page_n - 1) * size)
                        .limit(size)).all()
    return [{"id": n.id, "number": n.number, "invoice_id": n.invoice_id,
             "invoice_number": number, "company_name": name or "", "currency": n.currency,
             "issue_date": n.issue_date.isoformat(), "reason": n.reason, "total": n.total,
             "amount_refunded": n.amount_refunded} for n, number, name in rows], total
