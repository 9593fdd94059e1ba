"""The demo's companies and their contacts, shaped by the ICP the demo scores them with.

Each company is given a target tier, then a set of the ICP's criteria to match
whose weights add up to a score in that tier ("industry and size": 35 + 25 = 60,
tier B); its firmographics are drawn to match exactly those criteria and miss the
others (a Technology company of 1,200 people in Japan with no security trigger).
The tier is never written here: creating the ICP scores the companies
(``profiles.fit``), and the scorer gives them the spread of tiers planned here.
A missed criterion is sometimes left unknown (no country, no employee count), as
real data is, and a few companies are in a disqualified industry ("Not a fit").

Contacts hold job titles of the buying roles (``TITLES``), so that the
deals can put two, three or four roles of their company on their committee.
"""

from __future__ import annotations

import itertools
import random
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal

from sqlmodel import Session

from updoot_app.models import Company, Contact
from updoot_app.services.demo import bulk, names
from updoot_app.services.platform.geo import expand_geography
from updoot_app.services.profiles import icps
from updoot_app.services.profiles.scoring_model import IcpSpec, Thresholds, parse_icp

# The ICP the story creates (``icps.create_from_template(..., "cybersecurity")``).
ICP: IcpSpec = parse_icp(icps.CYBERSECURITY_ICP)

# Share of companies planned in each tier (of the ICP's own scores).
TIER_SHARES = {"A": 0.20, "B": 0.22, "C": 0.22, "D": 0.28, "not_a_fit": 0.08}
NEW_LEAD_SHARE = 0.25  # companies added this quarter: leads, not yet customers
YEAR_LEAD_SHARE = 0.2  # added in the nine months before; the rest are older accounts
LEAD_DAYS = 270
UNKNOWN_SHARE = 0.12  # a missed criterion left without data
ESTABLISHED_DAYS = 400  # older accounts: added before the first deal of the history

COUNTRIES = ("US", "US", "US", "US", "CA", "MX", "GB", "GB", "IE", "DE", "DE", "FR", "NL",
             "SE", "ES", "IT", "CH", "PL", "AT", "BE", "DK", "NO", "FI",
             "JP", "BR", "IN", "AU", "SG", "KR", "ZA", "AE", "AR", "NZ")
OTHER_TRIGGERS = ("expansion", "acquisition", "new CISO", "cloud migration",
                  "IPO preparation", "office move")
TECH = ("AWS", "Azure", "GCP", "Salesforce", "HubSpot", "Okta", "Snowflake", "Kubernetes",
        "SAP", "Shopify", "Slack", "Jira", "Microsoft 365", "Google Workspace")
TAGS = ("inbound", "outbound", "partner referral", "event", "webinar", "strategic")

# Job titles by buying role; the story links each title's contacts to the persona
# of its role.
TITLES = {
    "economic_buyer": ("IT Director", "CFO", "CISO"),
    "champion": ("Head of Security", "VP Engineering"),
    "technical_evaluator": ("CTO", "DevOps Lead"),
    "user": ("Security Analyst", "Compliance Officer"),
    "blocker": ("Procurement Manager",),
}
TITLE_ROLE = {title: role for role, titles in TITLES.items() for title in titles}
ROLES = tuple(TITLES)
# How many roles a company's known contacts hold (1 to 5), and how likely each.
ROLE_COUNTS = ((1, 2, 3, 4, 5), (1, 3, 5, 5, 2))


@dataclass(frozen=True)
class Plan:
    """What a company is meant to match: the criteria (by field) and the disqualifier."""

    matches: frozenset[str]
    disqualified: bool = False


def _tier_of(score: int, t: Thresholds = Thresholds()) -> str:
    return "A" if score >= t.a else "B" if score >= t.b else "C" if score >= t.c else "D"


def _plans_by_tier(spec: IcpSpec) -> dict[str, list[frozenset[str]]]:
    """Every set of criteria a company can match, grouped by the tier its score gives."""
    out: dict[str, list[frozenset[str]]] = {t: [] for t in ("A", "B", "C", "D")}
    fields = [c.field for c in spec.criteria]
    for k in range(len(fields) + 1):
        for combo in itertools.combinations(range(len(fields)), k):
            score = sum(spec.criteria[i].weight for i in combo)
            out[_tier_of(score)].append(frozenset(fields[i] for i in combo))
    return out


PLANS = _plans_by_tier(ICP)
BALANCED = "geography"


def plan(rng: random.Random, tier: str) -> Plan:
    """What a company of the tier matches. Half the companies of every tier match the
    region (BALANCED): a region that does not by itself tell winners from losers."""
    if tier == "not_a_fit":
        fields = [c.field for c in ICP.criteria if c.field != "industry"]
        return Plan(frozenset(f for f in fields if rng.random() < 0.5), disqualified=True)
    inside = [p for p in PLANS[tier] if BALANCED in p]
    outside = [p for p in PLANS[tier] if BALANCED not in p]
    side = (inside if rng.random() < 0.5 else outside) or inside or outside
    return Plan(rng.choice(side))


# --- one value per criterion: matching it, or not ----------------------------------

def _criterion(field: str):
    return next(c for c in ICP.criteria if c.field == field)


