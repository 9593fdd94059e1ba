"""Figures of many goals at once: goals that share a period, a metric family and a
segment type on a company column (fit tier, ICP, industry, country, region) are
answered by one query grouped by that column, instead of one filtered query each.

A lone segment value keeps its own filtered query (``metric_catalog.metric_value``):
on the indexes that is cheaper than grouping every deal of the period. Fit-tier and
ICP goals on closed deals reuse ``closed_deals.closed_by_fit`` when the caller
computes it for the same period anyway (the dashboard: ``shared_periods``), and
always on SQLite, where it reads the deals' copy of their company's fit rather than
joining (0009_deal_fit), as does a lone fit-tier or ICP value there. Other metrics
and segments (conversion, pipeline, billing; owner, persona, competitor) and the
"all" segment go through ``metric_catalog.metric_value``, whose aggregates
``memo.memoized`` shares. Either way the figures are those of
``metric_catalog.metric_value``: the group of a segment value holds exactly the rows
its filter selects (``segments.company_conditions``).
"""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import case, func, literal
from sqlmodel import Session, select

from updoot_app import db
from updoot_app.models import Company, Deal
from updoot_app.services.kpis import metric_catalog
from updoot_app.services.kpis.closed_deals import closed_by_fit, closed_columns, summary_of
from updoot_app.services.kpis.deal_figures import avg_of, cycle_of, revenue_of, win_rate_of
from updoot_app.services.kpis.figure import Figure, money_sum
from updoot_app.services.kpis.lead_figures import ICP_FIT_TIERS
from updoot_app.services.kpis.memo import stages_of
from updoot_app.services.kpis.periods import Period, in_period
from updoot_app.services.kpis.segments import Segment
from updoot_app.services.platform import geo

GROUPED_SEGMENTS = ("fit_tier", "icp", "industry", "country", "region")
FAMILIES = {"win_rate": "closed", "revenue": "closed", "avg_deal_size": "closed",
            "sales_cycle_days": "closed", "deals_created": "created",
            "new_leads": "leads", "icp_fit_leads": "leads"}
CLOSED_FIGURES = {"win_rate": win_rate_of, "revenue": revenue_of,
                  "avg_deal_size": avg_of, "sales_cycle_days": cycle_of}

Request = tuple[str, Period, Segment, "int | None"]  # metric, period, segment, stage_id


def _key_column(seg_type: str):
    """The company column a segment type groups by (as ``segments.company_conditions``
    filters)."""
    return {"fit_tier": func.coalesce(Company.fit_tier, literal("none")),
            "icp": Company.fit_icp_id,
            "industry": func.lower(Company.industry),
            "country": Company.country,
            "region": Company.country}[seg_type]


def keys_of(seg: Segment) -> list:
    """The group keys a segment value covers (a region: its countries)."""
    if seg.type == "icp":
        return [int(seg.value)]
    if seg.type == "industry":
        return [seg.value.lower()]
    if seg.type == "region":
        return sorted(geo.expand_geography([seg.value]))
    return [seg.value]


def _closed_table(session: Session, workspace_id: int, period: Period, seg_type: str,
                  reuse_fit: bool) -> dict:
    """Segment key -> ``closed_summary`` row values (wins, closed, value, days)."""
    if reuse_fit and seg_type in ("fit_tier", "icp"):
        table: dict = {}
        for tier, icp_id, _res, w, n, v, d in closed_by_fit(session, workspace_id, period):
            key = (tier or "none") if seg_type == "fit_tier" else icp_id
            row = table.setdefault(key, [0, 0, Decimal("0.0000"), 0.0])
            row[0] += w
            row[1] += n
            row[2] += v
            row[3] += d
        return table
    stages = stages_of(session, workspace_id)
    columns, conds = closed_columns(session, stages)
    key = _key_column(seg_type).label("key")
    stmt = (select(key, *columns).select_from(Deal)
            .join(Company, Company.id == Deal.company_id)
            .where(Deal.workspace_id == workspace_id,
                   in_period(Deal.closed_at, period), *conds)
            .group_by(key))
    return {k: [int(w or 0), int(n or 0), money_sum(v), float(d or 0.0)]
            for k, w, n, v, d in session.exec(stmt).all()}


def _created_table(session: Session, workspace_id: int, period: Period, seg_type: str) -> dict:
    key = _key_column(seg_type).label("key")
    stmt = (select(key, func.count()).select_from(Deal)
            .join(Company, Company.id == Deal.company_id)
            .where(Deal.workspace_id == workspace_id, in_period(Deal.created_at, period))
            .group_by(key))
    return {k: int(n) for k, n in session.exec(stmt).all()}


def _leads_table(session: Session, workspace_id: int, period: Period, seg_type: str) -> dict:
    key = _key_column(seg_type).label("key")
    fit = func.sum(case((Company.fit_tier.in_(ICP_FIT_TIERS), 1), else_=0))
    stmt = (select(key, func.count(), fit).select_from(Company)
            .where(Company.workspace_id == workspace_id,
                   in_period(Company.created_at, period))
            .group_by(key))
    return {k: (int(n), int(f or 0)) for k, n, f in session.exec(stmt).all()}


def _figure(metric: str, family: str, table: dict, keys: list) -> Figure:
    rows = [table[k] for k in keys if k in table]
    if family == "closed":
        s = summary_of(sum(r[0] for r in rows), sum(r[1] for r in rows),
                       sum((r[2] for r in rows), Decimal("0.0000")) if rows else None,
                       sum(r[3] for r in rows))
        return CLOSED_FIGURES[metric](s)
    if family == "created":
        n = sum(rows)
        return Figure(n, n)
    total, fit = sum(r[0] for r in rows), sum(r[1] for r in rows)
    if metric == "new_leads":
        return Figure(total, total)
    return Figure(fit, fit, {"of_new_leads": total})


def metric_values(session: Session, workspace_id: int, requests: list[Request],
                  shared_periods: frozenset | set | tuple = ()) -> list[Figure]:
    """The figure of each (metric, period, segment, stage_id), in order."""
    values: dict[tuple, set] = {}
    for metric, period, seg, _stage in requests:
        family = FAMILIES.get(metric)
        if family and seg.type in GROUPED_SEGMENTS:
            values.setdefault((period, family, seg.type), set()).add(seg.value)

    def grouped(group: tuple) -> bool:
        period, family, seg_type = group
        return len(values[group]) > 1 or (
            family == "closed" and seg_type in ("fit_tier", "icp") and period in shared_periods)

    tables: dict[tuple, dict] = {}
    out = []
    for metric, period, seg, stage_id in requests:
        family = FAMILIES.get(metric)
        group = (period, family, seg.type)
        if not (family and seg.type in GROUPED_SEGMENTS and grouped(group)):
            out.append(metric_catalog.metric_value(session, workspace_id, metric, period, seg,
                                                   stage_id))
            continue
        if group not in tables:
            if family == "closed":
                tables[group] = _closed_table(session, workspace_id, period, seg.type,
                                              period in shared_periods
                                              or db.is_sqlite(session.get_bind()))
            elif family == "created":
                tables[group] = _created_table(session, workspace_id, period, seg.type)
            else:
                tables[group] = _leads_table(session, workspace_id, period, seg.type)
        out.append(_figure(metric, family, tables[group], keys_of(seg)))
    return out
