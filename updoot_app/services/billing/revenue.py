"""Revenue for the pipeline and the KPIs: invoiced totals and payments by
company, deal and period, summed in SQL over the exact integer money storage.

Invoiced = finalised, non-void invoices (by issue date); paid = payments (by
payment date). Amounts are per currency (no exchange rates are applied).
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from sqlalchemy import func
from sqlmodel import Session, select

from updoot_app.models import Invoice, Payment
from updoot_app.models.types import money_from_db
from updoot_app.services.billing import money
from updoot_app.services.billing.documents import clean_date
from updoot_app.services.platform.errors import ValidationError

GROUPS = ("company", "deal", "month", "year", "none")


def _period(column, group: str, dialect: str):
    if group == "month":
        return (func.to_char(column, "YYYY-MM") if dialect == "postgresql"
                else func.strftime("%Y-%m", column))
    return (func.to_char(column, "YYYY") if dialect == "postgresql"
            else func.strftime("%Y", column))


def _clean_group(group: object) -> str:
    if group not in GROUPS:
        raise ValidationError("group_by", f"group_by must be one of {', '.join(GROUPS)}.")
    return str(group)


def _clean_range(start: object, end: object) -> tuple[date | None, date | None]:
    first = clean_date(start, "start", "Start") if start not in (None, "") else None
    last = clean_date(end, "end", "End") if end not in (None, "") else None
    if first and last and last < first:
        raise ValidationError("end", "The end date is before the start date.")
    return first, last


def _group_key(session: Session, group_by: object, date_col):
    """What the rows are grouped by (None: one row per currency)."""
    group = _clean_group(group_by)
    if group == "company":
        return Invoice.company_id
    if group == "deal":
        return Invoice.deal_id
    if group == "none":
        return None
    return _period(date_col, group, session.get_bind().dialect.name)


def _narrowed_and_grouped(query, key, date_col, start: date | None, end: date | None,
                          company_id: int | None, deal_id: int | None):
    """The date range (on `date_col`), company and deal filters, then one row per
    group key and currency (ordered by both), or per currency alone."""
    if start:
        query = query.where(date_col >= start)
    if end:
        query = query.where(date_col <= end)
    if company_id is not None:
        query = query.where(Invoice.company_id == company_id)
    if deal_id is not None:
        query = query.where(Invoice.deal_id == deal_id)
    query = query.group_by(*([key] if key is not None else []), Invoice.currency)
    if key is not None:
        query = query.order_by(key, Invoice.currency)
    return query


def _rows(session: Session, query, key, amount_cols) -> list[dict]:
    rows = session.exec(query).all()
    out = []
    for row in rows:
        item = {"key": row[0] if key is not None else None, "currency": row[1]}
        for i, name in enumerate(amount_cols, start=2):
            raw = row[i] or 0
            # SUM over a Money column comes back as Decimal already (the column type
            # applies); a bare integer is the raw storage.
            value = raw if isinstance(raw, Decimal) else money_from_db(raw)
            item[name] = money.round_money(value, row[1])
        item["count"] = int(row[-1])
        out.append(item)
    return out


def invoiced(session: Session, workspace_id: int, *, group_by: object = "month",
             start: object = None, end: object = None, company_id: int | None = None,
             deal_id: int | None = None) -> list[dict]:
    """[{"key": group key, "currency", "total", "tax_total", "paid", "credited", "balance",
    "count"}]: "credited" is what credit notes took off those invoices (the balance
    is net of it)."""
    key = _group_key(session, group_by, Invoice.issue_date)
    first_day, last_day = _clean_range(start, end)
    cols = [key if key is not None else func.min(Invoice.id), Invoice.currency,
            func.sum(Invoice.total), func.sum(Invoice.tax_total), func.sum(Invoice.amount_paid),
            func.sum(Invoice.amount_credited), func.count()]
    q = select(*cols).where(Invoice.workspace_id == workspace_id,
                            Invoice.number.is_not(None), Invoice.status != "void")
    q = _narrowed_and_grouped(q, key, Invoice.issue_date, first_day, last_day, company_id, deal_id)
    out = _rows(session, q, key, ["total", "tax_total", "paid", "credited"])
    for item in out:
        item["balance"] = item["total"] - item["credited"] - item["paid"]
    return out


def payments(session: Session, workspace_id: int, *, group_by: object = "month",
             start: object = None, end: object = None, company_id: int | None = None,
             deal_id: int | None = None) -> list[dict]:
    """[{"key", "currency", "amount", "count"}] of payments received."""
    key = _group_key(session, group_by, Payment.paid_on)
    first_day, last_day = _clean_range(start, end)
    cols = [key if key is not None else func.min(Payment.id), Invoice.currency,
            func.sum(Payment.amount), func.count()]
    q = (select(*cols).join(Invoice, Invoice.id == Payment.invoice_id)
         .where(Payment.workspace_id == workspace_id))
    q = _narrowed_and_grouped(q, key, Payment.paid_on, first_day, last_day, company_id, deal_id)
    return _rows(session, q, key, ["amount"])


def deal_revenue(session: Session, workspace_id: int, deal_id: int) -> dict[str, Decimal]:
    """Invoiced total per currency of one deal (for the pipeline's deal card)."""
    return {r["currency"]: r["total"] for r in invoiced(session, workspace_id, group_by="none",
                                                         deal_id=deal_id)}
