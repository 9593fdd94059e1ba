"""Backtest: had an ICP scored your companies before their deals closed, how would
its tiers have sorted the outcomes?

The companies are scored by the fit engine (``profiles.scoring.score_frame``) on
what Updoot knows of them; a deal closed before its company was added (before
Updoot had its data) is left out, and counted in ``excluded``. Of the deals left:

- per tier (A, B, C, D, not a fit): closed, won, win rate;
- the share of the won revenue that sat in tiers A and B;
- the AUC of the score against won/lost (the chance that a won deal's company
  scored above a lost one's, ties count half; a disqualified company ranks
  below every score), with its n;
- the same on a holdout, the most recent ``HOLDOUT_SHARE`` of the deals, when it
  has at least ``MIN_HOLDOUT`` deals with wins and losses. A draft learned from
  the deals it is tested on flatters itself; the caller may pass the ICP learned
  without the holdout (``holdout_specs``), which makes the holdout figure honest.

Vectorised (one scoring pass, numpy indexing, one rank); pure: no I/O.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from updoot_app.services.profiles.scoring import score_frame
from updoot_app.services.profiles.scoring_model import IcpSpec, Thresholds
from updoot_app.services.profiles.tiers import FIT_TIERS

HOLDOUT_SHARE = 0.3
MIN_HOLDOUT = 20
TOP_TIERS = ("A", "B")
DEAL_COLUMNS = ("id", "company_id", "won", "value", "closed_at")


# --------------------------------------------------------------------------- deals


def _utc(values) -> np.ndarray:
    """datetime64[ns] in UTC, naive (NaT where missing): compared as numbers."""
    stamps = pd.to_datetime(pd.Series(values), utc=True, errors="coerce")
    return stamps.dt.tz_localize(None).to_numpy(dtype="datetime64[ns]")


def usable(companies: pd.DataFrame, deals: pd.DataFrame) -> tuple[pd.DataFrame, int]:
    """Deals whose company was known when they closed, with ``row`` (the company's
    position), sorted by close date then id; and the number left out."""
    rows = pd.Index(companies["id"]).get_indexer(deals["company_id"])
    closed = _utc(deals["closed_at"].reset_index(drop=True))
    created = _utc(companies["created_at"])
    ok = (rows >= 0) & ~np.isnat(closed)
    ok[ok] &= closed[ok] >= created[rows[ok]]
    kept = deals.loc[ok].assign(row=rows[ok], closed_at=closed[ok])
    kept = kept.sort_values(["closed_at", "id"], kind="mergesort").reset_index(drop=True)
    return kept, int((~ok).sum())


def holdout_start(kept: pd.DataFrame) -> int | None:
    """Index (in ``usable`` order) of the first holdout deal, or None when too few."""
    size = int(np.ceil(len(kept) * HOLDOUT_SHARE))
    if size < MIN_HOLDOUT:
        return None
    won = kept["won"].to_numpy(dtype=bool)[len(kept) - size:]
    return len(kept) - size if won.any() and not won.all() else None


# --------------------------------------------------------------------------- figures


def auc(score: np.ndarray, won: np.ndarray) -> float | None:
    """Mann–Whitney AUC with average ranks for ties; None without both outcomes."""
    won = np.asarray(won, dtype=bool)
    n_pos, n_neg = int(won.sum()), int((~won).sum())
    if not n_pos or not n_neg:
        return None
    ranks = pd.Series(score, dtype=np.float64).rank(method="average").to_numpy()
    return float((ranks[won].sum() - n_pos * (n_pos + 1) / 2) / (n_pos * n_neg))


def figures(score: np.ndarray, tier: np.ndarray, won: np.ndarray, value: np.ndarray) -> dict:
    """Tier rows, AUC and n, and the share of won revenue in A/B, for scored deals."""
    won = np.asarray(won, dtype=bool)
    tier = np.asarray(tier, dtype=object)
    rows = []
    for t in FIT_TIERS:
        here = tier == t
        closed, wins = int(here.sum()), int((here & won).sum())
        rows.append({"tier": t, "closed": closed, "won": wins,
                     "win_rate": round(wins / closed, 4) if closed else None})
    won_value = float(np.asarray(value, dtype=np.float64)[won].sum())
    top = float(np.asarray(value, dtype=np.float64)[won & np.isin(tier, TOP_TIERS)].sum())
    area = auc(score, won)
    return {"tiers": rows, "auc": None if area is None else round(area, 4), "n": int(len(won)),
            "won": int(won.sum()),
            "won_revenue_share_ab": round(top / won_value, 4) if won_value > 0 else None}


def _scored(companies: pd.DataFrame, specs: list[IcpSpec],
            thresholds: Thresholds) -> tuple[np.ndarray, np.ndarray]:
    """Score per company (a disqualified one at -1: below every score) and tier."""
    scored = score_frame(companies, specs, thresholds)
    tier = scored["tier"].to_numpy(dtype=object)
    score = pd.to_numeric(scored["score"], errors="coerce").to_numpy(dtype=np.float64)
    score = np.where(tier == "not_a_fit", -1.0, score)
    return score, tier


def _on(kept: pd.DataFrame, score: np.ndarray, tier: np.ndarray) -> dict:
    rows = kept["row"].to_numpy(dtype=np.intp)
    return figures(score[rows], tier[rows], kept["won"].to_numpy(dtype=bool),
                   pd.to_numeric(kept["value"]).to_numpy(dtype=np.float64))


# --------------------------------------------------------------------------- the backtest


def backtest(companies: pd.DataFrame, deals: pd.DataFrame, specs: list[IcpSpec], *,
             holdout_specs: list[IcpSpec] | None = None,
             thresholds: Thresholds = Thresholds()) -> dict:
    """``companies``: the scoring columns, id and created_at; ``deals``: closed deals
    with the ``DEAL_COLUMNS``. Answers the figures of all usable deals, ``excluded``,
    and ``holdout`` (figures, ``since``, ``learned_without_it``) or None."""
    companies = companies.reset_index(drop=True)
    kept, excluded = usable(companies, deals)
    if not specs:
        return {**figures(np.zeros(0), np.zeros(0, dtype=object), np.zeros(0, dtype=bool),
                          np.zeros(0)), "excluded": excluded, "holdout": None}
    score, tier = _scored(companies, specs, thresholds)
    out = _on(kept, score, tier) | {"excluded": excluded, "holdout": None}
    start = holdout_start(kept)
    if start is not None:
        if holdout_specs is not None:
            score, tier = _scored(companies, holdout_specs, thresholds)
        part = kept.iloc[start:]
        out["holdout"] = _on(part, score, tier) | {
            "since": pd.Timestamp(part["closed_at"].iloc[0]).tz_localize("UTC").isoformat(),
            "learned_without_it": holdout_specs is not None}
    return out


# --------------------------------------------------------------------------- review prompts

REVIEW_AFTER_DAYS = 365
MIN_QUARTER_DEALS = 15
CLEARLY_WORSE = 0.1  # AUC points lost from one quarter to the next


def _quarter_start(when: pd.Timestamp) -> pd.Timestamp:
    return pd.Timestamp(year=when.year, month=3 * ((when.month - 1) // 3) + 1, day=1)


def review_reasons(companies: pd.DataFrame, deals: pd.DataFrame, spec: IcpSpec,
                   version_created: pd.Timestamp, now: pd.Timestamp) -> list[str]:
    """Why an ICP is due for review: its version is over ``REVIEW_AFTER_DAYS`` old,
    or its AUC on the deals closed last quarter is ``CLEARLY_WORSE`` than on the
    quarter before (each with at least ``MIN_QUARTER_DEALS`` deals). Naive UTC times."""
    reasons = []
    age = (now - version_created).days
    if age > REVIEW_AFTER_DAYS:
        reasons.append(f"Not reviewed for {age // 30} months.")
    companies = companies.reset_index(drop=True)
    kept, _excluded = usable(companies, deals)
    this_quarter = _quarter_start(now)
    last = _quarter_start(this_quarter - pd.Timedelta(days=1))
    before = _quarter_start(last - pd.Timedelta(days=1))
    closed = pd.to_datetime(kept["closed_at"])
    parts = [kept[(closed >= lo) & (closed < hi)] for lo, hi in ((before, last),
                                                                  (last, this_quarter))]
    if min(len(p) for p in parts) < MIN_QUARTER_DEALS:
        return reasons
    score, tier = _scored(companies, [spec], Thresholds())
    earlier, recent = (_on(p, score, tier)["auc"] for p in parts)
    if earlier is not None and recent is not None and recent <= earlier - CLEARLY_WORSE:
        reasons.append(f"It sorted last quarter's deals worse than the quarter before's "
                       f"(AUC {recent:.2f} on {len(parts[1])} deals vs {earlier:.2f} on "
                       f"{len(parts[0])}).")
    return reasons
