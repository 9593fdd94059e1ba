"""Figures of leads: the companies created in the period, and those of them that
fit the ICP (current fit tier A or B)."""

from __future__ import annotations

from sqlalchemy import func
from sqlmodel import Session, select

from updoot_app.models import Company
from updoot_app.services.kpis.figure import Figure
from updoot_app.services.kpis.memo import memoize
from updoot_app.services.kpis.periods import Period, in_period
from updoot_app.services.kpis.segments import ALL, Segment, company_conditions

ICP_FIT_TIERS = ("A", "B")  # the tiers an "ICP-fit lead" is in


def _count_companies(session: Session, workspace_id: int, period: Period, seg: Segment,
                     *extra) -> Figure:
    n = session.exec(
        select(func.count()).select_from(Company).where(
            Company.workspace_id == workspace_id, in_period(Company.created_at, period),
            *company_conditions(seg, workspace_id), *extra)
    ).one()
    return Figure(int(n), int(n))


@memoize
def new_leads(session: Session, workspace_id: int, period: Period, seg: Segment = ALL) -> Figure:
    return _count_companies(session, workspace_id, period, seg)


def icp_fit_leads(session: Session, workspace_id: int, period: Period,
                  seg: Segment = ALL) -> Figure:
    figure = _count_companies(session, workspace_id, period, seg,
                              Company.fit_tier.in_(ICP_FIT_TIERS))
    total = new_leads(session, workspace_id, period, seg).value
    figure.detail = {"of_new_leads": total}
    return figure
