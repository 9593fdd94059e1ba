"""Figures of billing: revenue invoiced and paid in the period, from the finalised
invoices and the payments (``billing.revenue``), in the workspace currency."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from sqlmodel import Session

from updoot_app.services.billing import revenue
from updoot_app.services.kpis.figure import Figure
from updoot_app.services.kpis.memo import currency_of
from updoot_app.services.kpis.periods import Period
from updoot_app.services.kpis.segments import ALL, Segment


def _billing_figure(rows: list[dict], amount_key: str, workspace_id: int,
                    session: Session) -> Figure:
    """Sum billing rows in the workspace currency; other currencies go to detail."""
    currency = currency_of(session, workspace_id)
    total = sum((r[amount_key] for r in rows if r["currency"] == currency), Decimal("0"))
    count = sum(r["count"] for r in rows if r["currency"] == currency)
    others = {r["currency"]: str(r[amount_key]) for r in rows if r["currency"] != currency}
    return Figure(total, count, {"other_currencies": others} if others else {})


def _billing_range(period: Period) -> tuple[str, str]:
    # Billing documents are dated by day; the period's end is exclusive.
    return period.start.date().isoformat(), (period.end - timedelta(days=1)).date().isoformat()


def invoiced_revenue(session: Session, workspace_id: int, period: Period,
                     seg: Segment = ALL) -> Figure:
    """Finalised, non-void invoice totals issued in the period."""
    if seg.type != "all":
        return Figure(None, 0, {"note": "Invoiced revenue is shown for all segments only."})
    start, end = _billing_range(period)
    rows = revenue.invoiced(session, workspace_id, group_by="none", start=start, end=end)
    return _billing_figure(rows, "total", workspace_id, session)


def paid_revenue(session: Session, workspace_id: int, period: Period,
                 seg: Segment = ALL) -> Figure:
    """Payments received in the period."""
    if seg.type != "all":
        return Figure(None, 0, {"note": "Paid revenue is shown for all segments only."})
    start, end = _billing_range(period)
    rows = revenue.payments(session, workspace_id, group_by="none", start=start, end=end)
    return _billing_figure(rows, "amount", workspace_id, session)
