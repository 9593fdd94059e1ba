"""Dashboard page data: KPIs, goal progress, plotly charts with their tables and
CSV, and the ICP calibration ("Is our ICP working?").

The KPI figures come from ``services.kpis.dashboard.compute``; ``build_view`` turns
them into the (small) public vars the browser gets — a few dozen rows and three
charts, whatever the number of deals.
"""

from __future__ import annotations

import csv
import io
from decimal import Decimal
from typing import Any

import reflex as rx

from updoot_app import db
from updoot_app.services.identity.access import Principal
from updoot_app.services.identity.workspaces import get_workspace
from updoot_app.services.kpis import dashboard
from updoot_app.services.kpis.calibration import MIN_N, PRIOR_STRENGTH, apply_suggestion
from updoot_app.services.kpis.goals import STATUS_LABELS
from updoot_app.services.kpis.metric_catalog import METRICS
from updoot_app.services.kpis.periods import month_label, parse_period
from updoot_app.services.kpis.segments import ALL, SIGNAL_VALUES, clean_segment
from updoot_app.services.platform.errors import ValidationError
from updoot_app.services.platform.money_display import format_money
from updoot_app.services.profiles import tiers
from updoot_app.state.guard import guard
from updoot_app.state.kpis import charts
from updoot_app.state.profiles.rescore import RescoreState
from updoot_app.state.profiles.review_state import ReviewPromptsState

TIER_LABELS = {**tiers.TIER_LABELS, "none": tiers.UNSCORED_LABEL, "all": "All"}
STATUS_COLORS = {"on_track": "green", "at_risk": "orange", "no_data": "gray",
                 "not_started": "gray"}
CHARTS = ("funnel", "trend", "tiers")
ACCENT, MUTED = "#3e63dd", "#8d8d8d"
SUMMARY_METRICS = ("new_leads", "icp_fit_leads", "deals_created", "conversion_rate", "win_rate",
                   "revenue", "revenue_invoiced", "revenue_paid", "avg_deal_size",
                   "sales_cycle_days", "pipeline_value", "pipeline_weighted")


# --------------------------------------------------------------------------- formatting


def fmt(value: Any, unit: str, currency: str) -> str:
    if value is None:
        return "—"
    if unit == "rate":
        return f"{float(value):.0%}"
    if unit == "money":
        return format_money(Decimal(value), currency)
    if unit == "days":
        return f"{float(value):.1f} days"
    return f"{int(value):,}"


def fmt_goal(value: str | None, unit: str, currency: str) -> str:
    if value is None:
        return "—"
    if unit == "rate":
        return f"{Decimal(value):.0f}%"
    if unit == "money":
        return format_money(Decimal(value), currency)
    if unit == "days":
        return f"{Decimal(value):.1f} days"
    return f"{Decimal(value):,.0f}"


def pct(rate: float | None) -> str:
    return "—" if rate is None else f"{rate:.0%}"


def goal_rows(goals: list[dict], currency: str) -> list[dict[str, str]]:
    rows = []
    for g in goals:
        pr, unit = g["progress"], g["unit"]
        expected = (f"expected by now {fmt_goal(pr['expected'], unit, currency)}"
                    if pr["status"] in ("on_track", "at_risk") else "")
        rows.append({
            "id": str(g["id"]), "title": g["title"], "metric": g["metric_label"],
            "period": g["period"]["label"],
            "actual": fmt_goal(pr["actual"], unit, currency),
            "target": fmt_goal(g["target"], unit, currency),
            "expected": expected, "percent": str(pr["percent"]), "status": pr["status"],
            "status_label": STATUS_LABELS[pr["status"]],
            "color": STATUS_COLORS[pr["status"]], "n": str(pr["n"]),
            "owner": g["owner"] or "—", "note": pr["note"],
        })
    return rows


def funnel_chart(rows: list[dict]) -> dict:
    names = [r["stage"] for r in rows][::-1]
    values = [r["reached"] for r in rows][::-1]
    return charts.chart([charts.bar(
        values, names, orientation="h", marker={"color": ACCENT},
        text=[f"{v:,}" for v in values], textposition="auto",
        hovertemplate="%{y}: %{x:,} deals<extra></extra>")])


def trend_chart(rows: list[dict]) -> dict:
    months = [month_label(r["month"]) for r in rows]
    return charts.chart([
        charts.bar(months, [r["deals_created"] for r in rows], name="Deals created",
                   marker={"color": MUTED}),
        charts.scatter(months, [r["won"] for r in rows], name="Deals won",
                       mode="lines+markers", line={"color": ACCENT, "width": 3}),
    ])


