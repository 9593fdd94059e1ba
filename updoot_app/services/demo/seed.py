"""Bulk seeded data for tests and benchmarks: companies, contacts, deals in every
stage, interactions. (A demo workspace tells a story instead: ``demo.firmographics``
and ``demo.history``, from ``demo.lifecycle.create_demo``.)

Deterministic for a given `seed`. Rows are bulk-inserted (one INSERT per table
and batch) so the same generator can fill a workspace with 50,000 companies
for a benchmark as quickly as 120 for a demo.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal

from sqlalchemy import insert
from sqlmodel import Session

from updoot_app.models import Company, Contact, Deal, DealStageChange, Interaction
from updoot_app.models.types import utcnow
from updoot_app.services.crm import stages
from updoot_app.services.identity import workspace_setup

INDUSTRIES = (
    "Technology", "Financial Services", "Healthcare", "Manufacturing", "Retail",
    "Education", "Government", "Logistics", "Energy", "Media",
)
COUNTRIES = ("US", "US", "US", "CA", "GB", "DE", "FR", "NL", "SE", "ES", "IT", "AU", "JP",
             "BR", "IN", "MX", "CH", "IE", "SG", "PL")
TECH = ("AWS", "Azure", "GCP", "Salesforce", "HubSpot", "Okta", "Snowflake", "Kubernetes",
        "SAP", "Shopify", "Slack", "Jira")
TRIGGERS = ("recent funding", "new regulation", "data breach", "rapid hiring", "audit",
            "new CISO", "expansion", "acquisition")
TAGS = ("inbound", "outbound", "partner referral", "event", "webinar", "strategic")
NAME_A = ("Acme", "Blue", "North", "Bright", "Iron", "Silver", "Nova", "Apex", "Clear", "Green",
          "Quantum", "Summit", "Harbor", "Pioneer", "Vertex", "Atlas", "Crimson", "Evergreen",
          "Falcon", "Granite", "Helix", "Lumen", "Orbit", "Polar", "Redwood", "Solstice")
NAME_B = ("Labs", "Systems", "Bank", "Health", "Works", "Logistics", "Capital", "Retail",
          "Energy", "Analytics", "Security", "Media", "Foods", "Robotics", "Cloud", "Partners")
SUFFIX = ("Inc", "Ltd", "GmbH", "SA", "BV", "AB", "LLC", "plc", "")
FIRST = ("Sarah", "James", "Priya", "Lukas", "Maria", "Chen", "Olivia", "Ahmed", "Sofia",
         "Noah", "Emma", "Kenji", "Fatima", "Liam", "Ana", "Mateo", "Ingrid", "Omar")
LAST = ("Miller", "Schmidt", "Patel", "Dubois", "Garcia", "Wang", "Johansson", "Rossi",
        "Kowalski", "Nguyen", "Smith", "Tanaka", "Silva", "Brown", "Okafor", "Murphy")
TITLES = ("IT Director", "CISO", "VP Engineering", "Head of Security", "CFO", "Security Analyst",
          "CTO", "Procurement Manager", "DevOps Lead", "Compliance Officer")
LOST_REASONS = ("Price", "Chose a competitor", "No budget", "Timing", "No decision")
DEAL_WORDS = ("rollout", "pilot", "renewal", "expansion", "platform", "security review")


@dataclass
class SeedCounts:
    companies: int = 0
    contacts: int = 0
    deals: int = 0
    interactions: int = 0


def _batched(rows: list[dict], size: int = 2000):
    for i in range(0, len(rows), size):
        yield rows[i:i + size]


def _insert_returning_ids(session: Session, model, rows: list[dict]) -> list[int]:
    ids: list[int] = []
    for batch in _batched(rows):
        ids.extend(session.execute(insert(model).returning(model.id), batch).scalars().all())
    return ids


def _company_rows(rng: random.Random, workspace_id: int, owner_ids: list[int], n: int,
                  now: datetime) -> list[dict]:
    rows = []
    for i in range(n):
        name = f"{rng.choice(NAME_A)} {rng.choice(NAME_B)}"
        suffix = rng.choice(SUFFIX)
        full = f"{name} {suffix}".strip() if i < 400 else f"{name} {i}"
        employees = int(rng.lognormvariate(5.5, 1.6)) + 2
        revenue = Decimal(employees * rng.randint(60, 400)) * 1000
        rows.append({
            "workspace_id": workspace_id,
            "name": full,
            "domain": f"{name.lower().replace(' ', '')}{i}.example",
            "industry": rng.choice(INDUSTRIES) if rng.random() > 0.05 else None,
            "employees": employees if rng.random() > 0.08 else None,
            "annual_revenue": revenue if rng.random() > 0.25 else None,
            "country": rng.choice(COUNTRIES) if rng.random() > 0.04 else None,
            "tech_stack": rng.sample(TECH, rng.randint(0, 4)),
            "triggers": rng.sample(TRIGGERS, rng.choice((0, 0, 1, 1, 2))),
            "tags": rng.sample(TAGS, rng.randint(0, 2)),
            "owner_id": rng.choice(owner_ids),
            "notes": "",
            "created_at": now - timedelta(days=rng.randint(0, 365)),
            "updated_at": now,
        })
    return rows


def seed_workspace(session: Session, workspace_id: int, owner_ids: list[int], *,
                   companies: int = 120, deals_per_company: float = 0.6,
                   seed: int = 7, now: datetime | None = None,
                   with_interactions: bool = True) -> SeedCounts:
    """Fill a workspace: companies across industries, sizes and countries, contacts,
    deals in every stage (won and lost too) with their stage history, interactions."""
    rng = random.Random(seed)
    now = now or utcnow()
    counts = SeedCounts()
    stage_rows = stages.list_stages(session, workspace_id)
    if not stage_rows:
        stage_rows = workspace_setup.create_default_stages(session, workspace_id)
    open_stages = [s for s in stage_rows if s.kind == "open"]

    company_rows = _company_rows(rng, workspace_id, owner_ids, companies, now)
    company_ids = _insert_returning_ids(session, Company, company_rows)
    counts.companies = len(company_ids)

    contact_rows = []
    for cid in company_ids[: min(len(company_ids), 5000)]:
        for _ in range(rng.randint(1, 3)):
            first, last = rng.choice(FIRST), rng.choice(LAST)
            contact_rows.append({
                "workspace_id": workspace_id, "company_id": cid, "first_name": first,
                "last_name": last, "title": rng.choice(TITLES),
                "email": f"{first.lower()}.{last.lower()}{cid}@example.com",
                "phone": f"+1 555 {rng.randint(1000000, 9999999)}", "notes": "",
                "created_at": now - timedelta(days=rng.randint(0, 300)),
            })
    counts.contacts = len(_insert_returning_ids(session, Contact, contact_rows))

    n_deals = int(len(company_ids) * deals_per_company)
    # Every stage gets deals: cycle through all stages for the first ones.
    targets = stage_rows + [rng.choice(stage_rows) for _ in range(max(0, n_deals - len(stage_rows)))]
    deal_rows, paths = [], []
    for i in range(n_deals):
        target = targets[i]
        created = now - timedelta(days=rng.randint(5, 360))
        path = [s for s in open_stages if s.position <= target.position] if target.kind == "open" \
            else open_stages[: rng.randint(1, len(open_stages))] + [target]
        entered = created + timedelta(days=rng.randint(0, 4) * (len(path) - 1))
        entered = min(entered, now)
        closed = entered if target.kind != "open" else None
        deal_rows.append({
            "workspace_id": workspace_id,
            "company_id": rng.choice(company_ids),
            "title": f"{rng.choice(DEAL_WORDS).capitalize()} {i + 1}",
            "value": Decimal(rng.randrange(2000, 120000, 500)),
            "currency": "USD",
            "stage_id": target.id,
            "owner_id": rng.choice(owner_ids),
            "created_at": created,
            "stage_entered_at": entered,
            "last_activity_at": entered if rng.random() > 0.2 else created,
            "closed_at": closed,
            "lost_reason": rng.choice(LOST_REASONS) if target.kind == "lost" else None,
        })
        paths.append((path, created, entered))
    deal_ids = _insert_returning_ids(session, Deal, deal_rows)
    counts.deals = len(deal_ids)

    history, interactions = [], []
    for deal_id, row, (path, created, entered) in zip(deal_ids, deal_rows, paths, strict=True):
        previous = None
        span = (entered - created) / max(1, len(path) - 1)
        for step, stage in enumerate(path):
            history.append({"workspace_id": workspace_id, "deal_id": deal_id,
                            "from_stage_id": previous, "to_stage_id": stage.id,
                            "changed_at": created + span * step, "user_id": row["owner_id"]})
            previous = stage.id
        if with_interactions and rng.random() < 0.7:
            interactions.append({
                "workspace_id": workspace_id, "kind": rng.choice(("call", "email", "meeting")),
                "company_id": row["company_id"], "deal_id": deal_id,
                "occurred_at": row["last_activity_at"], "summary": "Discussed requirements",
                "outcome": rng.choice(("positive", "neutral", "follow-up")),
                "user_id": row["owner_id"],
            })
    for batch in _batched(history, 5000):
        session.execute(insert(DealStageChange), batch)
    for batch in _batched(interactions, 5000):
        session.execute(insert(Interaction), batch)
    counts.interactions = len(interactions)
    return counts
