"""Benchmark of the ICP suggestion and the backtest (pure engines, data in memory).

Run with ``python bench/bench_icp_suggest.py``. Targets: over 100,000 companies
and 200,000 closed deals, ``icp_suggest.suggest`` and ``icp_backtest.backtest``
each under 2 s, and each within 1.5x of its time on 10,000 companies / 20,000
deals scaled linearly (no quadratic step).
"""

from __future__ import annotations

import gc
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import pandas as pd

try:
    from bench.bench_scoring import ICP_PAYLOADS, make_companies
    from updoot_app.services.kpis import icp_backtest, icp_suggest
    from updoot_app.services.profiles.scoring_model import parse_icp
except ModuleNotFoundError:  # running from a checkout that is not installed
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    from bench.bench_scoring import ICP_PAYLOADS, make_companies
    from updoot_app.services.kpis import icp_backtest, icp_suggest
    from updoot_app.services.profiles.scoring_model import parse_icp

N_COMPANIES = 100_000
SMALL = 10_000
DEALS_PER_COMPANY = 2
TARGET_S = 2.0
SCALING_TARGET = 1.5
T0 = datetime(2024, 1, 1, tzinfo=UTC)


def make_history(n: int, seed: int = 7) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Companies (bench_scoring's mix, with created_at) and 2 closed deals per company,
    won more often in Financial Services and with a compliance audit."""
    rng = np.random.default_rng(seed)
    companies = make_companies(n, seed)
    companies["created_at"] = T0 + pd.to_timedelta(rng.integers(0, 400, n), unit="D")
    m = n * DEALS_PER_COMPANY
    company_rows = rng.integers(0, n, m)
    fs = (companies["industry"].to_numpy(dtype=object) == "Financial Services")[company_rows]
    audit = companies["triggers"].map(lambda t: bool(t) and "compliance audit" in t)
    p = 0.15 + 0.35 * fs + 0.25 * audit.to_numpy(dtype=bool)[company_rows]
    deals = pd.DataFrame({
        "id": np.arange(1, m + 1),
        "company_id": companies["id"].to_numpy()[company_rows],
        "won": rng.random(m) < p,
        "value": np.round(rng.lognormal(9.5, 0.8, m), 2),
        "closed_at": pd.Timestamp(T0) + pd.to_timedelta(rng.integers(0, 800, m), unit="D"),
    })
    return companies, deals


def _best_of(runs: int, func) -> float:
    best = float("inf")
    for _ in range(runs):
        gc.collect()
        start = time.perf_counter()
        func()
        best = min(best, time.perf_counter() - start)
    return best


def _timings(n: int) -> dict[str, float]:
    companies, deals = make_history(n)
    best = icp_suggest.pick_best(companies, deals)
    spec = [parse_icp(ICP_PAYLOADS[0], id=1)]
    return {
        "suggest": _best_of(3, lambda: icp_suggest.suggest(
            companies, icp_suggest.pick_best(companies, deals))),
        "backtest": _best_of(3, lambda: icp_backtest.backtest(companies, deals, spec,
                                                               holdout_specs=spec)),
        "best": float(best.sum()),
    }


def run(n: int = N_COMPANIES, small: int = SMALL) -> list[dict]:
    """Measure and return rows {"figure", "value", "target", "pass"}."""
    _timings(1_000)  # warm caches and imports
    little, big = _timings(small), _timings(n)
    rows = []
    for name in ("suggest", "backtest"):
        ratio = big[name] / (little[name] * n / small)
        rows += [
            {"figure": f"{name}, {n:,} companies / {n * DEALS_PER_COMPANY:,} closed deals "
                       "(s, best of 3)",
             "value": round(big[name], 3), "target": f"< {TARGET_S:g}",
             "pass": big[name] < TARGET_S},
            {"figure": f"{name}, {small:,} companies (s, best of 3)",
             "value": round(little[name], 3), "target": None, "pass": None},
            {"figure": f"{name}: time at {n:,} / ({small:,} scaled linearly)",
             "value": round(ratio, 2), "target": f"<= {SCALING_TARGET:g}",
             "pass": ratio <= SCALING_TARGET},
        ]
    return rows


def _print_table(rows: list[dict]) -> None:
    width = max(len(row["figure"]) for row in rows)
    print(f"{'figure':<{width}}  {'value':>10}  {'target':>8}  pass")
    for row in rows:
        verdict = "-" if row["pass"] is None else ("yes" if row["pass"] else "NO")
        target = row["target"] or "-"
        print(f"{row['figure']:<{width}}  {row['value']:>10}  {target:>8}  {verdict}")


if __name__ == "__main__":
    _print_table(run())
