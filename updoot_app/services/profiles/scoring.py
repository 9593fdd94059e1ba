"""Fit scoring: how well each company matches the workspace's ICPs.

Rules (docs/architecture.md, "Fit scoring"): a criterion earns its weight on a
match and nothing on a miss; it is *unknown* when the company lacks the data
(null, NaN, absent column, empty string or empty list), which earns nothing and
lowers the coverage. A matching disqualifier makes the tier ``not_a_fit``
whatever the points. A company's fit is its best match across the ICPs.

There is one engine, :func:`score_frame`, vectorised over a DataFrame: values
are factorised (or exploded, for list columns) once per frame, matched as a
small set of distinct values, and mapped back to rows with numpy indexing.
:func:`score_company` runs the same engine on a one-row frame so the bulk and
single paths cannot disagree.

Per-criterion outcomes are kept as a compact string per row (``results``):
one character per criterion (``M`` match, ``X`` miss, ``U`` unknown) followed
by one per disqualifier (``D`` fired, ``-`` not fired); the alphabet lives in
``scoring_model``. ``explanations.explain`` turns it back into the API's
explanation on demand. Pure: no I/O.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import numpy as np
import pandas as pd

from updoot_app.services.platform.geo import expand_geography, normalise_country
from updoot_app.services.profiles.explanations import explain
from updoot_app.services.profiles.scoring_model import (
    CRITERION_CHARS,
    FIELDS,
    FIRED,
    LIST_FIELDS,
    MATCH,
    MISS,
    NOT_FIRED,
    RANGE_FIELDS,
    UNKNOWN,
    Criterion,
    Disqualifier,
    Fit,
    IcpSpec,
    Number,
    Thresholds,
)
from updoot_app.services.profiles.tiers import FIT_TIERS, zero_filled

COLUMN_OF = {f: f for f in FIELDS} | {"geography": "country"}

_CRITERION_CHARS = np.frombuffer(CRITERION_CHARS.encode(), dtype=np.uint8)
_FIRED, _NOT_FIRED = ord(FIRED), ord(NOT_FIRED)
_TIER_ARRAY = np.array(FIT_TIERS, dtype=object)


# --------------------------------------------------------------------------- column views


@lru_cache(maxsize=256)
def _value_set(fld: str, values: tuple[str, ...]) -> frozenset[str]:
    """The normalised values a company value is compared with."""
    if fld == "geography":
        return frozenset(expand_geography(values))
    return frozenset(v.strip().casefold() for v in values)


def _normalise_text(uniques: Any) -> pd.Series:
    """Trimmed, case-folded strings; NaN where not a non-empty string."""
    keys = pd.Series(np.asarray(uniques, dtype=object), dtype=object).str.strip().str.casefold()
    return keys.where(keys != "")


def _normalise_countries(uniques: Any) -> pd.Series:
    """Alpha-2 codes; NaN where missing or not a recognisable country."""
    return pd.Series(np.asarray(uniques, dtype=object), dtype=object).map(normalise_country)


def _with_sentinel(per_unique: np.ndarray, fill: Any) -> np.ndarray:
    """Append one slot so that factorize's -1 code indexes ``fill``."""
    return np.append(per_unique, np.asarray([fill], dtype=per_unique.dtype))


