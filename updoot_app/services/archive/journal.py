"""The accounting journal: one CSV line per document and tax rate (invoices and
credit notes), plus one per payment or refund, over a range of days.

What an accountant imports: date, number, type (invoice, credit_note, payment,
refund), the invoice a credit note or payment refers to, the customer and its
tax ID, net, tax rate, tax, gross and currency. Amounts are the same decimal
strings as the screen, the PDF, the XML and the API (`money.money_text`, from
the documents' own per-rate figures), positive, with the type saying which way
they go. Drafts have no number and void invoices were cancelled: neither is in
it. Written through `csvio.writing.frame_to_csv_bytes` (formula-like cells
neutralised).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

import pandas as pd
from sqlmodel import Session, select

from updoot_app.models import Company, CreditNote, Invoice, Payment
from updoot_app.services.billing import credit_note_reads, documents, invoices, money
from updoot_app.services.csvio.writing import frame_to_csv_bytes
from updoot_app.services.identity.access import Principal
from updoot_app.services.platform.errors import ValidationError

COLUMNS = ["date", "number", "type", "reference", "customer", "customer_tax_id", "net",
           "tax_rate", "tax", "gross", "currency"]
TYPE_ORDER = {"invoice": 0, "credit_note": 1, "payment": 2, "refund": 3}


def clean_range(start: object, end: object) -> tuple[date | None, date | None]:
    """Inclusive days; either end may be open."""
    first = documents.clean_date(start, "from", "From") if start not in (None, "") else None
    last = documents.clean_date(end, "to", "To") if end not in (None, "") else None
    if first and last and last < first:
        raise ValidationError("to", "The end of the range is before its start.")
    return first, last


def _within(column, first: date | None, last: date | None) -> list:
    return [c for c in ((column >= first) if first else None,
                        (column <= last) if last else None) if c is not None]


def _customer(company: Company | None, invoice: Invoice) -> tuple[str, str]:
    name = company.name if company else ""
    tax_id = invoice.buyer_tax_id or ((company.tax_id or "") if company else "")
    return name, tax_id


def _tax_rows(day: date, number: str, kind: str, reference: str, customer: tuple[str, str],
              totals: money.Totals, cur: str) -> Iterator[list[str]]:
    for row in totals.taxes:
        yield [day.isoformat(), number, kind, reference, *customer,
               money.money_text(row.base, cur), money.percent_text(row.rate),
               money.money_text(row.tax, cur), money.money_text(row.base + row.tax, cur), cur]


def journal_rows(session: Session, workspace_id: int, first: date | None,
                 last: date | None) -> list[list[str]]:
    rows: list[list[str]] = []
    found = session.exec(
        select(Invoice, Company).join(Company, Company.id == Invoice.company_id, isouter=True)
        .where(Invoice.workspace_id == workspace_id, Invoice.number.is_not(None),
               Invoice.status != "void", *_within(Invoice.issue_date, first, last))).all()
    for invoice, company in found:
        totals = documents.totals_for(invoice, invoices.invoice_lines(session, invoice.id))
        rows.extend(_tax_rows(invoice.issue_date, invoice.number, "invoice", "",
                              _customer(company, invoice), totals, invoice.currency))
    notes = session.exec(
        select(CreditNote, Invoice, Company).join(Invoice, Invoice.id == CreditNote.invoice_id)
        .join(Company, Company.id == Invoice.company_id, isouter=True)
        .where(CreditNote.workspace_id == workspace_id,
               *_within(CreditNote.issue_date, first, last))).all()
    for note, invoice, company in notes:
        totals = credit_note_reads.note_totals(note, credit_note_reads.note_lines(session,
                                                                                  note.id))
        rows.extend(_tax_rows(note.issue_date, note.number, "credit_note", invoice.number,
                              _customer(company, invoice), totals, note.currency))
    payments = session.exec(
        select(Payment, Invoice, Company, CreditNote.number)
        .join(Invoice, Invoice.id == Payment.invoice_id)
        .join(Company, Company.id == Invoice.company_id, isouter=True)
        .join(CreditNote, CreditNote.id == Payment.credit_note_id, isouter=True)
        .where(Payment.workspace_id == workspace_id, *_within(Payment.paid_on, first, last))
    ).all()
    for payment, invoice, company, note_number in payments:
        cur = invoice.currency
        refund = payment.amount < 0
        rows.append([payment.paid_on.isoformat(), payment.reference,
                     "refund" if refund else "payment",
                     note_number if refund and note_number else invoice.number,
                     *_customer(company, invoice), "", "", "",
                     money.money_text(abs(payment.amount), cur), cur])
    rows.sort(key=lambda r: (r[0], TYPE_ORDER[r[2]], r[3] if r[2] in ("payment", "refund")
                             else r[1]))
    return rows


def journal_csv(session: Session, principal: Principal, start: object = None,
                end: object = None) -> bytes:
    """The journal of the caller's workspace from `start` to `end` (inclusive ISO days)."""
    principal.require("viewer")
    first, last = clean_range(start, end)
    frame = pd.DataFrame(journal_rows(session, principal.workspace_id, first, last),
                         columns=COLUMNS, dtype=object)
    return frame_to_csv_bytes(frame)


def journal_filename(principal: Principal, start: object = None, end: object = None) -> str:
    first, last = clean_range(start, end)
    span = "-".join(d.isoformat() for d in (first, last) if d) or "all"
    return f"{principal.workspace_slug}-journal-{span}.csv"
