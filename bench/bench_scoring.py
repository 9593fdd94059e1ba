"""Benchmark of fit scoring: bulk (vectorised) versus one company at a time.

Run with ``python bench/bench_scoring.py``. Targets: 100,000 companies against
3 ICPs scored in bulk in under 1 s, at least 20x faster than the single path.
"""

from __future__ import annotations

import gc
import resource
import sys
import time
import tracemalloc
from decimal import Decimal
from pathlib import Path

import numpy as np
import pandas as pd

try:
    import updoot_app  # noqa: F401
except ModuleNotFoundError:  # running from a checkout that is not installed
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from updoot_app.services.profiles.examples import DESIGN_ICP  # noqa: E402
from updoot_app.services.profiles.scoring import score_company, score_frame  # noqa: E402
from updoot_app.services.profiles.scoring_model import IcpSpec, parse_icp  # noqa: E402

N_COMPANIES = 100_000
SINGLE_SAMPLE = 2_000
BULK_TARGET_S = 1.0
SPEEDUP_TARGET = 20.0

INDUSTRIES = [
    "Technology",
    "Financial Services",
    "Healthcare",
    "Manufacturing",
    "Retail",
    "Education",
    "Government",
    "Energy",
    "Media",
    "Logistics",
    "Real Estate",
    "Hospitality",
]
COUNTRIES = [
    "US",
    "CA",
    "MX",
    "BR",
    "AR",
    "GB",
    "IE",
    "DE",
    "FR",
    "NL",
    "ES",
    "IT",
    "SE",
    "NO",
    "DK",
    "FI",
    "PL",
    "CH",
    "AT",
    "BE",
    "IN",
    "JP",
    "CN",
    "SG",
    "AU",
    "NZ",
    "KR",
    "AE",
    "SA",
    "IL",
    "ZA",
    "NG",
    "KE",
    "EG",
    "TR",
    "ID",
    "VN",
    "PH",
    "CL",
    "CO",
]
TECH = [
    "AWS",
    "Azure",
    "GCP",
    "Salesforce",
    "HubSpot",
    "Snowflake",
    "Kubernetes",
    "Okta",
    "Slack",
    "Zendesk",
    "Shopify",
    "SAP",
    "Oracle",
    "Stripe",
    "Datadog",
    "Jira",
    "MongoDB",
    "PostgreSQL",
    "Terraform",
    "Workday",
]
TRIGGERS = [
    "recent funding",
    "new CISO",
    "hiring engineers",
    "expansion",
    "merger",
    "compliance audit",
    "new product launch",
    "leadership change",
]
TAGS = [
    "inbound",
    "event",
    "partner",
    "referral",
    "cold",
    "webinar",
    "trial",
    "churned",
    "strategic",
    "nurture",
]

ICP_PAYLOADS = [
    DESIGN_ICP,
    {
        "name": "European SMB growth",
        "kind": "b2b",
        "criteria": [
            {"field": "geography", "values": ["EU", "UK & Ireland", "Nordics"], "weight": 30},
            {"field": "annual_revenue", "min": "1000000", "max": "50000000", "weight": 25},
            {"field": "triggers", "values": ["recent funding", "expansion"], "weight": 25},
            {"field": "tech_stack", "values": ["HubSpot", "Shopify", "Stripe"], "weight": 10},
            {"field": "tags", "values": ["inbound", "referral"], "weight": 10},
        ],
        "disqualifiers": [{"field": "employees", "max": 5}],
    },
    {
        "name": "APAC enterprise",
        "kind": "b2b",
        "criteria": [
            {"field": "geography", "values": ["APAC"], "weight": 35},
            {"field": "employees", "min": 2000, "weight": 25},
            {"field": "industry", "values": ["Manufacturing", "Energy", "Logistics"], "weight": 20},
            {"field": "tech_stack", "values": ["SAP", "Oracle", "Azure"], "weight": 20},
        ],
        "disqualifiers": [
            {"field": "tags", "values": ["churned"]},
            {"field": "industry", "values": ["Government", "Education"]},
        ],
    },
]


def make_icps() -> list[IcpSpec]:
    return [parse_icp(payload, id=i + 1) for i, payload in enumerate(ICP_PAYLOADS)]


def _with_missing(rng: np.random.Generator, values: np.ndarray, share: float) -> np.ndarray:
    out = values.astype(object)
    out[rng.random(len(out)) < share] = None
    return out


def _list_column(rng: np.random.Generator, n: int, pool: list[str], max_len: int) -> np.ndarray:
    """Lists of 0..max_len distinct-ish values; empty cells are [] or None."""
    lengths = rng.integers(0, max_len + 1, n)
    flat = rng.choice(np.array(pool, dtype=object), lengths.sum())
    cells = np.empty(n, dtype=object)
    cells[:] = [part.tolist() for part in np.split(flat, np.cumsum(lengths)[:-1])]
    cells[(lengths == 0) & (rng.random(n) < 0.5)] = None
    return cells


