"""A new draft invoice made from another one: same client, currency, lines,
discount, notes and terms, with new dates (the issue date given, due after the
source's payment terms). Recurring invoices (services/mail/recurring_runs.py)
make each period's invoice this way."""

from __future__ import annotations

from datetime import date, timedelta

from sqlmodel import Session

from updoot_app.models import Invoice, InvoiceLine
from updoot_app.services.billing import documents, invoices, money
from updoot_app.services.identity.access import Principal
from updoot_app.services.platform import activity

_LINE_COPY = ("product_id", "description", "unit", "quantity", "unit_price", "discount_pct",
              "tax_rate")


def copy_invoice(session: Session, principal: Principal, source: Invoice,
                 issue_date: date) -> Invoice:
    """The copy, a draft (`invoices.send_invoice` numbers it)."""
    principal.require("member")
    lines = invoices.invoice_lines(session, source.id)
    copy = Invoice(
        workspace_id=source.workspace_id, company_id=source.company_id,
        contact_id=source.contact_id, deal_id=source.deal_id, currency=source.currency,
        issue_date=issue_date, payment_terms_days=source.payment_terms_days,
        due_date=issue_date + timedelta(days=source.payment_terms_days),
        discount_pct=source.discount_pct, notes=source.notes, terms=source.terms,
        created_by=principal.user_id)
    documents.store_totals(copy, money.document_totals(lines, copy.currency, copy.discount_pct))
    session.add(copy)
    session.flush()
    session.add_all([InvoiceLine(invoice_id=copy.id, position=line.position,
                                 **{k: getattr(line, k) for k in _LINE_COPY})
                     for line in lines])
    session.flush()
    activity.log(session, workspace_id=copy.workspace_id, user_id=principal.user_id,
                 action="invoice.create", entity_type="invoice", entity_id=copy.id,
                 summary=f"Created a draft invoice from {source.number or 'a draft'}")
    return copy
