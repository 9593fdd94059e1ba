"""KPI segments: which rows a figure counts.

``all``, ``fit_tier`` (A/B/C/D/not_a_fit, or ``none`` for unscored), ``icp`` (the
ICP the company matched best), ``industry``, ``country`` (ISO alpha-2), ``region``
(a region name, expanded to its countries), ``persona`` (the company has a contact
with that persona), ``owner`` (the deal's owner; a company's owner for lead
metrics), and ``competitor`` (deals where that competitor was present).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from sqlalchemy import func
from sqlmodel import select

from updoot_app.models import Company, Contact, Deal, DealCompetitor
from updoot_app.services.platform import geo
from updoot_app.services.platform.errors import ValidationError
from updoot_app.services.profiles import tiers

SEGMENT_TYPES = ("all", "fit_tier", "icp", "industry", "country", "region", "persona",
                 "owner", "competitor")
SEGMENT_LABELS = {"all": "All deals", "fit_tier": "Fit tier", "icp": "ICP",
                  "industry": "Industry", "country": "Country", "region": "Region",
                  "persona": "Persona", "owner": "Owner",
                  "competitor": "Competitor"}
FIT_TIERS = (*tiers.FIT_TIERS, "none")  # "none": the segment of unscored companies
FIT_SEGMENTS = ("fit_tier", "icp")  # segments that are a condition on the fit itself
MAX_SEGMENT_VALUE = 100


@dataclass(frozen=True)
class Segment:
    type: str = "all"
    value: str = ""

    @property
    def label(self) -> str:
        if self.type == "all":
            return "All"
        return f"{SEGMENT_LABELS[self.type]}: {self.value}"


ALL = Segment()


def clean_segment(seg_type: object, value: object = "") -> Segment:
    if seg_type in (None, ""):
        seg_type = "all"
    if seg_type not in SEGMENT_TYPES:
        raise ValidationError("segment_type", f"Segment must be one of {', '.join(SEGMENT_TYPES)}.")
    if seg_type == "all":
        return ALL
    if isinstance(value, int) and not isinstance(value, bool):
        value = str(value)
    if not isinstance(value, str) or not value.strip():
        raise ValidationError("segment_value", "Choose a value for the segment.")
    value = value.strip()
    if len(value) > MAX_SEGMENT_VALUE:
        raise ValidationError("segment_value", "The segment value is too long.")
    if seg_type == "fit_tier":
        tier = value if value in ("not_a_fit", "none") else value.upper()
        if tier not in FIT_TIERS:
            raise ValidationError("segment_value", "Fit tier must be A, B, C, D, not_a_fit or none.")
        value = tier
    elif seg_type in ("icp", "persona", "owner", "competitor"):
        if not re.fullmatch(r"\d{1,12}", value) or int(value) <= 0:
            raise ValidationError("segment_value", f"The {seg_type} must be an id.")
    elif seg_type == "country":
        code = geo.normalise_country(value)
        if code is None:
            raise ValidationError("segment_value", f"Unknown country: {value!r}.")
        value = code
    elif seg_type == "region":
        name = geo.region_name(value)
        if name is None:
            raise ValidationError("segment_value", f"Unknown region: {value!r}.")
        value = name
    return Segment(seg_type, value)


def parse_segment(raw: object) -> Segment:
    """``all`` or ``type:value``, e.g. ``fit_tier:A``, ``region:Europe``, ``owner:3``."""
    if raw in (None, "", "all"):
        return ALL
    if not isinstance(raw, str) or ":" not in raw:
        raise ValidationError("segment", "Segment must be 'all' or 'type:value'.")
    seg_type, value = raw.split(":", 1)
    return clean_segment(seg_type.strip(), value)


def company_conditions(seg: Segment, workspace_id: int) -> list:
    """Conditions on Company for a segment (lead metrics, and deals joined to companies)."""
    t, v = seg.type, seg.value
    if t == "fit_tier":
        return [Company.fit_tier.is_(None)] if v == "none" else [Company.fit_tier == v]
    if t == "icp":
        return [Company.fit_icp_id == int(v)]
    if t == "industry":
        return [func.lower(Company.industry) == v.lower()]
    if t == "country":
        return [Company.country == v]
    if t == "region":
        return [Company.country.in_(sorted(geo.expand_geography([v])))]
    if t == "persona":
        return [Company.id.in_(select(Contact.company_id).where(
            Contact.workspace_id == workspace_id, Contact.persona_id == int(v)))]
    if t == "owner":
        return [Company.owner_id == int(v)]
    if t == "competitor":  # companies with a deal where the competitor was present
        return [Company.id.in_(select(Deal.company_id).where(
            Deal.id.in_(_competitor_deal_ids(workspace_id, int(v)))))]
    return []  # all


def _competitor_deal_ids(workspace_id: int, competitor_id: int):
    return select(DealCompetitor.deal_id).where(DealCompetitor.workspace_id == workspace_id,
                                                DealCompetitor.competitor_id == competitor_id)


def restrict_deals(stmt, seg: Segment, workspace_id: int):
    """Restrict a statement over Deal to a segment (joining Company only when the
    segment is a condition on the company)."""
    if seg.type == "all":
        return stmt
    if seg.type == "competitor":
        return stmt.where(Deal.id.in_(_competitor_deal_ids(workspace_id, int(seg.value))))
    if seg.type == "owner":
        return stmt.where(Deal.owner_id == int(seg.value))
    if seg.type == "persona":
        return stmt.where(Deal.company_id.in_(select(Contact.company_id).where(
            Contact.workspace_id == workspace_id, Contact.persona_id == int(seg.value))))
    return stmt.join(Company, Company.id == Deal.company_id).where(
        *company_conditions(seg, workspace_id))