def tier_chart(rows: list[dict]) -> dict:
    tiers = [r for r in rows if r["key"] != "all"]
    return charts.chart([charts.bar(
        [TIER_LABELS.get(r["key"], r["key"]) for r in tiers],
        [round((r["win_rate"] or 0) * 100, 1) for r in tiers],
        text=[f"{pct(r['win_rate'])} (n={r['closed']})" for r in tiers], textposition="auto",
        marker={"color": ACCENT}, hovertemplate="Tier %{x}: %{y}% won<extra></extra>")],
        yaxis={"title": {"text": "Win rate %"}, "rangemode": "tozero"})


def tier_rows(rows: list[dict], currency: str) -> list[dict[str, str]]:
    return [{
        "tier": TIER_LABELS.get(r["key"], r["key"]), "closed": f"{r['closed']:,}",
        "won": f"{r['won']:,}", "win_rate": pct(r["win_rate"]),
        "revenue": format_money(r["revenue"], currency),
        "avg_deal_size": fmt(r["avg_deal_size"], "money", currency),
        "avg_cycle_days": fmt(r["avg_cycle_days"], "days", currency),
    } for r in rows]


def calibration_rows(items: list[dict]) -> tuple[list[dict[str, str]], list[dict[str, str]]]:
    icps_out, crit = [], []
    for item in items:
        icps_out.append({"icp_id": str(item["icp_id"]), "name": item["name"],
                         "n": f"{item['n']:,}", "win_rate": pct(item["win_rate"]),
                         "has_suggestion": "yes" if item["has_suggestion"] else ""})
        for r in item["criteria"]:
            lift = r["lift"]
            crit.append({
                "icp_id": str(item["icp_id"]), "criterion": r["label"],
                "match": f"{pct(r['shrunk_match'])} (n={r['n_match']})",
                "miss": f"{pct(r['shrunk_miss'])} (n={r['n_miss']})",
                "raw": f"{pct(r['rate_match'])} vs {pct(r['rate_miss'])}",
                "lift": "—" if lift is None else f"{lift * 100:+.1f} pts",
                "weight": str(r["weight"]),
                "suggested": str(r["suggested"]) if r["enough"] else f"{r['weight']} (too few deals)",
                "changed": "yes" if r["suggested"] != r["weight"] else "",
            })
    return icps_out, crit


def build_view(bundle: dict, currency: str) -> dict[str, Any]:
    """The public vars of the dashboard, from ``dashboard.compute``'s bundle."""
    figures = bundle["figures"]
    summary = figures["summary"]
    calib_icps, calib_rows = calibration_rows(bundle["calibration"])
    funnel = figures["funnel"]
    trend = figures["trend"]
    return {
        "period_label": bundle["period"].label,
        "kpi_rows": [{"metric": METRICS[m][0],
                      "value": fmt(summary[m].value, METRICS[m][1], currency),
                      "n": f"{summary[m].n:,}",
                      "note": summary[m].detail.get("note", "")} for m in SUMMARY_METRICS],
        "goal_rows": goal_rows(bundle["goals"], currency),
        "funnel_fig": funnel_chart(funnel),
        "funnel_rows": [{"stage": r["stage"], "reached": f"{r['reached']:,}",
                         "next_rate": pct(r["next_rate"])} for r in funnel],
        "trend_fig": trend_chart(trend),
        "trend_rows": [{"month": r["month"], "deals_created": f"{r['deals_created']:,}",
                        "won": f"{r['won']:,}",
                        "won_value": format_money(r["won_value"], currency),
                        "new_leads": f"{r['new_leads']:,}"} for r in trend],
        "tier_fig": tier_chart(bundle["by_tier"]),
        "tier_rows": tier_rows(bundle["by_tier"], currency),
        "calib_icps": calib_icps,
        "calib_rows": calib_rows,
    }


def to_csv(rows: list[dict[str, str]]) -> str:
    """CSV of table rows; text that a spreadsheet would run as a formula is quoted."""
    if not rows:
        return ""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(rows[0]))
    writer.writeheader()
    for row in rows:
        writer.writerow({k: _safe(v) for k, v in row.items()})
    return out.getvalue()


def _safe(value: str) -> str:
    risky = value[:1] in ("=", "+", "@", "\t", "\r") or (value[:1] == "-" and not _numberish(value))
    return "'" + value if risky else value


def _numberish(text: str) -> bool:
    try:
        float(text.split()[0].rstrip("%"))
        return True
    except (ValueError, IndexError):
        return False


SIGNAL_LABELS = {"fresh": " · deals with a fresh signal", "none": " · deals without a signal"}


