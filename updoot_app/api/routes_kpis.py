"""KPIs: one metric for a period and segment, the figures of a period, the ICP calibration.

``GET /kpis?metric=win_rate&period=2026-Q4&segment=fit_tier:A`` (period: month,
quarter, year, YYYY-MM, YYYY-Qn, YYYY, all or START..END; segment: all or
type:value, e.g. ``fit_tier:A``, ``region:Europe``, ``signal:fresh``; the types are
``segments.SEGMENT_TYPES``). Money is a decimal string; rates are fractions from 0 to 1; every
figure carries ``n``, the number of rows behind it. Without ``metric``, every
metric of the dashboard is returned, with the funnel, trend and tier breakdown.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from fastapi import APIRouter, Depends
from sqlmodel import Session

from updoot_app.api.deps import SessionRoute, get_session, principal
from updoot_app.services.identity.access import Principal
from updoot_app.services.kpis import breakdowns, metric_catalog, period_figures
from updoot_app.services.kpis.calibration import MIN_N, PRIOR_STRENGTH, by_tier, criterion_lift
from updoot_app.services.kpis.figure import Figure
from updoot_app.services.kpis.periods import Period, parse_period
from updoot_app.services.kpis.segments import parse_segment
from updoot_app.services.platform.validation import clean_id

router = APIRouter(tags=["kpis"], route_class=SessionRoute)


def _value(value: Any) -> Any:
    """API form of a figure's value: money as a decimal string, rates as floats."""
    if isinstance(value, Decimal):
        return str(value.quantize(Decimal("0.01")))
    if isinstance(value, float):
        return round(value, 4)
    return value


def _json(obj: Any) -> Any:
    if isinstance(obj, dict):
        return {k: _json(v) for k, v in obj.items()}
    if isinstance(obj, list):
        return [_json(v) for v in obj]
    if isinstance(obj, Figure):
        return {"value": _value(obj.value), "n": obj.n, **_json(obj.detail)}
    if isinstance(obj, Period):
        return obj.to_dict()
    return _value(obj)


@router.get("/kpis")
def get_kpis(metric: str | None = None, period: str | None = None, segment: str | None = None,
             stage_id: str | None = None, p: Principal = Depends(principal),
             s: Session = Depends(get_session)) -> dict[str, Any]:
    when = parse_period(period)
    seg = parse_segment(segment)
    base = {"period": when.to_dict(), "segment": {"type": seg.type, "value": seg.value}}
    if metric is None:
        figures = period_figures.period_figures(s, p.workspace_id, when, seg)
        return base | _json({k: v for k, v in figures.items() if k != "period"})
    stage = None if stage_id in (None, "") else clean_id(stage_id, "stage_id")
    figure = metric_catalog.metric_value(s, p.workspace_id, metric, when, seg, stage)
    return base | {"metric": metric, "label": metric_catalog.METRICS[metric][0],
                   "unit": metric_catalog.METRICS[metric][1]} | _json(figure)


@router.get("/kpis/calibration")
def calibration(period: str | None = "all", p: Principal = Depends(principal),
                s: Session = Depends(get_session)) -> dict[str, Any]:
    when = parse_period(period or "all")
    return {
        "period": when.to_dict(),
        "prior_strength": PRIOR_STRENGTH,
        "min_n": MIN_N,
        "by_tier": _json(by_tier(s, p.workspace_id, when)),
        "icps": _json(criterion_lift(s, p.workspace_id, when)),
    }


@router.get("/kpis/breakdown")
def breakdown(by: str = "fit_tier", period: str | None = None, segment: str | None = None,
              p: Principal = Depends(principal),
              s: Session = Depends(get_session)) -> dict[str, Any]:
    """Deals closed in the period by fit_tier, industry, country, owner or icp: closed,
    won, lost, win rate, revenue, average deal size and cycle, each with its n."""
    when = parse_period(period)
    seg = parse_segment(segment)
    return {"period": when.to_dict(), "by": by,
            "rows": _json(breakdowns.closed_by(s, p.workspace_id, when, by, seg))}
