"""KPIs: one metric for a period and segment, the dashboard figures, the ICP calibration.

``GET /kpis?metric=win_rate&period=2026-Q4&segment=fit_tier:A`` (period: month,
quarter, year, YYYY-MM, YYYY-Qn, YYYY, all or START..END; segment: all or
type:value). Money is a decimal string; rates are fractions from 0 to 1; every
figure carries ``n``, the number of rows behind it. Without ``metric``, every
metric of the dashboard is returned, with the funnel, trend and tier breakdown.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends
from sqlmodel import Session

from updoot_app.api.deps import SessionRoute, get_session, principal
from updoot_app.services.identity.access import Principal
from updoot_app.services.kpis import calibration as icp_calibration
from updoot_app.services.kpis import metrics as kpis

router = APIRouter(tags=["kpis"], route_class=SessionRoute)


def _json(obj: Any) -> Any:
    if isinstance(obj, dict):
        return {k: _json(v) for k, v in obj.items()}
    if isinstance(obj, list):
        return [_json(v) for v in obj]
    if isinstance(obj, kpis.Figure):
        return {"value": kpis.to_json(obj.value), "n": obj.n, **_json(obj.detail)}
    if isinstance(obj, kpis.Period):
        return obj.to_dict()
    return kpis.to_json(obj)


@router.get("/kpis")
def get_kpis(metric: str | None = None, period: str | None = None, segment: str | None = None,
             stage_id: str | None = None, p: Principal = Depends(principal),
             s: Session = Depends(get_session)) -> dict[str, Any]:
    when = kpis.parse_period(period)
    seg = kpis.parse_segment(segment)
    base = {"period": when.to_dict(), "segment": {"type": seg.type, "value": seg.value}}
    if metric is None:
        return base | _json({k: v for k, v in kpis.dashboard(s, p.workspace_id, when, seg).items()
                             if k != "period"})
    stage = None
    if stage_id not in (None, ""):
        from updoot_app.services.platform.validation import clean_id

        stage = clean_id(stage_id, "stage_id")
    figure = kpis.metric_value(s, p.workspace_id, metric, when, seg, stage)
    return base | {"metric": metric, "label": kpis.METRICS[metric][0],
                   "unit": kpis.METRICS[metric][1]} | _json(figure)


@router.get("/kpis/calibration")
def calibration(period: str | None = "all", p: Principal = Depends(principal),
                s: Session = Depends(get_session)) -> dict[str, Any]:
    when = kpis.parse_period(period or "all")
    return {
        "period": when.to_dict(),
        "prior_strength": icp_calibration.PRIOR_STRENGTH,
        "min_n": icp_calibration.MIN_N,
        "by_tier": _json(icp_calibration.by_tier(s, p.workspace_id, when)),
        "icps": _json(icp_calibration.criterion_lift(s, p.workspace_id, when)),
    }


@router.get("/kpis/breakdown")
def breakdown(by: str = "fit_tier", period: str | None = None, segment: str | None = None,
              p: Principal = Depends(principal),
              s: Session = Depends(get_session)) -> dict[str, Any]:
    """Deals closed in the period by fit_tier, industry, country, owner or icp: closed,
    won, lost, win rate, revenue, average deal size and cycle, each with its n."""
    when = kpis.parse_period(period)
    seg = kpis.parse_segment(segment)
    return {"period": when.to_dict(), "by": by,
            "rows": _json(kpis.closed_by(s, p.workspace_id, when, by, seg))}
