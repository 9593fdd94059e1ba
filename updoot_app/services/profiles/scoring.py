"""Fit scoring: how well each company matches the workspace's ICPs.

Rules (DESIGN.md, "Fit scoring"): a criterion earns its weight on a match and
nothing on a miss; it is *unknown* when the company lacks the data (null, NaN,
absent column, empty string or empty list), which earns nothing and lowers the
coverage. A matching disqualifier makes the tier ``not_a_fit`` whatever the
points. A company's fit is its best match across the ICPs.

There is one engine, :func:`score_frame`, vectorised over a DataFrame: values
are factorised (or exploded, for list columns) once per frame, matched as a
small set of distinct values, and mapped back to rows with numpy indexing.
:func:`score_company` runs the same engine on a one-row frame so the bulk and
single paths cannot disagree.

Per-criterion outcomes are kept as a compact string per row (``results``):
one character per criterion (``M`` match, ``X`` miss, ``U`` unknown) followed
by one per disqualifier (``D`` fired, ``-`` not fired). :func:`explain` turns
it back into the API's explanation on demand.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from typing import Any

import numpy as np
import pandas as pd

from updoot_app.services.platform.errors import ValidationError
from updoot_app.services.platform.geo import expand_geography, normalise_country
from updoot_app.services.profiles.tiers import FIT_TIERS, zero_filled

FIELDS = ("industry", "employees", "annual_revenue", "geography", "tech_stack", "triggers", "tags")
RANGE_FIELDS = frozenset({"employees", "annual_revenue"})
LIST_FIELDS = frozenset({"tech_stack", "triggers", "tags"})
KINDS = ("b2b", "b2c")

COLUMN_OF = {f: f for f in FIELDS} | {"geography": "country"}
FIELD_LABELS = {
    "industry": "industry",
    "employees": "size",
    "annual_revenue": "revenue",
    "geography": "region",
    "tech_stack": "tech stack",
    "triggers": "triggers",
    "tags": "tags",
}

UNKNOWN, MISS, MATCH = 0, 1, 2
_CRITERION_CHARS = np.frombuffer(b"UXM", dtype=np.uint8)  # indexed by UNKNOWN/MISS/MATCH
_RESULT_NAMES = {"U": "unknown", "X": "miss", "M": "match"}
_FIRED, _NOT_FIRED = ord("D"), ord("-")
_TIER_ARRAY = np.array(FIT_TIERS, dtype=object)

Number = Decimal | int


# --------------------------------------------------------------------------- data types


@dataclass(frozen=True)
class Criterion:
    field: str
    weight: int
    values: tuple[str, ...] = ()
    min: Number | None = None
    max: Number | None = None


@dataclass(frozen=True)
class Disqualifier:
    field: str
    values: tuple[str, ...] = ()
    min: Number | None = None
    max: Number | None = None


@dataclass(frozen=True)
class IcpSpec:
    id: int | None
    name: str
    kind: str
    criteria: tuple[Criterion, ...]
    disqualifiers: tuple[Disqualifier, ...] = ()


@dataclass(frozen=True)
class Thresholds:
    a: int = 80
    b: int = 60
    c: int = 40

    def __post_init__(self) -> None:
        if not 0 <= self.c <= self.b <= self.a <= 100:
            raise ValueError("Tier thresholds must satisfy 0 <= C <= B <= A <= 100.")


@dataclass
class Fit:
    score: int | None
    tier: str | None
    icp_id: int | None
    coverage: float | None
    explanation: list[dict] = field(default_factory=list)
    results: str | None = field(default=None, repr=False)  # compact code; not in the API

    def to_dict(self) -> dict:
        return {
            "score": self.score,
            "tier": self.tier,
            "icp_id": self.icp_id,
            "coverage": self.coverage,
            "explanation": [dict(item) for item in self.explanation],
        }


class IcpValidationError(ValidationError, ValueError):
    """Invalid ICP input; ``field`` locates it (e.g. ``criteria[1].min``).

    A domain ValidationError (so the API answers 422) and a ValueError.
    """


# --------------------------------------------------------------------------- parsing


def parse_icp(payload: dict, id: int | None = None) -> IcpSpec:
    """Validate the API shape of an ICP and build an :class:`IcpSpec`."""
    if not isinstance(payload, dict):
        raise IcpValidationError("", "An ICP must be a JSON object.")
    name = _parse_name(payload.get("name"))
    kind = _parse_kind(payload.get("kind"))
    criteria = _parse_criteria(payload.get("criteria"))
    disqualifiers = _parse_disqualifiers(payload.get("disqualifiers"))
    return IcpSpec(id=id, name=name, kind=kind, criteria=criteria, disqualifiers=disqualifiers)


def _parse_name(raw: Any) -> str:
    if not isinstance(raw, str) or not raw.strip():
        raise IcpValidationError("name", "Give the ICP a name.")
    return raw.strip()


def _parse_kind(raw: Any) -> str:
    kind = raw.strip().lower() if isinstance(raw, str) else raw
    if kind not in KINDS:
        raise IcpValidationError("kind", f"Kind must be 'b2b' or 'b2c', not {raw!r}.")
    return kind


def _parse_criteria(raw: Any) -> tuple[Criterion, ...]:
    if not isinstance(raw, list) or not raw:
        raise IcpValidationError("criteria", "Add at least one criterion.")
    criteria = tuple(_parse_criterion(item, f"criteria[{i}]") for i, item in enumerate(raw))
    _check_unique_fields(criteria)
    total = sum(c.weight for c in criteria)
    if total != 100:
        raise IcpValidationError("criteria", f"Weights must add up to 100; they add up to {total}.")
    return criteria


def _check_unique_fields(criteria: tuple[Criterion, ...]) -> None:
    first_use: dict[str, int] = {}
    for i, criterion in enumerate(criteria):
        if criterion.field in first_use:
            raise IcpValidationError(
                f"criteria[{i}].field",
                f"'{criterion.field}' is already used by criteria[{first_use[criterion.field]}];"
                " use one criterion per field.",
            )
        first_use[criterion.field] = i


def _parse_disqualifiers(raw: Any) -> tuple[Disqualifier, ...]:
    if raw is None:
        return ()
    if not isinstance(raw, list):
        raise IcpValidationError("disqualifiers", "Disqualifiers must be a list.")
    return tuple(_parse_disqualifier(item, f"disqualifiers[{i}]") for i, item in enumerate(raw))


def _parse_criterion(raw: Any, path: str) -> Criterion:
    fld, values, low, high = _parse_condition(raw, path)
    weight = _parse_weight(raw.get("weight"), f"{path}.weight")
    return Criterion(field=fld, weight=weight, values=values, min=low, max=high)


def _parse_disqualifier(raw: Any, path: str) -> Disqualifier:
    fld, values, low, high = _parse_condition(raw, path)
    return Disqualifier(field=fld, values=values, min=low, max=high)


def _parse_condition(
    raw: Any, path: str
) -> tuple[str, tuple[str, ...], Number | None, Number | None]:
    """Field plus either values (list fields) or bounds (range fields)."""
    if not isinstance(raw, dict):
        raise IcpValidationError(path, "Each entry must be an object with a 'field'.")
    fld = raw.get("field")
    if fld not in FIELDS:
        raise IcpValidationError(
            f"{path}.field", f"Unknown field {fld!r}; use one of: {', '.join(FIELDS)}."
        )
    if fld in RANGE_FIELDS:
        low, high = _parse_bounds(raw, fld, path)
        return fld, (), low, high
    return fld, _parse_values(raw, fld, path), None, None


def _parse_values(raw: dict, fld: str, path: str) -> tuple[str, ...]:
    if raw.get("min") is not None or raw.get("max") is not None:
        raise IcpValidationError(f"{path}.values", f"{fld} takes a list of values, not min/max.")
    values = raw.get("values")
    if not isinstance(values, list) or not values:
        raise IcpValidationError(f"{path}.values", f"List at least one value for {fld}.")
    cleaned = []
    for value in values:
        if not isinstance(value, str) or not value.strip():
            raise IcpValidationError(f"{path}.values", f"{fld} values must be non-empty text.")
        cleaned.append(value.strip())
    if fld == "geography":
        try:
            expand_geography(cleaned)
        except ValueError as exc:
            raise IcpValidationError(f"{path}.values", str(exc)) from None
    return tuple(cleaned)


def _parse_bounds(raw: dict, fld: str, path: str) -> tuple[Number | None, Number | None]:
    if raw.get("values") not in (None, []):
        raise IcpValidationError(f"{path}.values", f"{fld} takes min and/or max, not values.")
    low = _parse_number(raw.get("min"), fld, f"{path}.min")
    high = _parse_number(raw.get("max"), fld, f"{path}.max")
    if low is None and high is None:
        raise IcpValidationError(f"{path}.min", f"Set a minimum, a maximum or both for {fld}.")
    if low is not None and high is not None and low > high:
        raise IcpValidationError(
            f"{path}.min", f"The minimum ({low}) is greater than the maximum ({high})."
        )
    return low, high


def _parse_number(raw: Any, fld: str, path: str) -> Number | None:
    """Employees as int, money as Decimal; accepts numbers and numeric strings."""
    if raw is None or raw == "":
        return None
    if isinstance(raw, bool):
        raise IcpValidationError(path, f"{fld} must be a number.")
    try:
        number = Decimal(raw.strip() if isinstance(raw, str) else str(raw))
    except (InvalidOperation, ValueError):
        raise IcpValidationError(path, f"{fld} must be a number, not {raw!r}.") from None
    if not number.is_finite():
        raise IcpValidationError(path, f"{fld} must be a finite number.")
    if number < 0:
        raise IcpValidationError(path, f"{fld} cannot be negative.")
    if fld == "employees":
        if number != number.to_integral_value():
            raise IcpValidationError(path, "employees must be a whole number.")
        return int(number)
    return number


def _parse_weight(raw: Any, path: str) -> int:
    if isinstance(raw, float) and raw.is_integer():
        raw = int(raw)
    if isinstance(raw, bool) or not isinstance(raw, int) or not 0 <= raw <= 100:
        raise IcpValidationError(path, f"Weight must be a whole number from 0 to 100, not {raw!r}.")
    return raw


def icp_to_payload(spec: IcpSpec) -> dict:
    """The API shape of ``spec`` (inverse of :func:`parse_icp`); money as decimal strings."""
    return {
        "name": spec.name,
        "kind": spec.kind,
        "criteria": [_condition_payload(c) | {"weight": c.weight} for c in spec.criteria],
        "disqualifiers": [_condition_payload(d) for d in spec.disqualifiers],
    }


def _condition_payload(cond: Criterion | Disqualifier) -> dict:
    if cond.field not in RANGE_FIELDS:
        return {"field": cond.field, "values": list(cond.values)}
    payload: dict[str, Any] = {"field": cond.field}
    for key in ("min", "max"):
        bound = getattr(cond, key)
        if bound is not None:
            payload[key] = _bound_payload(cond.field, bound)
    return payload


def _bound_payload(fld: str, bound: Number) -> int | str:
    if fld == "employees":
        return int(bound)
    return format(Decimal(bound), "f")


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


# --------------------------------------------------------------------------- explanations


def explain(results_code: str | None, icp: IcpSpec | None) -> list[dict]:
    """Per-criterion explanation from a results code, plus fired disqualifiers."""
    if not results_code or icp is None:
        return []
    n_criteria = len(icp.criteria)
    items = [
        _criterion_item(criterion, results_code[j]) for j, criterion in enumerate(icp.criteria)
    ]
    for j, disqualifier in enumerate(icp.disqualifiers):
        if results_code[n_criteria + j : n_criteria + j + 1] == "D":
            items.append(
                {"field": disqualifier.field, "weight": 0, "points": 0, "result": "disqualified"}
            )
    return items


def _criterion_item(criterion: Criterion, char: str) -> dict:
    result = _RESULT_NAMES[char]
    points = criterion.weight if result == "match" else 0
    return {
        "field": criterion.field,
        "weight": criterion.weight,
        "points": points,
        "result": result,
    }


def fit_summary(fit: Fit, icp: IcpSpec | None = None) -> str:
    """One line, e.g. ``82 · A — industry +40, size +30, region +0 (miss)``."""
    if fit.score is None:
        return "not scored (no active ICP)"
    parts = ", ".join(
        _summary_part(item) for item in fit.explanation if item["result"] != "disqualified"
    )
    tier = fit.tier
    if tier == "not_a_fit":
        tier = f"not a fit ({_disqualification(fit, icp)})"
    return f"{fit.score} · {tier} — {parts}"


def _summary_part(item: dict) -> str:
    label = FIELD_LABELS.get(item["field"], item["field"])
    if item["result"] == "match":
        return f"{label} +{item['points']}"
    if item["result"] == "miss":
        return f"{label} +0 (miss)"
    return f"{label} ? (unknown)"


def _disqualification(fit: Fit, icp: IcpSpec | None) -> str:
    """Name the disqualifiers that fired, with their condition when the ICP is known."""
    if icp is not None and fit.results:
        offset = len(icp.criteria)
        fired = [
            _describe(d)
            for j, d in enumerate(icp.disqualifiers)
            if fit.results[offset + j : offset + j + 1] == "D"
        ]
        if fired:
            return "; ".join(fired)
    fields = [
        FIELD_LABELS.get(item["field"], item["field"])
        for item in fit.explanation
        if item["result"] == "disqualified"
    ]
    return "; ".join(fields) or "disqualified"


def _describe(cond: Criterion | Disqualifier) -> str:
    label = FIELD_LABELS[cond.field]
    if cond.field not in RANGE_FIELDS:
        return f"{label}: {', '.join(cond.values)}"
    low = None if cond.min is None else _bound_payload(cond.field, cond.min)
    high = None if cond.max is None else _bound_payload(cond.field, cond.max)
    if low is not None and high is not None:
        return f"{label} {low}–{high}"
    return f"{label} ≥ {low}" if high is None else f"{label} ≤ {high}"
