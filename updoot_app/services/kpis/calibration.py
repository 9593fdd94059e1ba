""""Is our ICP working?": results by fit tier and the lift of each ICP criterion.

- ``by_tier``: win rate, revenue, average deal size and cycle length of the
  deals closed in the period, by the company's current fit tier, with n.
- ``criterion_lift``: for each criterion of each active ICP (its current
  version), the win rate of closed deals whose company *matched* it versus
  those that *missed* it (unknowns are left out). Small samples are shrunk
  toward the ICP's overall win rate p with an empirical-Bayes prior of
  strength k deals: ``shrunk = (wins + k·p) / (n + k)``, so three deals do not
  dominate. ``lift = shrunk(match) − shrunk(miss)`` in rate points.
- ``suggest_weights``: criteria with enough data (``MIN_N`` deals on each
  side) share the weight they hold now in proportion to their positive lift
  (no lift, no weight); criteria without enough data keep their weight; the
  result is rounded (largest remainder) to sum to 100. A person reviews it and
  applies it as a new ICP version (``apply_suggestion``), which re-scores.

Figures use the companies' *current* fit (after the latest re-score).
"""

from __future__ import annotations

import copy
from decimal import Decimal

from sqlmodel import Session

from updoot_app.models import Icp, IcpVersion
from updoot_app.services.identity.access import Principal
from updoot_app.services.kpis.breakdowns import closed_by
from updoot_app.services.kpis.closed_deals import closed_by_fit
from updoot_app.services.kpis.memo import Stages, stages_of
from updoot_app.services.kpis.periods import Period
from updoot_app.services.kpis.segments import ALL, Segment
from updoot_app.services.platform.errors import ValidationError
from updoot_app.services.profiles import icp_reads, icps, scoring_model

PRIOR_STRENGTH = 10
MIN_N = 5


def shrink(wins: int, n: int, prior: float, k: float = PRIOR_STRENGTH) -> float | None:
    """Empirical-Bayes estimate of a win rate: (wins + k·prior) / (n + k)."""
    if n + k <= 0:
        return None
    return (wins + k * prior) / (n + k)


def by_tier(session: Session, workspace_id: int, period: Period,
            seg: Segment = ALL) -> list[dict]:
    """One row per fit tier (A, B, C, D, not_a_fit, none), then "all"."""
    return with_total(closed_by(session, workspace_id, period, "fit_tier", seg))


def with_total(rows: list[dict]) -> list[dict]:
    """Tier rows (``breakdowns.closed_by``) followed by an "all" row summing them."""
    if not rows:
        return []
    closed = sum(r["closed"] for r in rows)
    won = sum(r["won"] for r in rows)
    revenue = sum((r["revenue"] for r in rows), Decimal(0))
    days = [(r["avg_cycle_days"], r["won"]) for r in rows if r["avg_cycle_days"] is not None]
    total = {
        "key": "all", "closed": closed, "won": won, "lost": closed - won,
        "win_rate": won / closed if closed else None,
        "revenue": revenue, "avg_deal_size": (revenue / won).quantize(Decimal("0.01"))
        if won else None,
        "avg_cycle_days": round(sum(d * n for d, n in days) / won, 1) if won and days else None,
    }
    return [*rows, total]


def _results_counts(session: Session, workspace_id: int, period: Period,
                    stages: Stages) -> list[tuple[int, str, int, int]]:
    return [(int(icp_id), str(results), w, n)
            for _tier, icp_id, results, w, n, _v, _d in closed_by_fit(
                session, workspace_id, period, ALL, stages)
            if icp_id is not None and results is not None]


