"""KPI segments: which rows a figure counts.

``all``, ``fit_tier`` (A/B/C/D/not_a_fit, or ``none`` for unscored), ``icp`` (the
ICP the company matched best), ``industry``, ``country`` (ISO alpha-2), ``region``
(a region name, expanded to its countries), ``persona`` (the company has a contact
with that persona), ``owner`` (the deal's owner; a company's owner for lead
metrics), ``competitor`` (deals where that competitor was present), and ``signal``
(``fresh`` or ``none``: "do our triggers predict buying?").

A deal is "signal: fresh" when its company had a buying signal dated on the day the
deal was opened or in the SIGNAL_LEAD_DAYS days before (days of UTC, as stored);
every other deal is "signal: none". A lead (a company, for the lead metrics) is
fresh by the same rule on the day it was created: it came in with a signal.
``signal_condition`` is the one place of the rule (the win rate by signal of
``follow_up_figures`` is these two segments' win rates).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from sqlalchemy import Date, exists, func, literal_column
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.functions import FunctionElement
from sqlmodel import select

from updoot_app.models import BuyingSignal, Company, Contact, Deal, DealCompetitor
from updoot_app.services.platform import geo
from updoot_app.services.platform.errors import ValidationError
from updoot_app.services.profiles import tiers

SEGMENT_TYPES = ("all", "fit_tier", "icp", "industry", "country", "region", "persona",
                 "owner", "competitor", "signal")
SEGMENT_LABELS = {"all": "All deals", "fit_tier": "Fit tier", "icp": "ICP",
                  "industry": "Industry", "country": "Country", "region": "Region",
                  "persona": "Persona", "owner": "Owner",
                  "competitor": "Competitor", "signal": "Signal"}
FIT_TIERS = (*tiers.FIT_TIERS, "none")  # "none": the segment of unscored companies
FIT_SEGMENTS = ("fit_tier", "icp")  # segments that are a condition on the fit itself
MAX_SEGMENT_VALUE = 100
SIGNAL_LEAD_DAYS = 30  # a deal opened this many days after a signal still counts as fresh
SIGNAL_VALUES = ("fresh", "none")


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
    elif seg_type == "signal":
        value = value.lower()
        if value not in SIGNAL_VALUES:
            raise ValidationError("segment_value", "Signal must be fresh or none.")
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
    if t == "signal":  # leads that came in with a fresh signal
        return [signal_condition(v, Company.id, Company.created_at)]
    return []  # all


# --- the signal rule ------------------------------------------------------------------
# Days of stored datetimes and day arithmetic differ between SQLite and PostgreSQL;
# these two expressions compile to each, so the rule is one SQL condition that any
# statement over deals or companies can carry (no session needed to build it).


class _utc_day(FunctionElement):
    """The UTC day of a stored datetime."""

    type = Date()
    inherit_cache = True
    name = "utc_day"


class _days_before(FunctionElement):
    """A day ``n`` days before a day (``n`` a literal)."""

    type = Date()
    inherit_cache = True
    name = "days_before"


@compiles(_utc_day)
def _utc_day_pg(element, compiler, **kw):
    return f"CAST(timezone('UTC', {compiler.process(element.clauses, **kw)}) AS DATE)"


@compiles(_utc_day, "sqlite")
def _utc_day_sqlite(element, compiler, **kw):
    return f"date({compiler.process(element.clauses, **kw)})"


@compiles(_days_before)
def _days_before_pg(element, compiler, **kw):
    day, n = list(element.clauses)
    return f"({compiler.process(day, **kw)} - {compiler.process(n, **kw)})"


@compiles(_days_before, "sqlite")
def _days_before_sqlite(element, compiler, **kw):
    day, n = list(element.clauses)
    return f"date({compiler.process(day, **kw)}, '-{compiler.process(n, **kw)} days')"


def signal_condition(value: str, company_id, opened_at):
    """``fresh``: the company (``company_id``) had a signal on the UTC day of
    ``opened_at`` or in the SIGNAL_LEAD_DAYS days before; ``none``: it had not."""
    day = _utc_day(opened_at)
    fresh = exists().where(
        BuyingSignal.company_id == company_id, BuyingSignal.occurred_on <= day,
        BuyingSignal.occurred_on >= _days_before(day, literal_column(str(SIGNAL_LEAD_DAYS))))
    return fresh if value == "fresh" else ~fresh


def deal_conditions(seg: Segment, workspace_id: int) -> list:
    """Conditions for a statement over Deal joined to its Company: the deal's own
    (owner, signal) where the segment has them, else the company's."""
    if seg.type == "owner":
        return [Deal.owner_id == int(seg.value)]
    if seg.type == "signal":
        return [signal_condition(seg.value, Deal.company_id, Deal.created_at)]
    return company_conditions(seg, workspace_id)


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
    if seg.type in ("owner", "signal"):
        return stmt.where(*deal_conditions(seg, workspace_id))
    if seg.type == "persona":
        return stmt.where(Deal.company_id.in_(select(Contact.company_id).where(
            Contact.workspace_id == workspace_id, Contact.persona_id == int(seg.value))))
    return stmt.join(Company, Company.id == Deal.company_id).where(
        *company_conditions(seg, workspace_id))
