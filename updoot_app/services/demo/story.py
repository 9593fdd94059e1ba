"""What turns the demo's companies into a story worth clicking through: an ICP with
its buying committee of personas (creating it scores every company), contacts
linked to those personas, a sales history whose results follow the fit tier
(``demo.history``: deals won, lost and open, with their committees), two
competitor battlecards present on some deals (win rates), and three goals on the
dashboard.

``demo.firmographics`` makes the companies and contacts, shaped to the ICP created
here; ``demo.lifecycle.create_demo`` calls it, then ``tell``. (``demo.seed`` is the
bulk generator of tests and benchmarks, which want none of this.)
"""

from __future__ import annotations

import random
from collections import defaultdict
from datetime import datetime

from sqlalchemy import update
from sqlmodel import Session, select

from updoot_app.models import Contact, Deal, DealCompetitor, Workspace
from updoot_app.models.types import utcnow
from updoot_app.services.competitors import battlecards
from updoot_app.services.crm import stages
from updoot_app.services.demo import bulk, history
from updoot_app.services.demo.firmographics import TITLE_ROLE
from updoot_app.services.identity.access import Principal
from updoot_app.services.kpis import goals
from updoot_app.services.kpis.periods import period_of
from updoot_app.services.profiles import icps, personas

MORE_PERSONAS = (
    {"name": "Champion Chris", "role_title": "Head of Security", "seniority": "Head of",
     "background": "Runs a three-person security team and feels every alert personally.",
     "goals": ["Cut alert noise by half", "Get budget for automation"],
     "challenges": ["Drowning in false positives", "No time for projects"],
     "channels": ["Slack communities", "Webinars", "Peer referrals"],
     "objections": ["My team has no time to roll out another tool"],
     "motivations": "Wants to be the one who fixed security for the company.",
     "buying_role": "champion"},
    {"name": "Technical Tara", "role_title": "DevOps Lead", "seniority": "Lead",
     "background": "Owns the cloud platform; every new agent lands on her desk.",
     "goals": ["No new agents on production hosts", "Everything as code"],
     "challenges": ["Integrations that break on upgrades"],
     "channels": ["GitHub", "Technical documentation", "Hacker News"],
     "objections": ["Does it have Terraform support?", "What does it do to latency?"],
     "motivations": "Wants tools that disappear into the pipeline.",
     "buying_role": "technical_evaluator"},
    {"name": "Analyst Ana", "role_title": "Security Analyst", "seniority": "Individual contributor",
     "background": "Works the alert queue every day.",
     "goals": ["Close alerts faster", "Fewer 3 a.m. pages"],
     "challenges": ["Context switching between six consoles"],
     "channels": ["Product demos", "Free trials"],
     "objections": ["Another console to learn"],
     "motivations": "Wants her evenings back.",
     "buying_role": "user"},
    {"name": "Procurement Pat", "role_title": "Procurement Manager", "seniority": "Manager",
     "background": "Signs off every contract above 10k.",
     "goals": ["Consolidate vendors", "Predictable annual cost"],
     "challenges": ["Too many overlapping tools"],
     "channels": ["Email", "Formal RFPs"],
     "objections": ["We already pay for something similar", "Multi-year discount?"],
     "motivations": "Measured on savings.",
     "buying_role": "blocker"},
)

RIVALS = (
    {"name": "SentinelStack", "website": "https://sentinelstack.example.com",
     "target": {"industries": ["Technology", "Financial Services"], "employees_min": 1000,
                "employees_max": 10000, "geography": ["North America"],
                "segments": ["Enterprise"]},
     "strengths": "- Big brand, analyst reports\n- Broad feature list",
     "weaknesses": "- Six-month rollouts\n- Needs a dedicated admin",
     "where_they_win": "Enterprises with a full security team.",
     "gaps": "Teams of three or fewer cannot run it: **we can own the lean team**.",
     "pricing_notes": "List price per endpoint, steep discounts at year end.",
     "talk_track": "Ask how many people will run it day to day."},
    {"name": "CheapGuard", "website": "https://cheapguard.example.com",
     "target": {"industries": ["Retail", "Education"], "employees_min": 10,
                "employees_max": 500, "geography": ["Europe"], "segments": ["SMB"]},
     "strengths": "- Lowest price\n- Self-serve sign-up",
     "weaknesses": "- No compliance reports\n- Email-only support",
     "where_they_win": "Price-driven buyers without an audit coming.",
     "gaps": "Audit preparation: show the compliance report in the first call.",
     "pricing_notes": "Flat monthly fee; compliance pack sold separately.",
     "talk_track": "Ask when the next audit is."},
)

GOALS = (
    {"name": "Revenue this quarter", "metric": "revenue", "target": "800000",
     "period_kind": "quarter"},
    {"name": "ICP-fit leads this quarter", "metric": "icp_fit_leads", "target": "25",
     "period_kind": "quarter"},
    {"name": "Win rate on tier A deals", "metric": "win_rate", "target": "40",
     "period_kind": "year", "segment_type": "fit_tier", "segment_value": "A"},
)


def tell(session: Session, principal: Principal, *, seed: int = 7,
         now: datetime | None = None) -> None:
    """Add the ICP, personas, sales history, competitors and goals to a workspace
    whose companies and contacts are seeded (``firmographics.seed_companies``)."""
    rng = random.Random(seed)
    now = now or utcnow()
    ws = principal.workspace_id
    icp = icps.create_from_template(session, principal, "cybersecurity")  # scores companies
    by_role = {p.buying_role: p.id for p in personas.list_personas(session, principal, icp.id)}
    for data in MORE_PERSONAS:
        persona = personas.create_persona(session, principal, icp.id, dict(data))
        by_role.setdefault(persona.buying_role, persona.id)
    contacts = session.exec(select(Contact.id, Contact.company_id, Contact.title)
                            .where(Contact.workspace_id == ws)).all()
    for persona_id, ids in _by_persona(contacts, by_role).items():
        session.execute(update(Contact).where(Contact.id.in_(ids)).values(persona_id=persona_id))
    workspace = session.get(Workspace, ws)
    history.seed_deals(session, ws, stages.list_stages(session, ws), rng=rng, now=now,
                       quarter_start=period_of("quarter", now.date()).start,
                       stale_after_days=workspace.stale_after_days)
    rivals = [battlecards.create_competitor(session, principal, dict(r)) for r in RIVALS]
    deals = session.exec(select(Deal.id, Deal.company_fit_tier).where(Deal.workspace_id == ws)
                         .order_by(Deal.id)).all()
    present = [{"workspace_id": ws, "deal_id": deal_id, "competitor_id": _rival(rng, rivals, tier),
                "created_by": principal.user_id}
               for deal_id, tier in deals if rng.random() < 0.45]
    bulk.insert_rows(session, DealCompetitor, present)
    for goal in GOALS:
        goals.create_goal(session, principal, dict(goal))


def _rival(rng: random.Random, rivals: list, tier: str | None) -> int:
    """The enterprise rival shows up mostly on the best-fit deals, the cheap one on the rest."""
    big, cheap = rivals
    first = big if tier in ("A", "B") else cheap
    return (first if rng.random() < 0.7 else (cheap if first is big else big)).id


def _by_persona(contacts, by_role: dict[str, int]) -> dict[int, list[int]]:
    out: dict[int, list[int]] = defaultdict(list)
    for contact_id, _company, title in contacts:
        persona_id = by_role.get(TITLE_ROLE.get(title or "", ""))
        if persona_id is not None:
            out[persona_id].append(contact_id)
    return out
