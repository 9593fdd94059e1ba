"""Aggregates of the deals closed (won or lost) in a period: the one summary behind
win rate, revenue, average deal size and sales cycle, and the same sums grouped by
the company's fit (tier breakdown, ICP calibration, goals on a fit tier or ICP)."""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import case, func
from sqlmodel import Session, select

from updoot_app import db
from updoot_app.models import Company, Deal
from updoot_app.models.types import money_from_db
from updoot_app.services.kpis.figure import days_between, money_sum
from updoot_app.services.kpis.memo import Stages, memoize, stages_of
from updoot_app.services.kpis.periods import Period, in_period
from updoot_app.services.kpis.segments import (
    ALL,
    FIT_SEGMENTS,
    Segment,
    company_conditions,
    deal_conditions,
    restrict_deals,
)


def closed_columns(session: Session, stages: Stages) -> tuple[list, list]:
    """Aggregates of deals closed (won or lost) and their conditions, without the
    period: (wins, closed, won value, won cycle days) — see ``summary_of``."""
    won = Deal.stage_id.in_(stages.won_ids or (-1,))
    columns = [func.sum(case((won, 1), else_=0)), func.count(),
               func.sum(case((won, Deal.value), else_=None)),
               func.sum(case((won, days_between(session, Deal.closed_at, Deal.created_at)),
                             else_=None))]
    return columns, [Deal.stage_id.in_((stages.won_ids + stages.lost_ids) or (-1,))]


def summary_of(wins, closed, value, days) -> dict:
    """A ``closed_summary`` from the ``closed_columns`` of a row (NULL sums are 0)."""
    wins, closed = int(wins or 0), int(closed or 0)
    return {"won": wins, "lost": closed - wins, "closed": closed,
            "won_value": money_sum(value), "cycle_days_sum": float(days or 0.0)}


@memoize
def closed_summary(session: Session, workspace_id: int, period: Period,
                   seg: Segment = ALL, stages: Stages | None = None) -> dict:
    """Won and lost counts, won value and summed cycle days of deals closed in the period."""
    stages = stages or stages_of(session, workspace_id)
    if seg.type in FIT_SEGMENTS and db.is_sqlite(session.get_bind()):
        # SQLite: from the deals' copy of their company's fit, one index range per fit
        # of the segment (``_closed_by_deal_fit``), not a lookup of each deal's company
        rows = _closed_by_deal_fit(session, workspace_id, period, stages, seg)
        return summary_of(sum(r[3] for r in rows), sum(r[4] for r in rows),
                          sum((r[5] for r in rows), Decimal("0.0000")) if rows else None,
                          sum(r[6] for r in rows))
    columns, conds = closed_columns(session, stages)
    stmt = select(*columns).select_from(Deal).where(
        Deal.workspace_id == workspace_id, in_period(Deal.closed_at, period), *conds)
    return summary_of(*session.exec(restrict_deals(stmt, seg, workspace_id)).one())


@memoize
def closed_by_fit(session: Session, workspace_id: int, period: Period, seg: Segment = ALL,
                  stages: Stages | None = None) -> list[tuple]:
    """Deals closed in the period grouped by the company's fit (tier, ICP, per-criterion
    results): (tier, icp_id, results, won, closed, won value, won cycle days). One query
    serves the tier breakdown, the ICP calibration and the goals on fit tier or ICP.

    For all deals it reads the deal's copy of its company's fit (``deal_fit``) rather
    than joining each closed deal to its company; a segment filters through the join."""
    stages = stages or stages_of(session, workspace_id)
    if seg.type == "all" or (seg.type in FIT_SEGMENTS and db.is_sqlite(session.get_bind())):
        return _closed_by_deal_fit(session, workspace_id, period, stages, seg)
    columns, conds = closed_columns(session, stages)
    stmt = (
        select(Company.fit_tier, Company.fit_icp_id, Company.fit_results, *columns)
        .select_from(Deal)
        .join(Company, Company.id == Deal.company_id)
        .where(Deal.workspace_id == workspace_id, in_period(Deal.closed_at, period), *conds)
        .group_by(Company.fit_tier, Company.fit_icp_id, Company.fit_results)
    )
    stmt = stmt.where(*deal_conditions(seg, workspace_id))
    return [(tier, icp_id, results, int(w or 0), int(n or 0), money_sum(v), float(d or 0.0))
            for tier, icp_id, results, w, n, v, d in session.exec(stmt).all()]


def _closed_by_deal_fit(session: Session, workspace_id: int, period: Period,
                        stages: Stages, seg: Segment = ALL) -> list[tuple]:
    """``closed_by_fit`` from the fit copied on each deal (all deals; on SQLite also a
    fit-tier or ICP segment, a condition on the fit itself).

    SQLite groups with a sort (a temporary B-tree of every closed deal); instead, for
    each distinct fit of the workspace's companies (``ix_companies_kpi_fit``, those of
    the segment) one correlated subquery reads that fit's deals closed in the period,
    a range of ``ix_deals_kpi_fit``, and returns its four sums in one printf'd string
    (a scalar subquery has one column). Every deal's copy is its company's fit, so the
    groups hold every closed deal. PostgreSQL groups the same rows by hashing (all
    deals only: its segments go through the join, which it plans well)."""
    sums, closed_conds = closed_columns(session, stages)
    closed = [Deal.workspace_id == workspace_id, in_period(Deal.closed_at, period),
              *closed_conds]
    if db.is_sqlite(session.get_bind()):
        keys = (select(Company.fit_tier, Company.fit_icp_id, Company.fit_results)
                .where(Company.workspace_id == workspace_id,
                       *company_conditions(seg, workspace_id)).distinct().subquery("k"))
        packed = (select(func.printf("%d %d %d %.17g", *sums)).select_from(Deal)
                  .where(*closed, Deal.company_fit_tier.is_not_distinct_from(keys.c.fit_tier),
                         Deal.company_fit_icp_id.is_not_distinct_from(keys.c.fit_icp_id),
                         Deal.company_fit_results.is_not_distinct_from(keys.c.fit_results))
                  .scalar_subquery())
        out = []
        for tier, icp_id, results, text in session.exec(
                select(keys.c.fit_tier, keys.c.fit_icp_id, keys.c.fit_results, packed)).all():
            w, n, v, d = text.split(" ")
            if int(n):
                out.append((tier, icp_id, results, int(w), int(n), money_from_db(v), float(d)))
        return out
    stmt = (select(Deal.company_fit_tier, Deal.company_fit_icp_id, Deal.company_fit_results,
                   *sums).where(*closed)
            .group_by(Deal.company_fit_tier, Deal.company_fit_icp_id, Deal.company_fit_results))
    return [(tier, icp_id, results, int(w or 0), int(n or 0), money_sum(v), float(d or 0.0))
            for tier, icp_id, results, w, n, v, d in session.exec(stmt).all()]
