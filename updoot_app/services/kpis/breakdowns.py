"""Deals closed in a period broken down by fit tier, industry, country, owner or ICP:
won, lost, win rate, revenue, average deal size and cycle, each with its n."""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import func, literal
from sqlmodel import Session, select

from updoot_app.models import Company, Deal
from updoot_app.services.kpis.closed_deals import closed_by_fit, closed_columns
from updoot_app.services.kpis.figure import money_sum
from updoot_app.services.kpis.memo import Stages, memoize, stages_of
from updoot_app.services.kpis.periods import Period, in_period
from updoot_app.services.kpis.segments import ALL, FIT_TIERS, Segment, deal_conditions
from updoot_app.services.platform.errors import ValidationError

BREAKDOWNS = ("fit_tier", "industry", "country", "owner", "icp")


def _breakdown_key(by: str):
    return {"fit_tier": func.coalesce(Company.fit_tier, literal("none")),
            "industry": func.coalesce(Company.industry, literal("(none)")),
            "country": func.coalesce(Company.country, literal("(none)")),
            "icp": Company.fit_icp_id,
            "owner": Deal.owner_id}[by]


def _breakdown_rows(groups: dict) -> list[dict]:
    rows = []
    for k, (wins, closed, revenue_value, days) in groups.items():
        rows.append({
            "key": "none" if k is None else str(k),
            "closed": closed, "won": wins, "lost": closed - wins,
            "win_rate": wins / closed if closed else None,
            "revenue": revenue_value.quantize(Decimal("0.01")),
            "avg_deal_size": (revenue_value / wins).quantize(Decimal("0.01")) if wins else None,
            "avg_cycle_days": round(float(days) / wins, 1) if wins else None,
        })
    return rows


@memoize
def closed_by(session: Session, workspace_id: int, period: Period, by: str,
              seg: Segment = ALL, stages: Stages | None = None, limit: int = 50) -> list[dict]:
    """Deals closed in the period grouped by ``by``: won, lost, win rate, revenue,
    average deal size, average cycle days — each with its n."""
    if by not in BREAKDOWNS:
        raise ValidationError("by", f"Break down by one of {', '.join(BREAKDOWNS)}.")
    stages = stages or stages_of(session, workspace_id)
    if by == "fit_tier":
        groups: dict = {}
        for tier, _icp, _res, w, n, v, d in closed_by_fit(session, workspace_id, period, seg,
                                                          stages):
            g = groups.setdefault(tier or "none", [0, 0, Decimal(0), 0.0])
            g[0] += w
            g[1] += n
            g[2] += v
            g[3] += d
        order = {t: i for i, t in enumerate(FIT_TIERS)}
        return sorted(_breakdown_rows(groups), key=lambda r: order.get(r["key"], 99))
    columns, conds = closed_columns(session, stages)
    key = _breakdown_key(by).label("key")
    stmt = (select(key, *columns).select_from(Deal)
            .join(Company, Company.id == Deal.company_id)
            .where(Deal.workspace_id == workspace_id, in_period(Deal.closed_at, period), *conds)
            .group_by(key))
    stmt = stmt.where(*deal_conditions(seg, workspace_id))
    groups = {k: [int(w or 0), int(n or 0), money_sum(v), float(d or 0.0)]
              for k, w, n, v, d in session.exec(stmt).all()}
    rows = _breakdown_rows(groups)
    rows.sort(key=lambda r: (-r["closed"], r["key"]))
    return rows[:limit]
