"""Invoices: from a quote (see quotes.convert_quote) or from scratch.

* A draft has no number and can be edited or deleted.
* `send_invoice` finalises: it takes the next number (INV-2026-0001, gapless
  per workspace and year, in the same transaction as the status change) and
  locks the invoice: from then on lines, amounts and dates cannot change.
  Call it inside `db.write_scope()` (or use `finalise`, which does).
* A finalised invoice is never deleted; it can only be voided, keeping its number.
* Payments (date, amount, method, reference), partial ones too, up to the balance.
* Status: draft, sent, partially_paid, paid, void are stored; "overdue" is
  computed (sent or partially paid and past the due date).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from sqlmodel import Session, select

from updoot_app import db
from updoot_app.models import CreditNote, Invoice, InvoiceLine, Payment, Quote
from updoot_app.models.billing import PAYMENT_METHODS
from updoot_app.models.types import utcnow
from updoot_app.services.billing import documents, money, parties
from updoot_app.services.billing.credit_note_reads import Credited, credited_by_line
from updoot_app.services.billing.documents import today
from updoot_app.services.identity.access import Principal
from updoot_app.services.platform import activity
from updoot_app.services.platform.errors import ValidationError
from updoot_app.services.platform.validation import clean_text, reject_unknown
from updoot_app.services.platform.workspace_rows import get_in_workspace

FIELDS = ("company_id", "contact_id", "deal_id", "currency", "issue_date", "due_date",
          "payment_terms_days", "prices_include_tax", "buyer_tax_id", "buyer_address",
          "discount_pct", "notes", "terms", "lines")
OPEN = ("sent", "partially_paid")


def effective_status(invoice: Invoice, on: date | None = None) -> str:
    if invoice.status in OPEN and invoice.due_date < (on or today()):
        return "overdue"
    return invoice.status


def balance(invoice: Invoice) -> Decimal:
    """What the client still owes: total less credit notes less payments (net of
    refunds). Negative when a credit note leaves money to refund."""
    if invoice.status == "void":
        return money.round_money(0, invoice.currency)
    return money.round_money(invoice.total - invoice.amount_credited - invoice.amount_paid,
                             invoice.currency)


def settled_status(invoice: Invoice) -> str:
    """The stored status of a finalised invoice after a payment, refund or credit
    note: "credited" once credit notes cover its whole total, then paid /
    partially paid / sent by what is still due."""
    if invoice.total > 0 and invoice.amount_credited >= invoice.total:
        return "credited"
    if invoice.amount_paid + invoice.amount_credited >= invoice.total:
        return "paid"
    return "partially_paid" if invoice.amount_paid > 0 else "sent"


def get_invoice(session: Session, workspace_id: int, invoice_id: object, *,
                lock: bool = False) -> Invoice:
    return get_in_workspace(session, Invoice, workspace_id, invoice_id, "Invoice", "invoice_id",
                            lock=lock)


def invoice_lines(session: Session, invoice_id: int) -> list[InvoiceLine]:
    return documents.lines_of(session, InvoiceLine, InvoiceLine.invoice_id, invoice_id)


def totals_of(session: Session, invoice: Invoice) -> money.Totals:
    return documents.totals_for(invoice, invoice_lines(session, invoice.id))


def _locked(invoice: Invoice) -> None:
    if invoice.status != "draft":
        raise ValidationError("status", f"Invoice {invoice.number} is {invoice.status.replace('_', ' ')} "
                              "and locked: it can no longer be edited.")


def _replace_lines(session: Session, invoice: Invoice, lines: list[dict]) -> None:
    documents.replace_lines(session, invoice_lines(session, invoice.id),
                            [InvoiceLine(invoice_id=invoice.id, position=position, **line)
                             for position, line in enumerate(lines)])


def _dates(invoice: Invoice, fields: Mapping[str, Any]) -> None:
    """An explicit due date wins; otherwise due = issue + payment terms."""
    if "due_date" not in fields and ({"issue_date", "payment_terms_days"} & set(fields)):
        invoice.due_date = invoice.issue_date + timedelta(days=invoice.payment_terms_days)
    if invoice.due_date < invoice.issue_date:
        raise ValidationError("due_date", "The due date cannot be before the issue date.")


def create_invoice(session: Session, principal: Principal, data: Mapping[str, Any]) -> Invoice:
    """A draft invoice from scratch (no number until it is sent)."""
    principal.require("member")
    ws = principal.workspace_id
    fields = documents.clean_header(session, ws, data, FIELDS)
    lines = fields.pop("lines", [])
    fields.setdefault("currency", documents.default_currency(session, ws, fields))
    settings = documents.get_settings(session, ws)
    fields.setdefault("issue_date", today())
    fields.setdefault("payment_terms_days", settings.payment_terms_days)
    fields.setdefault("due_date", fields["issue_date"]
                      + timedelta(days=fields["payment_terms_days"]))
    invoice = Invoice(workspace_id=ws, created_by=principal.user_id, **fields)
    _dates(invoice, {})
    lines = parties.with_reverse_charge(settings, parties.buyer_dict(session, invoice), lines)
    documents.store_totals(invoice, documents.totals_for(invoice, lines))
    session.add(invoice)
    session.flush()
    _replace_lines(session, invoice, lines)
    activity.log(session, workspace_id=ws, user_id=principal.user_id, action="invoice.create",
                 entity_type="invoice", entity_id=invoice.id, summary="Created a draft invoice")
    return invoice


def update_invoice(session: Session, principal: Principal, invoice_id: object,
                   data: Mapping[str, Any]) -> Invoice:
    principal.require("member")
    ws = principal.workspace_id
    invoice = get_invoice(session, ws, invoice_id, lock=True)
    _locked(invoice)
    fields = documents.clean_header(session, ws, data, FIELDS, invoice)
    lines = fields.pop("lines", None)
    for key, value in fields.items():
        setattr(invoice, key, value)
    _dates(invoice, fields)
    lines = parties.lines_to_store(documents.get_settings(session, ws),
                                   parties.buyer_dict(session, invoice), lines, fields,
                                   lambda: documents.line_values(invoice_lines(session,
                                                                               invoice.id)))
    if lines is not None:
        _replace_lines(session, invoice, lines)
    documents.store_totals(invoice, totals_of(session, invoice))
    invoice.updated_at = utcnow()
    session.add(invoice)
    activity.log(session, workspace_id=ws, user_id=principal.user_id, action="invoice.update",
                 entity_type="invoice", entity_id=invoice.id, summary="Edited a draft invoice")
    session.flush()
    return invoice


def delete_invoice(session: Session, principal: Principal, invoice_id: object) -> None:
    """Only a draft (unnumbered) invoice can be deleted; a finalised one is voided."""
    principal.require("member")
    invoice = get_invoice(session, principal.workspace_id, invoice_id, lock=True)
    if invoice.status != "draft" or invoice.number is not None:
        raise ValidationError("status", "A finalised invoice is never deleted; void it instead.")
    if invoice.quote_id is not None:
        raise ValidationError("status", "This invoice comes from a quote; it cannot be deleted.")
    activity.log(session, workspace_id=principal.workspace_id, user_id=principal.user_id,
                 action="invoice.delete", entity_type="invoice", entity_id=invoice.id,
                 summary="Deleted a draft invoice")
    session.delete(invoice)
    session.flush()


def send_invoice(session: Session, principal: Principal, invoice_id: object) -> Invoice:
    """Finalise (number it) and mark sent; sending again changes nothing.
    Call inside `db.write_scope()`."""
    principal.require("member")
    invoice = get_invoice(session, principal.workspace_id, invoice_id, lock=True)
    if invoice.status != "draft":
        if invoice.status == "void":
            raise ValidationError("status", "A void invoice cannot be sent.")
        return invoice
    lines = invoice_lines(session, invoice.id)
    if not lines:
        raise ValidationError("lines", "Add at least one line before sending.")
    documents.store_totals(invoice, documents.totals_for(invoice, lines))
    settings = documents.get_settings(session, invoice.workspace_id)
    year = invoice.issue_date.year
    number = documents.take_number(session, invoice.workspace_id, "invoice", year)
    invoice.number = documents.format_number(settings.invoice_prefix, year, number)
    now = utcnow()
    invoice.finalised_at = now
    invoice.sent_at = now
    invoice.updated_at = now
    invoice.status = "paid" if invoice.total == 0 else "sent"
    session.add(invoice)
    activity.log(session, workspace_id=invoice.workspace_id, user_id=principal.user_id,
                 action="invoice.send", entity_type="invoice", entity_id=invoice.id,
                 summary=f"Sent invoice {invoice.number}")
    session.flush()
    return invoice


def finalise(principal: Principal, invoice_id: object) -> int:
    """`send_invoice` in its own write-locked transaction; returns the invoice id.

    It takes no session because numbering must hold the write lock from the
    counter's UPDATE to the commit (BEGIN IMMEDIATE on SQLite): a caller's
    session opened without it could interleave with another finalisation."""
    with db.write_scope() as session:
        return send_invoice(session, principal, invoice_id).id


def clean_method(raw: object) -> str:
    value = (raw or "bank_transfer") if raw is None or isinstance(raw, str) else raw
    if value not in PAYMENT_METHODS:
        raise ValidationError("method", f"Method must be one of {', '.join(PAYMENT_METHODS)}.")
    return value


def record_payment(session: Session, principal: Principal, invoice_id: object,
                   data: Mapping[str, Any]) -> Payment:
    principal.require("member")
    reject_unknown(data, {"paid_on", "amount", "method", "reference"})
    invoice = get_invoice(session, principal.workspace_id, invoice_id, lock=True)
    if invoice.status == "draft":
        raise ValidationError("status", "Send the invoice before recording a payment.")
    if invoice.status == "void":
        raise ValidationError("status", "A void invoice takes no payments.")
    due = balance(invoice)
    if invoice.status == "paid":
        raise ValidationError("amount", "This invoice is already paid in full.")
    if due <= 0:
        raise ValidationError("amount", "Nothing is due on this invoice: its credit notes "
                                        "cover it.")
    amount = money.clean_amount(data.get("amount"), "amount", "Amount", invoice.currency)
    if amount > due:
        raise ValidationError(
            "amount", f"The amount is more than the balance ({money.money_text(due, invoice.currency)}"
            f" {invoice.currency}).")
    paid_on = documents.clean_date(data["paid_on"], "paid_on", "Payment date") \
        if data.get("paid_on") not in (None, "") else today()
    payment = Payment(workspace_id=invoice.workspace_id, invoice_id=invoice.id, paid_on=paid_on,
                      amount=amount, method=clean_method(data.get("method")),
                      reference=clean_text(data.get("reference"), "reference", "Reference",
                                           max_len=200, required=False),
                      created_by=principal.user_id)
    session.add(payment)
    invoice.amount_paid = invoice.amount_paid + amount
    invoice.status = settled_status(invoice)
    invoice.updated_at = utcnow()
    session.add(invoice)
    activity.log(session, workspace_id=invoice.workspace_id, user_id=principal.user_id,
                 action="invoice.payment", entity_type="invoice", entity_id=invoice.id,
                 summary=f"Payment of {money.money_text(amount, invoice.currency)} "
                         f"{invoice.currency} on {invoice.number}")
    session.flush()
    return payment


def void_invoice(session: Session, principal: Principal, invoice_id: object,
                 reason: object = None) -> Invoice:
    """A finalised invoice becomes void and keeps its number. A draft is deleted instead;
    an invoice with payments cannot be voided."""
    principal.require("member")
    invoice = get_invoice(session, principal.workspace_id, invoice_id, lock=True)
    if invoice.status == "draft":
        raise ValidationError("status", "A draft has no number: delete it instead of voiding.")
    if invoice.status == "void":
        return invoice
    if invoice.amount_paid > 0:
        raise ValidationError("status", "This invoice has payments; it cannot be voided.")
    if invoice.amount_credited > 0:
        raise ValidationError("status", "This invoice has credit notes; it cannot be voided.")
    invoice.status = "void"
    invoice.voided_at = utcnow()
    invoice.void_reason = clean_text(reason, "reason", "Reason", max_len=500,
                                     required=False) or None
    invoice.updated_at = invoice.voided_at
    session.add(invoice)
    activity.log(session, workspace_id=invoice.workspace_id, user_id=principal.user_id,
                 action="invoice.void", entity_type="invoice", entity_id=invoice.id,
                 summary=f"Voided invoice {invoice.number}")
    session.flush()
    return invoice


# --- reads -----------------------------------------------------------------------------------

def payments_of(session: Session, invoice_id: int) -> list[Payment]:
    return list(session.exec(select(Payment).where(Payment.invoice_id == invoice_id)
                             .order_by(Payment.paid_on, Payment.id)).all())


def credit_notes_of(session: Session, invoice_id: int) -> list[CreditNote]:
    return list(session.exec(select(CreditNote).where(CreditNote.invoice_id == invoice_id)
                             .order_by(CreditNote.id)).all())


def invoice_dict(session: Session, invoice: Invoice) -> dict:
    lines = invoice_lines(session, invoice.id)
    totals = documents.totals_for(invoice, lines)
    quote = session.get(Quote, invoice.quote_id) if invoice.quote_id else None
    out = {
        "id": invoice.id, "number": invoice.number, "status": effective_status(invoice),
        "quote_id": invoice.quote_id, "quote_number": quote.number if quote else None,
        "company_id": invoice.company_id, "contact_id": invoice.contact_id,
        "deal_id": invoice.deal_id, "currency": invoice.currency,
        "issue_date": invoice.issue_date.isoformat(), "due_date": invoice.due_date.isoformat(),
        "payment_terms_days": invoice.payment_terms_days,
        "discount_pct": format(invoice.discount_pct.normalize(), "f"),
        "prices_include_tax": invoice.prices_include_tax,
        "buyer_tax_id": invoice.buyer_tax_id, "buyer_address": invoice.buyer_address,
        "buyer": parties.buyer_dict(session, invoice),
        "notes": invoice.notes, "terms": invoice.terms,
        "lines": documents.line_dicts(lines, invoice.currency, totals),
        "amount_paid": invoice.amount_paid, "amount_credited": invoice.amount_credited,
        "balance": balance(invoice),
        "locked": invoice.status != "draft",
        "sent_at": invoice.sent_at.isoformat() if invoice.sent_at else None,
        "voided_at": invoice.voided_at.isoformat() if invoice.voided_at else None,
        "void_reason": invoice.void_reason,
        "payments": [{"id": p.id, "paid_on": p.paid_on.isoformat(), "amount": p.amount,
                      "method": p.method, "reference": p.reference,
                      "credit_note_id": p.credit_note_id}
                     for p in payments_of(session, invoice.id)],
        "credit_notes": [{"id": c.id, "number": c.number, "issue_date": c.issue_date.isoformat(),
                          "total": c.total, "reason": c.reason}
                         for c in credit_notes_of(session, invoice.id)],
    }
    credited = credited_by_line(session, invoice.id)
    for line in out["lines"]:
        done = credited.get(line["id"], Credited()).quantity
        line["credited"] = format(done.normalize(), "f") if done else "0"
    out.update(documents.totals_dict(totals))
    out.update(documents.party_names(session, invoice))
    return out


def _status_where(status: object, day: date) -> list:
    if status == "overdue":
        return [Invoice.status.in_(OPEN), Invoice.due_date < day]
    if status in OPEN:
        return [Invoice.status == status, Invoice.due_date >= day]
    if status in ("draft", "paid", "credited", "void"):
        return [Invoice.status == status]
    raise ValidationError("status", "Unknown invoice status.")


def list_invoices(session: Session, workspace_id: int, *, status: object = None,
                  search: object = None, company_id: object = None, deal_id: object = None,
                  page: object = 1, page_size: object = 25) -> tuple[list[dict], int]:
    day = today()
    rows, total = documents.page_of_documents(
        session, Invoice, workspace_id, _status_where, day, status=status, search=search,
        company_id=company_id, deal_id=deal_id, page=page, page_size=page_size)
    return [{"id": i.id, "number": i.number or "Draft", "status": effective_status(i, day),
             "company_id": i.company_id, "company_name": name or "", "currency": i.currency,
             "issue_date": i.issue_date.isoformat(), "due_date": i.due_date.isoformat(),
             "total": i.total, "balance": balance(i)} for i, name in rows], total