class _Columns:
    """Lazily prepared views of the company columns, shared by all ICPs."""

    def __init__(self, frame: pd.DataFrame) -> None:
        self.frame = frame
        self.n = len(frame)
        self._cache: dict[str, Any] = {}

    def result(self, cond: Criterion | Disqualifier) -> np.ndarray:
        """UNKNOWN / MISS / MATCH per row (int8) for one criterion or disqualifier."""
        column = COLUMN_OF[cond.field]
        if column not in self.frame.columns:
            return np.zeros(self.n, dtype=np.int8)
        if cond.field in RANGE_FIELDS:
            return self._range_result(column, cond.min, cond.max)
        if cond.field in LIST_FIELDS:
            return self._list_result(column, _value_set(cond.field, cond.values))
        return self._scalar_result(column, cond.field, _value_set(cond.field, cond.values))

    def _cached(self, column: str, build: Any) -> Any:
        if column not in self._cache:
            self._cache[column] = build(self.frame[column])
        return self._cache[column]

    def _range_result(self, column: str, low: Number | None, high: Number | None) -> np.ndarray:
        values = self._cached(column, _numeric_view)
        lo = -np.inf if low is None else float(low)
        hi = np.inf if high is None else float(high)
        inside = (values >= lo) & (values <= hi)
        return _outcome(~np.isnan(values), inside)

    def _scalar_result(self, column: str, fld: str, wanted: frozenset[str]) -> np.ndarray:
        normalise = _normalise_countries if fld == "geography" else _normalise_text
        codes, keys = self._cached(column, lambda s: _scalar_view(s, normalise))
        known = _with_sentinel(keys.notna().to_numpy(), False)
        match = _with_sentinel(keys.isin(wanted).to_numpy(), False)
        return _outcome(known[codes], match[codes])

    def _list_result(self, column: str, wanted: frozenset[str]) -> np.ndarray:
        rows, codes, keys, known_rows = self._cached(column, lambda s: _list_view(s, self.n))
        element_match = _with_sentinel(keys.isin(wanted).to_numpy(), False)[codes]
        matched_rows = np.zeros(self.n, dtype=bool)
        matched_rows[rows[element_match]] = True
        return _outcome(known_rows, matched_rows)


def _outcome(known: np.ndarray, matched: np.ndarray) -> np.ndarray:
    return np.where(known, np.where(matched, MATCH, MISS), UNKNOWN).astype(np.int8)


def _numeric_view(series: pd.Series) -> np.ndarray:
    """Float64 values, NaN for anything missing or non-numeric (Decimals convert)."""
    numeric = pd.to_numeric(series, errors="coerce")
    return np.asarray(numeric.to_numpy(dtype=np.float64, na_value=np.nan), dtype=np.float64)


def _scalar_view(series: pd.Series, normalise: Any) -> tuple[np.ndarray, pd.Series]:
    """Factorised codes per row and the normalised distinct values."""
    codes, uniques = pd.factorize(series.to_numpy(dtype=object), use_na_sentinel=True)
    return codes, normalise(uniques)


def _list_view(series: pd.Series, n: int) -> tuple[np.ndarray, np.ndarray, pd.Series, np.ndarray]:
    """Explode list cells: row position and value code per element, known rows."""
    exploded = pd.Series(series.to_numpy(dtype=object), index=np.arange(n)).explode()
    rows = exploded.index.to_numpy(dtype=np.intp)
    codes, uniques = pd.factorize(exploded.to_numpy(dtype=object), use_na_sentinel=True)
    keys = _normalise_text(uniques)
    element_known = _with_sentinel(keys.notna().to_numpy(), False)[codes]
    known_rows = np.zeros(n, dtype=bool)
    known_rows[rows[element_known]] = True
    return rows, codes, keys, known_rows


# --------------------------------------------------------------------------- scoring


@dataclass
class _IcpOutcome:
    points: np.ndarray  # int64 per row
    known: np.ndarray  # int64 known weight per row
    disqualified: np.ndarray  # bool per row
    codes: np.ndarray  # bytes per row (numpy S dtype)


def _score_icp(icp: IcpSpec, columns: _Columns) -> _IcpOutcome:
    n = columns.n
    results = np.zeros((n, len(icp.criteria)), dtype=np.int8)
    for j, criterion in enumerate(icp.criteria):
        results[:, j] = columns.result(criterion)
    fired = np.zeros((n, len(icp.disqualifiers)), dtype=bool)
    for j, disqualifier in enumerate(icp.disqualifiers):
        fired[:, j] = columns.result(disqualifier) == MATCH
    weights = np.array([c.weight for c in icp.criteria], dtype=np.int64)
    return _IcpOutcome(
        points=(results == MATCH).astype(np.int64) @ weights,
        known=(results != UNKNOWN).astype(np.int64) @ weights,
        disqualified=fired.any(axis=1),
        codes=_encode(results, fired),
    )


def _encode(results: np.ndarray, fired: np.ndarray) -> np.ndarray:
    """One fixed-width byte string per row: criterion chars then disqualifier chars."""
    chars = np.hstack([_CRITERION_CHARS[results], np.where(fired, _FIRED, _NOT_FIRED)])
    chars = np.ascontiguousarray(chars, dtype=np.uint8)
    if chars.shape[1] == 0:
        return np.zeros(len(chars), dtype="S1")
    return chars.view(f"S{chars.shape[1]}").ravel()


