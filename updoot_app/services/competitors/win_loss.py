"""Win/loss against competitors, from the deals where they were present.

Win rate = won / (won + lost) over the deals the competitor is attached to;
open deals do not count. Every rate travels with its n (won + lost) and its
label says so: "100% (n=1)", never a bare "100%". Counts are SQL GROUP BYs;
the per-tier, per-quarter and per-segment figures are pandas group-bys over
one query's rows (no per-deal Python loop).

Average deal size is over the closed (won or lost) deals in the workspace
currency (deals in other currencies are counted in `other_currency_deals`, no
exchange rates are applied). Cycle length is closed_at − created_at in days,
over closed deals.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

import pandas as pd
from sqlalchemy import func
from sqlmodel import Session, select

from updoot_app.models import Company, Deal, DealCompetitor, Stage, Workspace
from updoot_app.services.competitors.battlecards import full_target, get_competitor
from updoot_app.services.platform import geo
from updoot_app.services.profiles import icp_reads
from updoot_app.services.profiles.scoring_model import icp_to_payload
from updoot_app.services.profiles.tiers import FIT_TIERS, TIER_LABELS, UNSCORED
from updoot_app.services.profiles.wizard_draft import FIELD_LABELS, describe_condition

TIER_ORDER = (*FIT_TIERS, UNSCORED)
CENT = Decimal("0.01")
TOP_SEGMENTS = 5


def win_rate(won: int, lost: int) -> dict:
    """{"won", "lost", "n", "win_rate" (0..1 float or None), "percent" (int or None), "label"}."""
    won, lost = int(won), int(lost)
    n = won + lost
    if n == 0:
        return {"won": won, "lost": lost, "n": 0, "win_rate": None, "percent": None,
                "label": "no closed deals (n=0)"}
    percent = int((Decimal(won) * 100 / n).quantize(Decimal(1), rounding=ROUND_HALF_UP))
    return {"won": won, "lost": lost, "n": n, "win_rate": won / n, "percent": percent,
            "label": f"{percent}% (n={n})"}


def summaries(session: Session, workspace_id: int) -> dict[int, dict]:
    """Per competitor of the workspace: win_rate(...) plus "open" (count of open deals)."""
    rows = session.exec(
        select(DealCompetitor.competitor_id, Stage.kind, func.count(Deal.id))
        .join(Deal, Deal.id == DealCompetitor.deal_id)
        .join(Stage, Stage.id == Deal.stage_id)
        .where(DealCompetitor.workspace_id == workspace_id, Deal.workspace_id == workspace_id)
        .group_by(DealCompetitor.competitor_id, Stage.kind)
    ).all()
    counts: dict[int, dict[str, int]] = {}
    for cid, kind, count in rows:
        counts.setdefault(cid, {"open": 0, "won": 0, "lost": 0})[kind] = int(count)
    return {cid: {**win_rate(c["won"], c["lost"]), "open": c["open"]}
            for cid, c in counts.items()}


def no_deals_summary() -> dict:
    """The summary of a competitor not present on any deal (absent from `summaries`)."""
    return {**win_rate(0, 0), "open": 0}


def summary(session: Session, workspace_id: int, competitor_id: int) -> dict:
    return summaries(session, workspace_id).get(competitor_id, no_deals_summary())


def overall(session: Session, workspace_id: int) -> dict:
    """Our win rate over every closed deal of the workspace, competitor or not."""
    counts = dict(session.exec(
        select(Stage.kind, func.count(Deal.id)).join(Stage, Stage.id == Deal.stage_id)
        .where(Deal.workspace_id == workspace_id).group_by(Stage.kind)).all())
    return win_rate(counts.get("won", 0), counts.get("lost", 0))


def _deals_frame(session: Session, workspace_id: int, competitor_id: int) -> pd.DataFrame:
    rows = session.exec(
        select(Deal.id, Deal.value, Deal.currency, Deal.created_at, Deal.closed_at, Stage.kind,
               Company.fit_tier, Company.industry, Company.country)
        .join(DealCompetitor, DealCompetitor.deal_id == Deal.id)
        .join(Stage, Stage.id == Deal.stage_id)
        .join(Company, Company.id == Deal.company_id)
        .where(DealCompetitor.competitor_id == competitor_id, Deal.workspace_id == workspace_id)
    ).all()
    frame = pd.DataFrame([tuple(r) for r in rows],
                         columns=["deal_id", "value", "currency", "created_at", "closed_at",
                                  "kind", "fit_tier", "industry", "country"])
    frame["created_at"] = pd.to_datetime(frame["created_at"], utc=True)
    frame["closed_at"] = pd.to_datetime(frame["closed_at"], utc=True)
    frame["fit_tier"] = frame["fit_tier"].fillna("unscored")
    return frame


def _group_figures(frame: pd.DataFrame, by: str, currency: str) -> pd.DataFrame:
    """Per value of `by`: won, lost, open, closed value sum/count in `currency`, cycle days."""
    closed = frame["kind"].isin(("won", "lost"))
    in_currency = closed & (frame["currency"] == currency)
    work = pd.DataFrame({
        by: frame[by],
        "won": (frame["kind"] == "won").astype(int),
        "lost": (frame["kind"] == "lost").astype(int),
        "open": (frame["kind"] == "open").astype(int),
        "value": frame["value"].where(in_currency, Decimal(0)),
        "valued": in_currency.astype(int),
        "other_currency": (closed & ~in_currency).astype(int),
        "cycle_days": ((frame["closed_at"] - frame["created_at"]).dt.total_seconds() / 86400
                       ).where(closed),
    })
    return work.groupby(by, sort=False).agg(
        won=("won", "sum"), lost=("lost", "sum"), open=("open", "sum"),
        value=("value", lambda s: sum(s, Decimal(0))), valued=("valued", "sum"),
        other_currency=("other_currency", "sum"), cycle_days=("cycle_days", "mean"))


def _figures_row(key: str, label: str, g: pd.Series) -> dict:
    valued = int(g["valued"])
    avg = (g["value"] / valued).quantize(CENT, rounding=ROUND_HALF_UP) if valued else None
    cycle = None if pd.isna(g["cycle_days"]) else round(float(g["cycle_days"]), 1)
    rate = win_rate(g["won"], g["lost"])
    return {"key": key, "label": label, **{k: v for k, v in rate.items() if k != "label"},
            "rate_label": rate["label"], "open": int(g["open"]),
            "avg_deal_size": avg, "avg_cycle_days": cycle,
            "other_currency_deals": int(g["other_currency"])}


def by_tier(frame: pd.DataFrame, currency: str) -> list[dict]:
    """One row per our fit tier (A..D, not a fit, not scored) that has deals, plus "all"."""
    if frame.empty:
        return []
    grouped = _group_figures(frame, "fit_tier", currency)
    rows = [_figures_row(t, TIER_LABELS[t], grouped.loc[t]) for t in TIER_ORDER
            if t in grouped.index]
    total = _group_figures(frame.assign(all="all"), "all", currency).loc["all"]
    rows.append(_figures_row("all", "All tiers", total))
    return rows


def by_quarter(frame: pd.DataFrame) -> list[dict]:
    """Closed deals by the quarter they closed in, oldest first, with the rate and n."""
    closed = frame[frame["kind"].isin(("won", "lost"))]
    if closed.empty:
        return []
    quarter = closed["closed_at"].dt.tz_convert(None).dt.to_period("Q")
    counts = pd.crosstab(quarter, closed["kind"]).reindex(columns=["won", "lost"],
                                                          fill_value=0).sort_index()
    return [{"quarter": f"{p.year} Q{p.quarter}", **win_rate(r["won"], r["lost"])}
            for p, r in counts.iterrows()]


def top_segments(frame: pd.DataFrame, column: str, limit: int = TOP_SEGMENTS) -> list[dict]:
    """Where we meet them most: deals per company industry (or country), most first."""
    if frame.empty:
        return []
    values = frame[column].fillna("Unknown").replace("", "Unknown")
    work = pd.DataFrame({"segment": values, "deals": 1,
                         "won": (frame["kind"] == "won").astype(int),
                         "lost": (frame["kind"] == "lost").astype(int)})
    grouped = work.groupby("segment").sum().sort_values(["deals", "won"], ascending=False)
    grouped = grouped.head(limit)
    return [{"segment": str(seg), "deals": int(r["deals"]), **win_rate(r["won"], r["lost"])}
            for seg, r in grouped.iterrows()]


def _range_overlap(lo1, hi1, lo2, hi2) -> tuple[object, object] | None:
    low = max(v for v in (lo1, lo2, 0) if v is not None)
    highs = [v for v in (hi1, hi2) if v is not None]
    high = min(highs) if highs else None
    if high is not None and low > high:
        return None
    return low, high


def overlap(icp_criteria: list[tuple[str, dict]], target: dict) -> list[dict]:
    """Which of our ICP criteria (name, criterion payload) the competitor also targets.

    status: "overlap" (shared values listed), "no_overlap", or "not_stated"
    (their target says nothing about that field).
    """
    t = full_target(target)
    rows = []
    for icp_name, crit in icp_criteria:
        fld = crit.get("field")
        status, shared = "not_stated", ""
        if fld == "industry" and t["industries"]:
            ours = {v.lower() for v in crit.get("values", [])}
            common = [v for v in t["industries"] if v.lower() in ours]
            status, shared = ("overlap", ", ".join(common)) if common else ("no_overlap", "")
        elif fld == "employees" and (t["employees_min"] is not None
                                     or t["employees_max"] is not None):
            both = _range_overlap(crit.get("min"), crit.get("max"), t["employees_min"],
                                  t["employees_max"])
            if both is None:
                status = "no_overlap"
            else:
                status = "overlap"
                shared = describe_condition({"min": both[0], "max": both[1]}) + " employees"
        elif fld == "geography" and t["geography"]:
            try:
                ours = geo.expand_geography(crit.get("values", []))
            except ValueError:
                ours = set()
            common_values = [v for v in t["geography"] if geo.expand_geography([v]) & ours]
            common = geo.expand_geography(t["geography"]) & ours
            if common:
                status = "overlap"
                shared = f"{', '.join(common_values)} ({len(common)} countries in common)"
            else:
                status = "no_overlap"
        rows.append({"icp": icp_name, "field": fld,
                     "label": FIELD_LABELS.get(fld, fld),
                     "ours": describe_condition(crit), "status": status, "shared": shared})
    return rows


def active_icp_criteria(session: Session, workspace_id: int) -> list[tuple[str, dict]]:
    """(ICP name, criterion payload) of every criterion of the workspace's ICPs."""
    out = []
    for spec in icp_reads.specs_for_workspace(session, workspace_id):
        for crit in icp_to_payload(spec)["criteria"]:
            out.append((spec.name, crit))
    return out


def competitor_stats(session: Session, workspace_id: int, competitor_id: object) -> dict:
    """Everything the competitor page and GET /competitors/{id}/stats show."""
    competitor = get_competitor(session, workspace_id, competitor_id)
    currency = session.exec(select(Workspace.currency)
                            .where(Workspace.id == workspace_id)).one()
    frame = _deals_frame(session, workspace_id, competitor.id)
    open_count = int((frame["kind"] == "open").sum())
    overall = {**win_rate((frame["kind"] == "won").sum(), (frame["kind"] == "lost").sum()),
               "open": open_count, "deals": len(frame)}
    return {
        "competitor_id": competitor.id,
        "currency": currency,
        "overall": overall,
        "by_fit_tier": by_tier(frame, currency),
        "by_quarter": by_quarter(frame),
        "overlap": overlap(active_icp_criteria(session, workspace_id), competitor.target),
        "top_industries": top_segments(frame, "industry"),
        "top_countries": top_segments(frame, "country"),
    }
