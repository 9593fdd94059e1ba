"""Fit tiers: their order, their labels and the tier filter, in one place.

A company's tier is "A" to "D" by score, "not_a_fit" when a disqualifier fired,
or none ("unscored") before any active ICP scored it.
"""

from __future__ import annotations

from sqlalchemy import or_

from updoot_app.services.platform.errors import ValidationError

FIT_TIERS = ("A", "B", "C", "D", "not_a_fit")
UNSCORED = "unscored"  # fit_tier filter value for companies without a score
UNSCORED_LABEL = "Not scored"
TIER_LABELS = {"A": "A", "B": "B", "C": "C", "D": "D", "not_a_fit": "Not a fit",
               UNSCORED: UNSCORED_LABEL}


def zero_filled(counts) -> dict[str, int]:
    """Companies per tier, every tier present (zeros included); unscored ignored."""
    return {tier: int(counts.get(tier, 0)) for tier in FIT_TIERS}


def clean_fit_tiers(raw: object) -> list[str] | None:
    """Fit tier filter: "A", "A,B", ["A", "B"], "unscored" (no score yet)."""
    if raw is None or raw == "" or raw == []:
        return None
    values = raw.split(",") if isinstance(raw, str) else raw
    if not isinstance(values, list | tuple):
        raise ValidationError("fit_tier", "Fit tier must be A, B, C, D, not_a_fit or unscored.")
    tiers = []
    for value in values:
        value = value.strip() if isinstance(value, str) else value
        match = next((t for t in (*FIT_TIERS, UNSCORED)
                      if isinstance(value, str) and t.lower() == value.lower()), None)
        if match is None:
            raise ValidationError(
                "fit_tier", "Fit tier must be A, B, C, D, not_a_fit or unscored.")
        tiers.append(match)
    return tiers


def fit_tier_condition(column, tiers: list[str]):
    named = [t for t in tiers if t != UNSCORED]
    conds = []
    if named:
        conds.append(column.in_(named))
    if UNSCORED in tiers:
        conds.append(column.is_(None))
    return or_(*conds)
