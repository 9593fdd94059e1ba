"""The attributes a company has, counted among the best customers and the rest.

For each attribute (industry, employee band, revenue band, region, country, tech
stack, triggers, tags) every distinct value is counted once per company among
the *best* customers and among *the rest*, over the companies whose attribute is
known (an unknown value counts on neither side, as in fit scoring). Then:

- ``rest_share`` is the share among the rest, smoothed by half a company
  ((k + 0.5) / (n + 1)) so that a value never seen outside the best is not an
  infinite lift;
- ``best_share`` is the raw share among the best, and its estimate is shrunk
  toward the rest's share with the calibration's empirical-Bayes prior
  (``calibration.shrink``, strength ``PRIOR_STRENGTH`` companies): three lucky
  customers are not a pattern;
- ``lift`` = shrunk best share / rest share. The rest is the base rate: adding a
  best customer with a value never lowers that value's lift (property-tested).

Vectorised: values are factorised once per column, counted with ``bincount``;
no per-company Python. Pure: no I/O.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from updoot_app.services.kpis.calibration import PRIOR_STRENGTH, shrink
from updoot_app.services.platform.geo import CONTINENT_OF, REGION_COUNTRIES, normalise_country

# Band edges: a band is [edge, next edge). Ranges proposed from the best's
# percentiles are rounded outwards to these edges.
EMPLOYEE_EDGES = (0, 10, 50, 100, 200, 500, 1_000, 2_000, 5_000, 10_000, 20_000, 50_000,
                  100_000, 500_000)
REVENUE_EDGES = (0, 1e6, 2e6, 5e6, 10e6, 20e6, 50e6, 100e6, 200e6, 500e6, 1e9, 2e9, 5e9,
                 10e9, 50e9, 100e9)

# attribute name -> (criterion field, label a person reads)
ATTRIBUTES = {
    "industry": ("industry", "industry"),
    "employee_band": ("employees", "employees"),
    "revenue_band": ("annual_revenue", "annual revenue"),
    "region": ("geography", "region"),
    "country": ("geography", "country"),
    "tech_stack": ("tech_stack", "tech stack"),
    "triggers": ("triggers", "triggers"),
    "tags": ("tags", "tags"),
}


# --------------------------------------------------------------------------- values per row


@dataclass(frozen=True)
class Coded:
    """One attribute of every company: (row, value code) pairs and the values."""

    rows: np.ndarray  # company position of each pair (intp)
    codes: np.ndarray  # value code of each pair, 0 <= code < len(labels)
    labels: list[str]  # the value a person reads, per code
    known: np.ndarray  # bool per company: the attribute is known


def _display_names(originals: np.ndarray, counts: np.ndarray, keys: pd.Series) -> dict:
    """Per normalised key, the spelling most companies use (ties: the smallest), so the
    label never depends on the order of the rows."""
    table = pd.DataFrame({"key": keys.to_numpy(), "orig": originals.astype(str),
                          "count": counts}).dropna(subset=["key"])
    table = table.sort_values(["key", "count", "orig"], ascending=[True, False, True])
    return dict(zip(table["key"], table["orig"], strict=True)) if len(table) else {}


def _from_pairs(rows: np.ndarray, codes: np.ndarray, keys: np.ndarray, n: int,
                labels_of: dict | None) -> Coded:
    """Code (row, value) pairs given as factorize ``codes`` (-1: missing) into the
    distinct ``keys`` (None: not a value). Keys are sorted, so codes do not depend
    on row order; one pair per company and value. Strings are compared only among
    the distinct values, never per row."""
    keys = np.asarray(keys, dtype=object)
    valid = pd.notna(keys)
    distinct = np.unique(keys[valid].astype(str)) if valid.any() else np.array([], dtype=str)
    code_of = np.full(len(keys) + 1, -1, dtype=np.int64)
    code_of[:-1][valid] = np.searchsorted(distinct, keys[valid].astype(str))
    value = code_of[codes]
    rows, value = rows[value >= 0].astype(np.int64), value[value >= 0]
    size = max(len(distinct), 1)
    pair = _distinct(rows * size + value)
    rows, value = pair // size, pair % size
    known = np.zeros(n, dtype=bool)
    known[rows] = True
    labels = [labels_of.get(k, k) if labels_of else str(k) for k in distinct]
    return Coded(rows.astype(np.intp), value.astype(np.intp), labels, known)


def _distinct(values: np.ndarray) -> np.ndarray:
    """Sorted distinct integers (a sort and a diff: np.unique's hashing is slower here)."""
    ordered = np.sort(values)
    keep = np.ones(len(ordered), dtype=bool)
    keep[1:] = ordered[1:] != ordered[:-1]
    return ordered[keep]


def text_values(series: pd.Series) -> Coded:
    """A text column (industry): trimmed, case-insensitive."""
    return text_values_at(np.arange(len(series)), series, len(series))


def list_values(series: pd.Series, exclude: str = "") -> Coded:
    """A list column (tech stack, triggers, tags): each element, case-insensitive;
    ``exclude`` (a value, any case) is left out."""
    n = len(series)
    exploded = pd.Series(series.to_numpy(dtype=object), index=np.arange(n)).explode()
    return text_values_at(exploded.index.to_numpy(dtype=np.intp), exploded, n, exclude)


def text_values_at(rows: np.ndarray, values: pd.Series, n: int, exclude: str = "") -> Coded:
    """Text values at company positions ``rows`` (several per company for lists)."""
    codes, uniques = pd.factorize(values.to_numpy(dtype=object), use_na_sentinel=True)
    text = pd.Series(np.asarray(uniques, dtype=object), dtype=object)
    keys = text.where(text.map(lambda v: isinstance(v, str))).str.strip().str.casefold()
    keys = keys.where((keys != "") & (keys != exclude.strip().casefold()))
    counts = np.bincount(codes[codes >= 0], minlength=len(uniques))
    names = _display_names(np.asarray(uniques, dtype=object), counts, keys)
    return _from_pairs(np.asarray(rows), codes, keys.to_numpy(dtype=object), n, names)


@dataclass(frozen=True)
class Countries:
    """The country column factorised: per-row codes, and the alpha-2 of each distinct."""

    codes: np.ndarray
    alpha2: np.ndarray  # object, None where not a recognisable country

    def per_row(self) -> np.ndarray:
        return np.append(self.alpha2, [None])[self.codes]


def countries_of(series: pd.Series) -> Countries:
    codes, uniques = pd.factorize(series.to_numpy(dtype=object), use_na_sentinel=True)
    return Countries(codes, np.array([normalise_country(u) for u in uniques], dtype=object))


def country_values(countries: Countries) -> Coded:
    n = len(countries.codes)
    return _from_pairs(np.arange(n), countries.codes, countries.alpha2, n, None)


def region_values(countries: Countries) -> Coded:
    named = [CONTINENT_OF.get(c) if c else None for c in countries.alpha2]
    regions = np.array([r if r in REGION_COUNTRIES else None for r in named], dtype=object)
    n = len(countries.codes)
    return _from_pairs(np.arange(n), countries.codes, regions, n, None)


def numbers(series: pd.Series) -> np.ndarray:
    """Float per company, NaN where unknown (Decimals convert)."""
    numeric = pd.to_numeric(series, errors="coerce")
    return np.asarray(numeric.to_numpy(dtype=np.float64, na_value=np.nan), dtype=np.float64)


def band_values(values: np.ndarray, edges: tuple, money: bool) -> Coded:
    """The band of each known number, labelled like "500–999" or "5M–10M"."""
    known = ~np.isnan(values) & (values >= 0)
    rows = np.flatnonzero(known)
    band = np.searchsorted(np.asarray(edges, dtype=np.float64), values[rows], side="right") - 1
    labels = [band_label(edges, i, money) for i in range(len(edges))]
    return Coded(rows.astype(np.intp), band.astype(np.intp), labels, known)


def short_number(value: float, money: bool) -> str:
    if not money:
        return f"{int(value):,}"
    for size, suffix in ((1e9, "B"), (1e6, "M"), (1e3, "K")):
        if value >= size:
            return f"{value / size:g}{suffix}"
    return f"{value:g}"


def band_label(edges: tuple, i: int, money: bool) -> str:
    low = short_number(edges[i], money)
    if i + 1 >= len(edges):
        return f"{low}+"
    high = edges[i + 1] if money else edges[i + 1] - 1
    return f"{low}–{short_number(high, money)}"


# --------------------------------------------------------------------------- counts and lift


@dataclass(frozen=True)
class Counts:
    labels: list[str]
    k_best: np.ndarray  # best customers with the value, per code
    k_rest: np.ndarray
    n_best: int  # best customers whose attribute is known
    n_rest: int


def count(coded: Coded, best: np.ndarray) -> Counts:
    size = len(coded.labels)
    on_best = best[coded.rows]
    return Counts(
        labels=coded.labels,
        k_best=np.bincount(coded.codes[on_best], minlength=size),
        k_rest=np.bincount(coded.codes[~on_best], minlength=size),
        n_best=int((coded.known & best).sum()),
        n_rest=int((coded.known & ~best).sum()),
    )


def rest_share(k_rest, n_rest):
    """The base rate: the share among the rest, smoothed by half a company."""
    return (np.asarray(k_rest, dtype=np.float64) + 0.5) / (n_rest + 1.0)


def lift(k_best, n_best: int, k_rest, n_rest: int, k: float = PRIOR_STRENGTH):
    """Shrunk best share over the base rate (see the module docstring)."""
    base = rest_share(k_rest, n_rest)
    return shrink(np.asarray(k_best, dtype=np.float64), n_best, base, k) / base