def _order_icps(icps: list[IcpSpec]) -> list[IcpSpec]:
    """Lowest id first (unsaved ICPs last) so argmax breaks ties by lowest id."""
    ids = [icp.id for icp in icps]
    if len(set(ids)) != len(ids):
        raise ValueError("ICP ids must be unique (at most one unsaved ICP).")
    return sorted(icps, key=lambda icp: (icp.id is None, icp.id or 0))


def _best_choice(outcomes: list[_IcpOutcome]) -> np.ndarray:
    """Index of each row's best ICP: not disqualified, then score, then coverage."""
    keys = np.stack([(~o.disqualified) * 1_000_000 + o.points * 1_000 + o.known for o in outcomes])
    return np.argmax(keys, axis=0)


def _tiers(score: np.ndarray, disqualified: np.ndarray, thresholds: Thresholds) -> np.ndarray:
    index = np.full(len(score), 3, dtype=np.int8)
    index[score >= thresholds.c] = 2
    index[score >= thresholds.b] = 1
    index[score >= thresholds.a] = 0
    index[disqualified] = 4
    return _TIER_ARRAY[index]


def _ids(companies: pd.DataFrame) -> Any:
    if "id" in companies.columns:
        return companies["id"].to_numpy()
    return np.full(len(companies), None, dtype=object)


def score_frame(
    companies: pd.DataFrame, icps: list[IcpSpec], thresholds: Thresholds = Thresholds()
) -> pd.DataFrame:
    """Fit of every company: columns id, score, tier, icp_id, coverage, results.

    The frame is indexed like ``companies``. Vectorised: no per-row Python.
    """
    if not icps:
        return _unscored_frame(companies)
    ordered = _order_icps(list(icps))
    columns = _Columns(companies)
    outcomes = [_score_icp(icp, columns) for icp in ordered]
    best = _best_choice(outcomes)
    rows = np.arange(len(companies))

    def pick(attr: str) -> np.ndarray:
        return np.stack([getattr(o, attr) for o in outcomes])[best, rows]

    score, disqualified = pick("points"), pick("disqualified")
    icp_ids = np.array([icp.id for icp in ordered])[best]
    results = pick("codes").astype(str).astype(object)
    return pd.DataFrame(
        {
            "id": _ids(companies),
            "score": score,
            "tier": pd.Series(_tiers(score, disqualified, thresholds), dtype=object).to_numpy(),
            "icp_id": icp_ids,
            "coverage": pick("known") / 100.0,
            "results": pd.Series(results, dtype=object).to_numpy(),
        },
        index=companies.index,
    )


def _unscored_frame(companies: pd.DataFrame) -> pd.DataFrame:
    empty = np.full(len(companies), None, dtype=object)
    frame = pd.DataFrame({"id": _ids(companies)}, index=companies.index)
    for column in ("score", "tier", "icp_id", "coverage", "results"):
        frame[column] = pd.Series(empty, index=companies.index, dtype=object)
    return frame


def tier_counts(frame: pd.DataFrame) -> dict[str, int]:
    """Companies per tier (A, B, C, D, not_a_fit), zeros included; unscored ignored."""
    return zero_filled(frame["tier"].value_counts())


# --------------------------------------------------------------------------- single company


def score_company(company: dict, icps: list[IcpSpec], thresholds: Thresholds = Thresholds()) -> Fit:
    """Fit of one company, computed by :func:`score_frame` on a one-row frame."""
    row = score_frame(pd.DataFrame([company]), icps, thresholds).iloc[0]
    if row["score"] is None:
        return Fit(score=None, tier=None, icp_id=None, coverage=None, explanation=[])
    icp = next(icp for icp in icps if icp.id == row["icp_id"])  # ids are unique
    return Fit(
        score=int(row["score"]),
        tier=str(row["tier"]),
        icp_id=None if icp.id is None else int(icp.id),
        coverage=float(row["coverage"]),
        explanation=explain(row["results"], icp),
        results=str(row["results"]),
    )
