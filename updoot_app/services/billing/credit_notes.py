"""Credit notes: crediting all or some lines of a finalised invoice, and refunds.

A finalised invoice is never edited or deleted: what was billed wrongly or
returned is credited. A credit note is a document of its own, with its own
gapless series (billing settings' credit-note prefix, CN-2026-0001), against
one invoice; it lowers the invoice's balance, and the invoice becomes
"credited" once its credit notes cover its whole total. Money paid back to the
client is a refund: a negative payment on the credit note.

Each invoice line can be credited up to the quantity not yet credited. The
amounts of a credit-note line are fixed (stored) when it is issued, with the
invoice's own rules (`money.line_amounts`, its document discount, its price
mode); the piece that credits the last of a line takes exactly what is left of
that line's net and tax, so the credit notes of an invoice add up to its
total to the cent however its lines were split.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from sqlmodel import Session

from updoot_app import db
from updoot_app.models import CreditNote, CreditNoteLine, Invoice, InvoiceLine, Payment
from updoot_app.services.billing import documents, invoices, money
from updoot_app.services.billing.credit_note_reads import (
    Credited,
    credited_amounts,
    credited_by_line,
    get_credit_note,
)
from updoot_app.services.billing.documents import today
from updoot_app.services.identity.access import Principal
from updoot_app.services.platform import activity
from updoot_app.services.platform.errors import ValidationError
from updoot_app.services.platform.validation import clean_text, reject_unknown

COUNTER_KIND = "credit"  # document_counters.kind (at most 10 characters)


# --- what to credit ---------------------------------------------------------------------------

def _quantity_text(value: Decimal) -> str:
    return format(value.normalize(), "f")


def _wanted(data: Mapping[str, Any], lines: list[InvoiceLine],
            credited: dict[int, Credited]) -> list[tuple[InvoiceLine, Decimal]]:
    """(invoice line, quantity) pairs asked for: every line's uncredited rest
    with `"all": true`, else the listed lines, each within what is left."""
    left = {line.id: line.quantity - credited.get(line.id, Credited()).quantity
            for line in lines}
    every = data.get("all", False)
    if not isinstance(every, bool):
        raise ValidationError("all", "Must be true or false.")
    if every:
        if data.get("lines"):
            raise ValidationError("lines", "Send either all or lines, not both.")
        wanted = [(line, left[line.id]) for line in lines if left[line.id] > 0]
        if not wanted:
            raise ValidationError("all", "Everything on this invoice is already credited.")
        return wanted
    raw = data.get("lines")
    if not isinstance(raw, list | tuple) or not raw:
        raise ValidationError("lines", "Choose at least one line to credit.")
    if len(raw) > documents.MAX_LINES:
        raise ValidationError("lines", f"At most {documents.MAX_LINES} lines per credit note.")
    by_id = {line.id: line for line in lines}
    wanted, seen = [], set()
    for i, item in enumerate(raw):
        where = f"lines.{i}"
        if not isinstance(item, Mapping):
            raise ValidationError(where, f"Line {i + 1} must be an object.")
        reject_unknown({f"{where}.{k}": v for k, v in item.items()},
                       {f"{where}.invoice_line_id", f"{where}.quantity"})
        try:
            line_id = int(str(item.get("invoice_line_id")))
        except ValueError:
            line_id = None
        line = by_id.get(line_id)
        if line is None:
            raise ValidationError(f"{where}.invoice_line_id",
                                  f"Line {i + 1}: not a line of this invoice.")
        if line.id in seen:
            raise ValidationError(f"{where}.invoice_line_id",
                                  f"Line {i + 1}: \"{line.description}\" is listed twice.")
        seen.add(line.id)
        try:
            quantity = money.clean_quantity(item.get("quantity"), "quantity")
        except ValidationError as exc:
            raise ValidationError(f"{where}.quantity", f"Line {i + 1}: {exc.message}") from None
        if quantity > left[line.id]:
            rest = _quantity_text(left[line.id])
            raise ValidationError(
                f"{where}.quantity",
                f"Line {i + 1} (\"{line.description}\"): only {rest} of "
                f"{_quantity_text(line.quantity)} is left to credit." if left[line.id] > 0
                else f"Line {i + 1} (\"{line.description}\") is already credited in full.")
        wanted.append((line, quantity))
    return wanted


def _amounts(invoice: Invoice, line: InvoiceLine, quantity: Decimal,
             done: Credited) -> money.LineAmounts:
    """The amounts of crediting `quantity` of `line`; the last piece of a line
    takes what is left of it, so a line credited in pieces adds up exactly."""
    def of(q: Decimal) -> money.LineAmounts:
        return money.line_amounts(q, line.unit_price, line.discount_pct, line.tax_rate,
                                  invoice.currency, invoice.discount_pct,
                                  prices_include_tax=invoice.prices_include_tax)

    if quantity + done.quantity < line.quantity:
        piece = of(quantity)
        return credited_amounts(piece.net, piece.tax, line.tax_rate)
    whole = of(line.quantity)
    return credited_amounts(whole.net - done.net, whole.tax - done.tax, line.tax_rate)


# --- issuing ---------------------------------------------------------------------------------

def credit_invoice(session: Session, principal: Principal, invoice_id: object,
                   data: Mapping[str, Any]) -> CreditNote:
    """Issue a credit note against a finalised invoice. Call inside
    `db.write_scope()` (numbering); `issue_credit_note` does."""
    principal.require("member")
    if not isinstance(data, Mapping):
        raise ValidationError("lines", "Send the lines to credit.")
    reject_unknown(data, {"lines", "all", "reason"})
    invoice = invoices.get_invoice(session, principal.workspace_id, invoice_id, lock=True)
    if invoice.status == "draft":
        raise ValidationError("status", "A draft is edited or deleted, not credited: send it "
                                        "first.")
    if invoice.status == "void":
        raise ValidationError("status", "A void invoice cannot be credited.")
    reason = clean_text(data.get("reason"), "reason", "Reason", max_len=1000)
    lines = invoices.invoice_lines(session, invoice.id)
    credited = credited_by_line(session, invoice.id)
    wanted = _wanted(data, lines, credited)
    amounts = [_amounts(invoice, line, quantity, credited.get(line.id, Credited()))
               for line, quantity in wanted]
    totals = money.totals_of_amounts(amounts, invoice.currency)
    if invoice.amount_credited + totals.total > invoice.total:  # pragma: no cover - by design
        raise ValidationError("lines", "This would credit more than the invoice's total.")

    settings = documents.get_settings(session, invoice.workspace_id)
    issued = today()
    number = documents.take_number(session, invoice.workspace_id, COUNTER_KIND, issued.year)
    note = CreditNote(
        workspace_id=invoice.workspace_id, invoice_id=invoice.id, currency=invoice.currency,
        number=documents.format_number(settings.credit_note_prefix, issued.year, number),
        issue_date=issued, reason=reason, created_by=principal.user_id)
    documents.store_totals(note, totals)
    session.add(note)
    session.flush()
    session.add_all([
        CreditNoteLine(credit_note_id=note.id, invoice_line_id=line.id, position=position,
                       product_id=line.product_id, description=line.description,
                       unit=line.unit, quantity=quantity, unit_price=line.unit_price,
                       discount_pct=line.discount_pct, tax_rate=line.tax_rate,
                       tax_reason=line.tax_reason, net=amount.net, tax=amount.tax)
        for position, ((line, quantity), amount) in enumerate(zip(wanted, amounts,
                                                                  strict=True))])
    invoice.amount_credited = invoice.amount_credited + note.total
    invoice.status = invoices.settled_status(invoice)
    invoice.updated_at = note.created_at
    session.add(invoice)
    activity.log(session, workspace_id=invoice.workspace_id, user_id=principal.user_id,
                 action="invoice.credit", entity_type="invoice", entity_id=invoice.id,
                 summary=f"Credit note {note.number} of "
                         f"{money.money_text(note.total, note.currency)} {note.currency} "
                         f"on {invoice.number}", detail={"credit_note_id": note.id})
    session.flush()
    return note


def issue_credit_note(principal: Principal, invoice_id: object, data: Mapping[str, Any]) -> int:
    """`credit_invoice` in its own write-locked transaction; returns the credit note's id.

    It takes no session because, like `invoices.finalise`, it must hold the
    write lock from reading what is left to credit to the commit (BEGIN
    IMMEDIATE on SQLite, the invoice's row lock on PostgreSQL): two credits of
    one invoice at once would otherwise both see the same uncredited rest."""
    with db.write_scope() as session:
        return credit_invoice(session, principal, invoice_id, data).id


# --- refunds ---------------------------------------------------------------------------------

def record_refund(session: Session, principal: Principal, credit_note_id: object,
                  data: Mapping[str, Any]) -> Payment:
    """Money paid back to the client on a credit note: a negative payment of its
    invoice. At most what the note credits and what the client overpaid."""
    principal.require("member")
    reject_unknown(data, {"paid_on", "amount", "method", "reference"})
    note = get_credit_note(session, principal.workspace_id, credit_note_id, lock=True)
    invoice = invoices.get_invoice(session, principal.workspace_id, note.invoice_id, lock=True)
    amount = money.clean_amount(data.get("amount"), "amount", "Amount", note.currency)
    owed = min(note.total - note.amount_refunded, -invoices.balance(invoice))
    if amount > owed:
        raise ValidationError(
            "amount", "Nothing is left to refund on this credit note." if owed <= 0 else
            f"The refund is more than what is owed back ({money.money_text(owed, note.currency)}"
            f" {note.currency}).")
    paid_on = documents.clean_date(data["paid_on"], "paid_on", "Refund date") \
        if data.get("paid_on") not in (None, "") else today()
    refund = Payment(workspace_id=note.workspace_id, invoice_id=invoice.id,
                     credit_note_id=note.id, paid_on=paid_on, amount=-amount,
                     method=invoices.clean_method(data.get("method")),
                     reference=clean_text(data.get("reference"), "reference", "Reference",
                                          max_len=200, required=False),
                     created_by=principal.user_id)
    session.add(refund)
    note.amount_refunded = note.amount_refunded + amount
    invoice.amount_paid = invoice.amount_paid - amount
    invoice.status = invoices.settled_status(invoice)
    session.add_all([note, invoice])
    activity.log(session, workspace_id=note.workspace_id, user_id=principal.user_id,
                 action="invoice.refund", entity_type="invoice", entity_id=invoice.id,
                 summary=f"Refund of {money.money_text(amount, note.currency)} {note.currency} "
                         f"on {note.number}", detail={"credit_note_id": note.id})
    session.flush()
    return refund