def _industry(rng: random.Random, p: Plan) -> str | None:
    inside = list(_criterion("industry").values)
    banned = [v for d in ICP.disqualifiers if d.field == "industry" for v in d.values]
    if p.disqualified:
        return rng.choice(banned)
    if "industry" in p.matches:
        return rng.choice(inside)
    if rng.random() < UNKNOWN_SHARE / 2:
        return None
    return rng.choice([i for i in names.INDUSTRY_WORDS if i not in inside and i not in banned])


def _employees(rng: random.Random, p: Plan) -> int | None:
    c = _criterion("employees")
    low, high = int(c.min), int(c.max)
    if "employees" in p.matches:
        return int(rng.uniform(low, high))
    if rng.random() < UNKNOWN_SHARE:
        return None
    if rng.random() < 0.6:
        return int(rng.lognormvariate(4.2, 0.9)) % (low - 12) + 12
    return int(high * rng.uniform(1.2, 12))


def _country(rng: random.Random, p: Plan) -> str | None:
    inside = expand_geography(_criterion("geography").values)
    if "geography" in p.matches:
        return rng.choice([c for c in COUNTRIES if c in inside])
    if rng.random() < UNKNOWN_SHARE:
        return None
    return rng.choice([c for c in COUNTRIES if c not in inside])


def _triggers(rng: random.Random, p: Plan) -> list[str]:
    inside = list(_criterion("triggers").values)
    if "triggers" in p.matches:
        found = rng.sample(inside, rng.choice((1, 1, 2)))
        return found + rng.sample(OTHER_TRIGGERS, rng.choice((0, 0, 1)))
    if rng.random() < UNKNOWN_SHARE * 2:  # no signal seen yet: unknown
        return []
    return rng.sample(OTHER_TRIGGERS, rng.choice((1, 1, 2)))


# --- rows --------------------------------------------------------------------------

def _tiers_planned(rng: random.Random, n: int) -> list[str]:
    """``n`` target tiers in the TIER_SHARES proportions (largest remainder), shuffled."""
    exact = {t: n * s for t, s in TIER_SHARES.items()}
    counts = {t: int(x) for t, x in exact.items()}
    for t in sorted(exact, key=lambda t: counts[t] - exact[t])[: n - sum(counts.values())]:
        counts[t] += 1
    tiers = [t for t, k in counts.items() for _ in range(k)]
    rng.shuffle(tiers)
    return tiers


def company_rows(rng: random.Random, workspace_id: int, owner_ids: list[int], n: int,
                 now: datetime, quarter_start: datetime) -> list[dict]:
    rows, taken = [], set()
    recent = max(now - quarter_start, timedelta(0))
    for tier in _tiers_planned(rng, n):
        p = plan(rng, tier)
        industry, country = _industry(rng, p), _country(rng, p)
        employees = _employees(rng, p)
        full, short = names.company_name(rng, industry, country, taken)
        revenue = (Decimal(employees * rng.randrange(80, 260)) * 1000
                   if employees and rng.random() > 0.2 else None)
        age = rng.random()
        if age < NEW_LEAD_SHARE:
            created = quarter_start + recent * rng.random()
        elif age < NEW_LEAD_SHARE + YEAR_LEAD_SHARE:
            created = quarter_start - timedelta(days=rng.uniform(1, LEAD_DAYS))
        else:
            created = quarter_start - timedelta(days=rng.randint(ESTABLISHED_DAYS, 900))
        rows.append({
            "workspace_id": workspace_id, "name": full,
            "domain": f"{names.ascii_slug(short)}.example",
            "industry": industry, "employees": employees, "annual_revenue": revenue,
            "country": country, "triggers": _triggers(rng, p),
            "tech_stack": rng.sample(TECH, rng.randint(1, 4)),
            "tags": rng.sample(TAGS, rng.randint(0, 2)),
            "owner_id": rng.choice(owner_ids), "notes": "",
            "created_at": created, "updated_at": created,
        })
    return rows


def contact_rows(rng: random.Random, workspace_id: int,
                 companies: list[tuple[int, dict]]) -> list[dict]:
    """Contacts of each company, one per buying role it has a name for."""
    rows = []
    for company_id, company in companies:
        k = rng.choices(*ROLE_COUNTS)[0]
        for role in rng.sample(ROLES, k):
            first, last = names.person(rng)
            rows.append({
                "workspace_id": workspace_id, "company_id": company_id,
                "first_name": first, "last_name": last, "title": rng.choice(TITLES[role]),
                "email": names.person_email(first, last, company["domain"]),
                "phone": f"+1 555 {rng.randint(1000000, 9999999)}", "notes": "",
                "created_at": company["created_at"],
            })
    return rows


def seed_companies(session: Session, workspace_id: int, owner_ids: list[int], *,
                   companies: int, rng: random.Random, now: datetime,
                   quarter_start: datetime) -> int:
    """Insert the companies and their contacts; returns the number of companies."""
    rows = company_rows(rng, workspace_id, owner_ids, companies, now, quarter_start)
    ids = bulk.insert_returning_ids(session, Company, rows)
    bulk.insert_rows(session, Contact, contact_rows(rng, workspace_id,
                                                    list(zip(ids, rows, strict=True))))
    return len(ids)