def criterion_lift(session: Session, workspace_id: int, period: Period,
                   k: float = PRIOR_STRENGTH) -> list[dict]:
    """Per active ICP: its overall win rate and a row per criterion (see module doc)."""
    stages = stages_of(session, workspace_id)
    counts = _results_counts(session, workspace_id, period, stages)
    specs = icp_reads.specs_for_workspace(session, workspace_id)
    out = []
    for spec in specs:
        mine = [(res, w, n) for icp_id, res, w, n in counts if icp_id == spec.id]
        n_all = sum(n for _r, _w, n in mine)
        w_all = sum(w for _r, w, _n in mine)
        prior = w_all / n_all if n_all else 0.0
        rows = []
        for i, criterion in enumerate(spec.criteria):
            side = {"M": [0, 0], "X": [0, 0]}
            for res, w, n in mine:
                code = res[i] if len(res) > i else "U"
                if code in side:
                    side[code][0] += w
                    side[code][1] += n
            (wm, nm), (wx, nx) = side["M"], side["X"]
            sm, sx = shrink(wm, nm, prior, k), shrink(wx, nx, prior, k)
            rows.append({
                "field": criterion.field, "label": scoring_model.FIELD_LABELS[criterion.field],
                "weight": criterion.weight,
                "n_match": nm, "wins_match": wm, "rate_match": wm / nm if nm else None,
                "shrunk_match": sm,
                "n_miss": nx, "wins_miss": wx, "rate_miss": wx / nx if nx else None,
                "shrunk_miss": sx,
                "lift": (sm - sx) if n_all else None,
                "enough": nm >= MIN_N and nx >= MIN_N,
            })
        suggestion = suggest_weights(rows)
        for row, weight in zip(rows, suggestion, strict=True):
            row["suggested"] = weight
        out.append({"icp_id": spec.id, "name": spec.name, "n": n_all, "wins": w_all,
                    "win_rate": prior if n_all else None, "prior_strength": k,
                    "criteria": rows,
                    "has_suggestion": any(r["suggested"] != r["weight"] for r in rows)})
    return out


def round_to(total: int, shares: list[float]) -> list[int]:
    """Integers proportional to ``shares`` summing to ``total`` (largest remainder)."""
    s = sum(shares)
    if total <= 0 or s <= 0:
        return [0] * len(shares)
    exact = [total * x / s for x in shares]
    floors = [int(x) for x in exact]
    order = sorted(range(len(shares)), key=lambda i: (-(exact[i] - floors[i]), i))
    for i in order[: total - sum(floors)]:
        floors[i] += 1
    return floors


def suggest_weights(rows: list[dict]) -> list[int]:
    """New weights for criteria rows (``weight``, ``lift``, ``enough``); sums to 100."""
    judged = [i for i, r in enumerate(rows) if r["enough"] and r["lift"] is not None]
    budget = sum(rows[i]["weight"] for i in judged)
    lifts = [max(0.0, rows[i]["lift"]) for i in judged]
    weights = [r["weight"] for r in rows]
    if not judged or sum(lifts) <= 0:
        return weights
    for i, w in zip(judged, round_to(budget, lifts), strict=True):
        weights[i] = w
    return weights


def suggestion_for(session: Session, principal: Principal, icp_id: object,
                   period: Period) -> dict:
    icp = icp_reads.get_icp(session, principal, icp_id)
    for item in criterion_lift(session, principal.workspace_id, period):
        if item["icp_id"] == icp.id:
            return item
    raise ValidationError("icp_id", "Only an active ICP can be calibrated.")


def apply_suggestion(session: Session, principal: Principal, icp_id: object,
                     period: Period) -> IcpVersion:
    """Recompute the suggestion on the server and store it as a new ICP version
    (without re-scoring: the caller runs the background re-score)."""
    principal.require("member")
    item = suggestion_for(session, principal, icp_id, period)
    if not item["has_suggestion"]:
        raise ValidationError("criteria", "There is no weight change to apply.")
    icp = icp_reads.get_icp(session, principal, icp_id)
    current = icp_reads.current_version(session, icp)
    criteria = copy.deepcopy(current.payload["criteria"])
    by_field = {r["field"]: r["suggested"] for r in item["criteria"]}
    for c in criteria:
        c["weight"] = by_field[c["field"]]
    icps.update_icp(session, principal, icp.id, {"criteria": criteria}, rescore=False)
    return icp_reads.current_version(session, session.get(Icp, icp.id))
