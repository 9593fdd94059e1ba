"""Figures of deals: deals created, win rate, revenue (the value of deals won),
average deal size, sales cycle, and the open pipeline.

The figures of closed deals are each made from one ``closed_summary`` (the
``*_of`` functions), so a caller that has the summary (the dashboard, the goals in
batches) builds several figures from one query.
"""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import func
from sqlmodel import Session, select

from updoot_app.models import Deal
from updoot_app.services.kpis.closed_deals import closed_summary
from updoot_app.services.kpis.figure import Figure, money_sum
from updoot_app.services.kpis.memo import Stages, memoize, stages_of
from updoot_app.services.kpis.periods import Period, in_period
from updoot_app.services.kpis.segments import ALL, Segment, restrict_deals


@memoize
def deals_created(session: Session, workspace_id: int, period: Period,
                  seg: Segment = ALL) -> Figure:
    stmt = select(func.count()).select_from(Deal).where(
        Deal.workspace_id == workspace_id, in_period(Deal.created_at, period))
    n = int(session.exec(restrict_deals(stmt, seg, workspace_id)).one())
    return Figure(n, n)


# --------------------------------------------------------------------------- closed deals


def win_rate_of(s: dict) -> Figure:
    """Win rate from a ``closed_summary``."""
    rate = s["won"] / s["closed"] if s["closed"] else None
    return Figure(rate, s["closed"], {"won": s["won"], "lost": s["lost"]})


def revenue_of(s: dict) -> Figure:
    """Revenue (value won) from a ``closed_summary``."""
    return Figure(s["won_value"], s["won"])


def avg_of(s: dict) -> Figure:
    """Average deal size from a ``closed_summary``."""
    value = (s["won_value"] / s["won"]).quantize(Decimal("0.01")) if s["won"] else None
    return Figure(value, s["won"])


def cycle_of(s: dict) -> Figure:
    """Mean sales-cycle days from a ``closed_summary``."""
    value = round(s["cycle_days_sum"] / s["won"], 1) if s["won"] else None
    return Figure(value, s["won"])


def win_rate(session: Session, workspace_id: int, period: Period, seg: Segment = ALL) -> Figure:
    return win_rate_of(closed_summary(session, workspace_id, period, seg))


def revenue(session: Session, workspace_id: int, period: Period, seg: Segment = ALL) -> Figure:
    """Revenue as the value of deals won in the period (invoiced and paid revenue are
    ``billing_figures``)."""
    return revenue_of(closed_summary(session, workspace_id, period, seg))


def avg_deal_size(session: Session, workspace_id: int, period: Period,
                  seg: Segment = ALL) -> Figure:
    return avg_of(closed_summary(session, workspace_id, period, seg))


def sales_cycle_days(session: Session, workspace_id: int, period: Period,
                     seg: Segment = ALL) -> Figure:
    return cycle_of(closed_summary(session, workspace_id, period, seg))


# --------------------------------------------------------------------------- pipeline


@memoize
def pipeline(session: Session, workspace_id: int, period: Period, seg: Segment = ALL,
             stages: Stages | None = None) -> dict:
    """Open deals created before the period's end: count, value, weighted value."""
    stages = stages or stages_of(session, workspace_id)
    stmt = select(Deal.stage_id, func.count(), func.sum(Deal.value)).select_from(Deal).where(
        Deal.workspace_id == workspace_id, Deal.stage_id.in_(stages.open_ids or (-1,)),
        Deal.created_at < period.end).group_by(Deal.stage_id)
    probability = {r[0]: r[3] for r in stages.rows}
    n, total, weighted = 0, Decimal(0), Decimal(0)
    for stage_id, count, raw in session.exec(restrict_deals(stmt, seg, workspace_id)).all():
        value = money_sum(raw)
        n += int(count)
        total += value
        weighted += value * probability.get(stage_id, 0) / 100
    return {"open": n, "value": total.quantize(Decimal("0.01")),
            "weighted": weighted.quantize(Decimal("0.01"))}


def pipeline_value_of(p: dict) -> Figure:
    """Pipeline value from a ``pipeline``."""
    return Figure(p["value"], p["open"])


def pipeline_weighted_of(p: dict) -> Figure:
    """Weighted pipeline from a ``pipeline``."""
    return Figure(p["weighted"], p["open"])


def pipeline_value(session: Session, workspace_id: int, period: Period,
                   seg: Segment = ALL) -> Figure:
    return pipeline_value_of(pipeline(session, workspace_id, period, seg))


def pipeline_weighted(session: Session, workspace_id: int, period: Period,
                      seg: Segment = ALL) -> Figure:
    return pipeline_weighted_of(pipeline(session, workspace_id, period, seg))
