"""The metrics of the Goals module, and any one of them as a figure.

Each metric is a function of ``(session, workspace_id, period, segment)`` and
returns a :class:`~updoot_app.services.kpis.figure.Figure` (the value and ``n``, the
number of rows behind it). Queries aggregate in the database (COUNT/SUM/GROUP BY on
covering indexes, see ``models/goals.py``); Python only sees a handful of grouped
rows, so the same code answers for ten deals or a million.

Definitions (the dashboard, the API and the goals all use these):

- **new_leads**: companies created in the period. **icp_fit_leads**: those of
  them whose current fit tier is A or B.
- **deals_created**: deals created in the period.
- **win_rate**: won / (won + lost) among deals *closed* in the period.
- **revenue**: the value of deals won in the period; **revenue_invoiced** and
  **revenue_paid** come from billing (finalised invoices, payments), for the
  "all" segment only.
- **avg_deal_size**: revenue / number of deals won in the period.
- **sales_cycle_days**: mean days from creation to closing of deals won in
  the period.
- **pipeline_value** / **pipeline_weighted**: open deals created before the
  period's end, at face value / value × stage probability (a snapshot: deals
  that are open now).
- **conversion_rate** and the **funnel**: the cohort of deals created in the
  period, see ``funnel``.

Money is summed as stored (exact integers, see ``models.types.Money``); deals
in several currencies are added as they are (the workspace sells in one).
Segments: see ``segments``.
"""

from __future__ import annotations

from sqlmodel import Session

from updoot_app.services.kpis.billing_figures import invoiced_revenue, paid_revenue
from updoot_app.services.kpis.deal_figures import (
    avg_deal_size,
    deals_created,
    pipeline_value,
    pipeline_weighted,
    revenue,
    sales_cycle_days,
    win_rate,
)
from updoot_app.services.kpis.figure import Figure
from updoot_app.services.kpis.funnel import conversion_rate
from updoot_app.services.kpis.lead_figures import icp_fit_leads, new_leads
from updoot_app.services.kpis.periods import Period
from updoot_app.services.kpis.segments import ALL, Segment
from updoot_app.services.platform.errors import ValidationError

# metric -> (label, unit, kind). unit: count | rate | money | days.
# kind "sum": accumulates over the period (goals compare with the pace so far);
# "level": a rate, average or snapshot (goals compare with the target itself).
METRICS: dict[str, tuple[str, str, str]] = {
    "new_leads": ("New leads", "count", "sum"),
    "icp_fit_leads": ("ICP-fit leads (tier A/B)", "count", "sum"),
    "deals_created": ("Deals created", "count", "sum"),
    "conversion_rate": ("Stage conversion rate", "rate", "level"),
    "win_rate": ("Win rate", "rate", "level"),
    "revenue": ("Revenue (won deals)", "money", "sum"),
    "revenue_invoiced": ("Revenue invoiced", "money", "sum"),
    "revenue_paid": ("Revenue paid", "money", "sum"),
    "pipeline_value": ("Pipeline value", "money", "level"),
    "pipeline_weighted": ("Weighted pipeline", "money", "level"),
    "avg_deal_size": ("Average deal size", "money", "level"),
    "sales_cycle_days": ("Sales cycle (days)", "days", "level"),
}
LOWER_IS_BETTER = frozenset({"sales_cycle_days"})

# Every metric but conversion_rate, which also takes a stage.
_METRIC_FUNCS = {
    "new_leads": new_leads,
    "icp_fit_leads": icp_fit_leads,
    "deals_created": deals_created,
    "win_rate": win_rate,
    "revenue": revenue,
    "revenue_invoiced": invoiced_revenue,
    "revenue_paid": paid_revenue,
    "pipeline_value": pipeline_value,
    "pipeline_weighted": pipeline_weighted,
    "avg_deal_size": avg_deal_size,
    "sales_cycle_days": sales_cycle_days,
}


def clean_metric(raw: object) -> str:
    if raw not in METRICS:
        raise ValidationError("metric", f"Metric must be one of {', '.join(METRICS)}.")
    return raw  # type: ignore[return-value]


def metric_value(session: Session, workspace_id: int, metric: object, period: Period,
                 seg: Segment = ALL, stage_id: int | None = None) -> Figure:
    metric = clean_metric(metric)
    if metric == "conversion_rate":
        return conversion_rate(session, workspace_id, period, seg, stage_id)
    return _METRIC_FUNCS[metric](session, workspace_id, period, seg)