class DashboardState(RescoreState):
    companies: int = 0
    contacts: int = 0
    open_deals: int = 0
    open_deals_hint: str = ""
    pipeline_value: str = ""
    weighted_value: str = ""
    win_rate: str = "—"
    won_lost: str = ""
    stages: list[dict[str, str]] = []

    period: str = "quarter"
    signal: str = "all"  # the KPI segment "signal": all, fresh or none
    signal_label: str = ""
    period_label: str = ""
    kpi_rows: list[dict[str, str]] = []
    goal_rows: list[dict[str, str]] = []
    funnel_fig: dict = charts.EMPTY
    funnel_rows: list[dict[str, str]] = []
    trend_fig: dict = charts.EMPTY
    trend_rows: list[dict[str, str]] = []
    tier_fig: dict = charts.EMPTY
    tier_rows: list[dict[str, str]] = []
    calib_icps: list[dict[str, str]] = []
    calib_rows: list[dict[str, str]] = []
    tables_open: list[str] = []
    prior_note: str = (f"Rates are shrunk toward the ICP's overall win rate with a prior of "
                       f"{PRIOR_STRENGTH} deals; weights are suggested only for criteria with "
                       f"at least {MIN_N} deals on each side.")

    def _fill(self, p: Principal) -> None:
        with db.session_scope() as session:
            currency = get_workspace(session, p).currency
        seg = ALL if self.signal == "all" else clean_segment("signal", self.signal)
        bundle = dashboard.compute(p, self.period, seg=seg)
        self.signal_label = SIGNAL_LABELS.get(self.signal, "")
        glance = bundle["overview"]
        self.companies = glance["companies"]
        self.contacts = glance["contacts"]
        self.open_deals = glance["open_deals"]
        self.pipeline_value = format_money(glance["pipeline_value"], currency)
        missing = glance["without_next_step"]
        self.open_deals_hint = self.pipeline_value + (
            f" · {missing} without a next step" if missing else "")
        self.weighted_value = format_money(glance["weighted_value"], currency)
        rate = glance["win_rate"]
        closed = glance["won"] + glance["lost"]
        self.win_rate = f"{rate:.0%}" if rate is not None else "—"
        self.won_lost = f"{glance['won']} won · {glance['lost']} lost (n={closed})"
        self.stages = [
            {"stage": s["stage"], "deals": str(s["deals"]),
             "value": format_money(s["value"], currency)}
            for s in glance["by_stage"]
        ]
        for key, value in build_view(bundle, currency).items():
            setattr(self, key, value)

    @rx.event
    @guard("viewer", page=True)
    def load(self, p: Principal):
        """The page in one event; the "Time to review" panel (a backtest per active
        ICP, slower) follows in its own, after the figures are drawn."""
        self._fill(p)
        return ReviewPromptsState.load

    @rx.event
    @guard("viewer")
    def set_period(self, p: Principal, period: str | list[str]):
        if period not in dashboard.DASHBOARD_PERIODS:
            raise ValidationError("period", "Choose month, quarter or year.")
        self.period = period
        self._fill(p)

    @rx.event
    @guard("viewer")
    def set_signal(self, p: Principal, value: str | list[str]):
        """The period's figures of all deals, or of those opened with a fresh buying
        signal ("fresh") or without one ("none"): the KPI segment "signal"."""
        if value not in ("all", *SIGNAL_VALUES):
            raise ValidationError("signal", "Choose all, fresh or none.")
        self.signal = value
        self._fill(p)

    @rx.event
    @guard("viewer")
    def toggle_table(self, p: Principal, name: str):
        if name not in CHARTS:
            return
        if name in self.tables_open:
            self.tables_open = [n for n in self.tables_open if n != name]
        else:
            self.tables_open = [*self.tables_open, name]

    @rx.event
    @guard("viewer")
    def download_csv(self, p: Principal, name: str):
        rows = {"funnel": self.funnel_rows, "trend": self.trend_rows,
                "tiers": self.tier_rows, "kpis": self.kpi_rows,
                "goals": self.goal_rows, "criteria": self.calib_rows}.get(name)
        if rows is None:
            raise ValidationError("name", "Unknown table.")
        return rx.download(data=to_csv(rows), filename=f"updoot-{name}.csv")

    @rx.event
    @guard("member")
    def apply_suggestion(self, p: Principal, icp_id: str):
        with db.session_scope() as session:
            version = apply_suggestion(session, p, icp_id, parse_period(self.period))
            number = version.number
        self._fill(p)
        return [rx.toast.success(f"Suggested weights saved as version {number}; re-scoring."),
                RescoreState.rescore]
