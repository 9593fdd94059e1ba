"""Explanations of a fit: the per-criterion list the API returns and the
one-line summary shown on the fit badge, decoded from the results code the
engine stores (alphabet in ``scoring_model``). Pure: no I/O.
"""

from __future__ import annotations

from updoot_app.services.profiles.scoring_model import (
    FIELD_LABELS,
    FIRED,
    RANGE_FIELDS,
    RESULT_NAMES,
    Criterion,
    Disqualifier,
    Fit,
    IcpSpec,
    bound_payload,
)


def explain(results_code: str | None, icp: IcpSpec | None) -> list[dict]:
    """Per-criterion explanation from a results code, plus fired disqualifiers."""
    if not results_code or icp is None:
        return []
    n_criteria = len(icp.criteria)
    items = [
        _criterion_item(criterion, results_code[j]) for j, criterion in enumerate(icp.criteria)
    ]
    for j, disqualifier in enumerate(icp.disqualifiers):
        if results_code[n_criteria + j : n_criteria + j + 1] == FIRED:
            items.append(
                {"field": disqualifier.field, "weight": 0, "points": 0, "result": "disqualified"}
            )
    return items


def _criterion_item(criterion: Criterion, char: str) -> dict:
    result = RESULT_NAMES[char]
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
            if fit.results[offset + j : offset + j + 1] == FIRED
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
    low = None if cond.min is None else bound_payload(cond.field, cond.min)
    high = None if cond.max is None else bound_payload(cond.field, cond.max)
    if low is not None and high is not None:
        return f"{label} {low}–{high}"
    return f"{label} ≥ {low}" if high is None else f"{label} ≤ {high}"
