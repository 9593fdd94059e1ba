"""The ICP scoring model: its data types, and the API shape parsed into them.

An ICP in the API shape (``{"name", "kind", "criteria", "disqualifiers"}``, see
docs/architecture.md, "Fit scoring") is validated by :func:`parse_icp` into an
:class:`IcpSpec`; :func:`icp_to_payload` is the inverse. The engine
(``scoring``) and the explanations (``explanations``) work on these types, and
share the results code defined here. Pure: no I/O.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from updoot_app.models.icp import ICP_KINDS
from updoot_app.services.platform.errors import ValidationError
from updoot_app.services.platform.geo import expand_geography

FIELDS = ("industry", "employees", "annual_revenue", "geography", "tech_stack", "triggers", "tags")
RANGE_FIELDS = frozenset({"employees", "annual_revenue"})
LIST_FIELDS = frozenset({"tech_stack", "triggers", "tags"})

FIELD_LABELS = {
    "industry": "industry",
    "employees": "size",
    "annual_revenue": "revenue",
    "geography": "region",
    "tech_stack": "tech stack",
    "triggers": "triggers",
    "tags": "tags",
}

# The results code kept per company: one character per criterion, then one per
# disqualifier. Written by the engine, read back by the explanations.
UNKNOWN, MISS, MATCH = 0, 1, 2
CRITERION_CHARS = "UXM"  # indexed by UNKNOWN / MISS / MATCH
RESULT_NAMES = {"U": "unknown", "X": "miss", "M": "match"}
FIRED, NOT_FIRED = "D", "-"

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
    if kind not in ICP_KINDS:
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
            payload[key] = bound_payload(cond.field, bound)
    return payload


def bound_payload(fld: str, bound: Number) -> int | str:
    """A range bound in the API shape: employees as an int, money as a decimal string."""
    if fld == "employees":
        return int(bound)
    return format(Decimal(bound), "f")
