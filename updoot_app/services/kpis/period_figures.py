"""Every figure of a period and segment, built in one place: the twelve KPI figures,
the funnel, the monthly trend and the breakdown by fit tier. ``GET /kpis`` without
a metric answers with them, and the dashboard shows them (``dashboard.compute`` runs
the same reads, on worker threads for a large workspace).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlmodel import Session

from updoot_app.services.kpis import (
    billing_figures,
    breakdowns,
    closed_deals,
    deal_figures,
    funnel,
    lead_figures,
    memo,
    trend,
)
from updoot_app.services.kpis.figure import Figure
from updoot_app.services.kpis.periods import Period
from updoot_app.services.kpis.segments import ALL, Segment

Read = Callable[[Session], Any]


def figure_reads(workspace_id: int, period: Period, seg: Segment = ALL) -> dict[str, Read]:
    """The independent reads behind ``figures_from``, each a function of a session,
    longest first: run them one after another in one session, or each on a worker
    thread in its own. Inside ``memo.memoized()`` they read the stages once and share
    identical aggregates."""

    def summary(session: Session) -> dict:
        stages = memo.stages_of(session, workspace_id)
        return {"closed": closed_deals.closed_summary(session, workspace_id, period, seg,
                                                      stages),
                "pipeline": deal_figures.pipeline(session, workspace_id, period, seg, stages),
                "created": deal_figures.deals_created(session, workspace_id, period, seg),
                "leads": lead_figures.new_leads(session, workspace_id, period, seg),
                "fit_leads": lead_figures.icp_fit_leads(session, workspace_id, period, seg)}

    return {
        "by_tier": lambda s: breakdowns.closed_by(s, workspace_id, period, "fit_tier", seg),
        "funnel": lambda s: funnel.funnel(s, workspace_id, period, seg),
        "summary": summary,
        "trend": lambda s: trend.trend(s, workspace_id, period.end, seg),
        "invoiced": lambda s: billing_figures.invoiced_revenue(s, workspace_id, period, seg),
        "paid": lambda s: billing_figures.paid_revenue(s, workspace_id, period, seg),
    }


def _value_and_n(figure: Figure) -> Figure:
    """A figure without its detail: the summary of ``GET /kpis`` gives win rate,
    ICP-fit leads and conversion as value and n only (``?metric=`` gives the detail)."""
    return Figure(figure.value, figure.n)


def figures_from(period: Period, done: dict[str, Any]) -> dict:
    """The figures, from the results of ``figure_reads`` (by the same names)."""
    s = done["summary"]
    closed, pipe = s["closed"], s["pipeline"]
    return {
        "period": period,
        "summary": {
            "new_leads": s["leads"],
            "icp_fit_leads": _value_and_n(s["fit_leads"]),
            "deals_created": s["created"],
            "win_rate": _value_and_n(deal_figures.win_rate_of(closed)),
            "revenue": deal_figures.revenue_of(closed),
            "revenue_invoiced": done["invoiced"],
            "revenue_paid": done["paid"],
            "pipeline_value": deal_figures.pipeline_value_of(pipe),
            "pipeline_weighted": deal_figures.pipeline_weighted_of(pipe),
            "avg_deal_size": deal_figures.avg_of(closed),
            "sales_cycle_days": deal_figures.cycle_of(closed),
            "conversion_rate": _value_and_n(funnel.conversion_of(done["funnel"])),
        },
        "funnel": done["funnel"],
        "trend": done["trend"],
        "by_tier": done["by_tier"],
    }


def period_figures(session: Session, workspace_id: int, period: Period,
                   seg: Segment = ALL) -> dict:
    """Every figure of the period and segment, read one after another in ``session``."""
    with memo.memoized():
        done = {name: read(session)
                for name, read in figure_reads(workspace_id, period, seg).items()}
    return figures_from(period, done)