def make_companies(n: int = N_COMPANIES, seed: int = 7) -> pd.DataFrame:
    """Synthetic companies with a realistic mix of values and missing data."""
    rng = np.random.default_rng(seed)
    industries = rng.choice(np.array(INDUSTRIES + [""], dtype=object), n)
    employees = np.round(rng.lognormal(4.5, 1.8, n)).clip(1, 300_000)
    employees[rng.random(n) < 0.12] = np.nan
    revenue = np.round(employees * rng.lognormal(11.5, 0.7, n), 2)
    revenue[rng.random(n) < 0.25] = np.nan
    return pd.DataFrame(
        {
            "id": np.arange(1, n + 1),
            "industry": _with_missing(rng, industries, 0.08),
            "employees": employees,
            "annual_revenue": revenue,
            "country": _with_missing(rng, rng.choice(np.array(COUNTRIES, dtype=object), n), 0.07),
            "tech_stack": _list_column(rng, n, TECH, 5),
            "triggers": _list_column(rng, n, TRIGGERS, 2),
            "tags": _list_column(rng, n, TAGS, 3),
        }
    )


def _with_decimal_revenue(companies: pd.DataFrame) -> pd.DataFrame:
    """The same companies with revenue as the database returns it (Decimal or None)."""
    revenue = companies["annual_revenue"].to_numpy()
    as_decimal = np.array([None] * len(revenue), dtype=object)
    known = ~np.isnan(revenue)
    as_decimal[known] = [Decimal(f"{value:.2f}") for value in revenue[known]]
    return companies.assign(annual_revenue=as_decimal)


def _best_of(runs: int, func) -> float:
    best = float("inf")
    for _ in range(runs):
        gc.collect()
        start = time.perf_counter()
        func()
        best = min(best, time.perf_counter() - start)
    return best


def _bulk_peak_mb(companies: pd.DataFrame, icps: list[IcpSpec]) -> float:
    gc.collect()
    tracemalloc.start()
    score_frame(companies, icps)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return peak / 2**20


def _maxrss_mb() -> float:
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return rss / 2**20 if sys.platform == "darwin" else rss / 2**10


def run(n: int = N_COMPANIES, sample: int = SINGLE_SAMPLE) -> list[dict]:
    """Measure and return rows {"figure", "value", "target", "pass"}."""
    companies = make_companies(n)
    icps = make_icps()
    score_frame(companies.head(100), icps)  # warm caches (geography expansion, imports)
    bulk_s = _best_of(3, lambda: score_frame(companies, icps))
    as_decimal = _with_decimal_revenue(companies)
    decimal_s = _best_of(3, lambda: score_frame(as_decimal, icps))
    records = companies.sample(min(sample, n), random_state=1).to_dict("records")
    start = time.perf_counter()
    for record in records:
        score_company(record, icps)
    single_s = (time.perf_counter() - start) / len(records) * n
    speedup = single_s / bulk_s
    peak_mb = _bulk_peak_mb(companies, icps)
    return [
        {
            "figure": f"bulk score_frame, {n:,} x {len(icps)} ICPs (s, best of 3)",
            "value": round(bulk_s, 3),
            "target": f"< {BULK_TARGET_S}",
            "pass": bulk_s < BULK_TARGET_S,
        },
        {
            "figure": "bulk, annual_revenue as Decimal objects (s, best of 3)",
            "value": round(decimal_s, 3),
            "target": f"< {BULK_TARGET_S}",
            "pass": decimal_s < BULK_TARGET_S,
        },
        {
            "figure": f"single score_company, extrapolated to {n:,} (s)",
            "value": round(single_s, 1),
            "target": None,
            "pass": None,
        },
        {
            "figure": "single per company (ms)",
            "value": round(single_s / n * 1000, 3),
            "target": None,
            "pass": None,
        },
        {
            "figure": "speedup bulk vs single (x)",
            "value": round(speedup, 1),
            "target": f">= {SPEEDUP_TARGET:g}",
            "pass": speedup >= SPEEDUP_TARGET,
        },
        {
            "figure": "bulk peak traced memory (MiB, tracemalloc)",
            "value": round(peak_mb, 1),
            "target": None,
            "pass": None,
        },
        {
            "figure": "process max RSS (MiB, getrusage)",
            "value": round(_maxrss_mb(), 1),
            "target": None,
            "pass": None,
        },
    ]


def _print_table(rows: list[dict]) -> None:
    width = max(len(row["figure"]) for row in rows)
    print(f"{'figure':<{width}}  {'value':>10}  {'target':>8}  pass")
    for row in rows:
        verdict = "-" if row["pass"] is None else ("yes" if row["pass"] else "NO")
        target = row["target"] or "-"
        print(f"{row['figure']:<{width}}  {row['value']:>10}  {target:>8}  {verdict}")


if __name__ == "__main__":
    _print_table(run())
