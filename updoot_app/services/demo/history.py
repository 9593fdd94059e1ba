"""The demo's sales history: deals whose outcome, size and speed follow the fit tier.

Runs after the ICP has scored the companies, and reads each company's tier as the
scorer set it. Then, per tier:

- deals closed this quarter (what the dashboard opens on) and earlier in the year,
  enough of each that no tier's win rate rests on one deal;
- of a tier's closed deals, the share WIN_RATE[tier] is won (rounded), A high and D
  low. Which deals win is drawn with a seeded RNG, weighted towards companies
  showing a security trigger (PULL): the trigger is what really tells the winners
  apart, so the ICP calibration suggests giving it more weight;
- values and cycle lengths are drawn from bands by tier: A and B close bigger and
  faster than C and D;
- open deals, mostly on A to C companies, in every open stage, fresh or stale
  (STALE_SHARE), with buying committees covering 0 to 4 of the helpful roles.

Every deal has its stage history, a few logged interactions, and its committee
(contacts of its company, one per role covered). Deterministic for a given RNG.
"""

from __future__ import annotations

import random
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal

from sqlmodel import Session, select

from updoot_app.models import (
    Company,
    Contact,
    Deal,
    DealContact,
    DealStageChange,
    Interaction,
    Stage,
)
from updoot_app.services.demo import bulk
from updoot_app.services.demo.firmographics import ICP, TITLE_ROLE

# Deals per tier for a demo of 120 companies (scaled to the demo's size).
CLOSED_THIS_QUARTER = {"A": 12, "B": 11, "C": 11, "D": 13, "not_a_fit": 3}
CLOSED_EARLIER = {"A": 7, "B": 7, "C": 7, "D": 8, "not_a_fit": 2}
OPEN = {"A": 13, "B": 13, "C": 10, "D": 7, "not_a_fit": 2}
PER_COMPANIES = 120
WIN_RATE = {"A": 0.75, "B": 0.55, "C": 0.3, "D": 0.15, "not_a_fit": 0.0}
# When drawing a tier's winners, a company's weight is the product of the pulls of
# the criteria it matches: a security trigger is what really makes a deal close.
PULL = {"triggers": 8.0, "geography": 1.5}
VALUE_MEDIAN = {"A": 48000, "B": 32000, "C": 20000, "D": 12000, "not_a_fit": 9000}
WON_CYCLE_DAYS = {"A": (18, 38), "B": (28, 52), "C": (40, 75), "D": (55, 100),
                  "not_a_fit": (60, 110)}
LOST_CYCLE_DAYS = (15, 90)
EARLIER_DAYS = 270  # closed before this quarter: spread over this many days
STALE_SHARE = 0.4
OPEN_STAGE_WEIGHTS = (22, 20, 22, 20, 16)  # New ... Negotiation
LOST_REASONS = {
    "fit": ("Chose a competitor", "Timing", "Price", "No decision"),
    "poor": ("No budget", "No decision", "Not a priority", "Price", "Chose a competitor"),
}
DEAL_WORDS = ("endpoint rollout", "SOC 2 readiness", "managed detection pilot",
              "security awareness program", "cloud posture review", "SIEM replacement",
              "incident response retainer", "zero trust rollout", "renewal", "expansion",
              "phishing simulation", "vulnerability management")
TOUCHES = (
    ("call", "Discovery call: audit coming in the spring", "Sending a summary"),
    ("meeting", "Demo to the security team", "Asked for a trial"),
    ("email", "Sent pricing and the compliance report", "Waiting for feedback"),
    ("call", "Walked the CFO through the business case", "Positive"),
    ("meeting", "Technical deep dive with DevOps", "Terraform questions answered"),
    ("email", "Shared two customer references", "Follow-up next week"),
    ("call", "Checked in on the evaluation", "No answer yet"),
)
HELPFUL = ("economic_buyer", "champion", "technical_evaluator", "user")
FIELDS = [c.field for c in ICP.criteria]


@dataclass
class Account:
    id: int
    name: str
    tier: str
    owner_id: int | None
    created_at: datetime
    pull: float  # weight when drawing winners (PULL)


def _scaled(base: dict[str, int], companies: int) -> dict[str, int]:
    return {t: round(k * companies / PER_COMPANIES) for t, k in base.items()}


def _accounts(session: Session, workspace_id: int) -> list[Account]:
    rows = session.exec(select(Company.id, Company.name, Company.fit_tier, Company.owner_id,
                               Company.created_at, Company.fit_results)
                        .where(Company.workspace_id == workspace_id).order_by(Company.id)).all()
    return [Account(cid, name, tier or "D", owner, created, _pull(res or ""))
            for cid, name, tier, owner, created, res in rows]


def _pull(results: str) -> float:
    """The product of PULL over the criteria matched (``M`` in the scorer's results)."""
    out = 1.0
    for field, code in zip(FIELDS, results, strict=False):
        if code == "M":
            out *= PULL.get(field, 1.0)
    return out


def _value(rng: random.Random, tier: str) -> Decimal:
    return Decimal(round(VALUE_MEDIAN[tier] * rng.uniform(0.65, 1.35) / 500) * 500)


def _winners(rng: random.Random, accounts: list[Account], rate: float) -> set[int]:
    """Indexes of the deals won: round(rate * n) of them, drawn without replacement
    with weights (Efraimidis–Spirakis keys u ** (1 / w))."""
    wins = round(rate * len(accounts))
    keys = [(rng.random() ** (1 / a.pull), i) for i, a in enumerate(accounts)]
    return {i for _key, i in sorted(keys, reverse=True)[:wins]}


class _Builder:
    """Collects the rows of every deal, then inserts them table by table."""

    def __init__(self, rng: random.Random, workspace_id: int, stages: list[Stage],
                 contacts: dict[int, dict[str, list[int]]], now: datetime):
        self.rng, self.ws, self.now = rng, workspace_id, now
        self.open_stages = [s for s in stages if s.kind == "open"]
        self.won = next(s for s in stages if s.kind == "won")
        self.lost = next(s for s in stages if s.kind == "lost")
        self.contacts = contacts
        self.deals: list[dict] = []
        self.extras: list[tuple[list[Stage], list[int]]] = []  # path, committee

    def _title(self) -> str:
        word = self.rng.choice(DEAL_WORDS)
        return word[0].upper() + word[1:]

    def _committee(self, account: Account, roles: int) -> list[int]:
        by_role = self.contacts.get(account.id, {})
        held = [r for r in HELPFUL if by_role.get(r)]
        chosen = self.rng.sample(held, min(roles, len(held)))
        ids = [self.rng.choice(by_role[r]) for r in chosen]
        if by_role.get("blocker") and self.rng.random() < 0.25:
            ids.append(by_role["blocker"][0])
        return ids

    def closed(self, account: Account, won: bool, closed_at: datetime) -> None:
        rng, tier = self.rng, account.tier
        cycle = rng.uniform(*(WON_CYCLE_DAYS[tier] if won else LOST_CYCLE_DAYS))
        created = closed_at - timedelta(days=cycle)
        if won:
            path = list(self.open_stages) + [self.won]
            roles = rng.choice((3, 4)) if tier in ("A", "B") else rng.choice((2, 3))
        else:
            path = self.open_stages[: rng.randint(1, len(self.open_stages))] + [self.lost]
            roles = rng.choice((1, 1, 2))
        reasons = LOST_REASONS["fit" if tier in ("A", "B") else "poor"]
        self._add(account, path, roles, value=_value(rng, tier), created=created,
                  entered=closed_at, last=closed_at, closed=closed_at,
                  lost_reason=None if won else rng.choice(reasons))

    def open(self, account: Account, stage_index: int, stale_after_days: int) -> None:
        rng, now = self.rng, self.now
        idle = (rng.uniform(stale_after_days + 2, stale_after_days + 40)
                if rng.random() < STALE_SHARE else rng.uniform(0, min(9, stale_after_days - 1)))
        last = now - timedelta(days=idle)
        entered = last - timedelta(days=rng.uniform(0, 20))
        created = entered - timedelta(days=rng.uniform(2, 10) * stage_index)
        if created < account.created_at:  # a lead added this quarter: its deal is newer
            shift = account.created_at - created + timedelta(hours=1)
            created, entered, last = (min(t + shift, now) for t in (created, entered, last))
        roles = rng.choice((0, 1, 1, 2, 2, 2, 3, 3, 4))
        self._add(account, self.open_stages[: stage_index + 1], roles,
                  value=_value(rng, account.tier), created=created, entered=entered, last=last,
                  closed=None, lost_reason=None,
                  expected_close=(now + timedelta(days=rng.randint(14, 100))).date())

    def _add(self, account: Account, path: list[Stage], roles: int, *, value: Decimal,
             created: datetime, entered: datetime, last: datetime, closed: datetime | None,
             lost_reason: str | None, expected_close=None) -> None:
        owner = account.owner_id
        self.deals.append({
            "workspace_id": self.ws, "company_id": account.id, "title": self._title(),
            "value": value, "currency": "USD", "stage_id": path[-1].id, "owner_id": owner,
            "created_at": created, "stage_entered_at": entered, "last_activity_at": last,
            "expected_close": expected_close, "closed_at": closed, "lost_reason": lost_reason,
        })
        self.extras.append((path, self._committee(account, roles)))

    def insert(self, session: Session) -> list[int]:
        ids = bulk.insert_returning_ids(session, Deal, self.deals)
        history, touches, links = [], [], []
        for deal_id, row, (path, committee) in zip(ids, self.deals, self.extras, strict=True):
            span = (row["stage_entered_at"] - row["created_at"]) / max(1, len(path) - 1)
            previous = None
            for step, stage in enumerate(path):
                history.append({"workspace_id": self.ws, "deal_id": deal_id,
                                "from_stage_id": previous, "to_stage_id": stage.id,
                                "changed_at": row["created_at"] + span * step,
                                "user_id": row["owner_id"]})
                previous = stage.id
            links += [{"workspace_id": self.ws, "deal_id": deal_id, "contact_id": c}
                      for c in committee]
            touches += self._touches(deal_id, row, committee)
        bulk.insert_rows(session, DealStageChange, history)
        bulk.insert_rows(session, DealContact, links)
        bulk.insert_rows(session, Interaction, touches)
        return ids

    def _touches(self, deal_id: int, row: dict, committee: list[int]) -> list[dict]:
        rng, out = self.rng, []
        n = rng.randint(1, 3)
        for k in range(n):
            kind, summary, outcome = rng.choice(TOUCHES)
            when = (row["last_activity_at"] if k == n - 1 else row["created_at"]
                    + (row["last_activity_at"] - row["created_at"]) * rng.random())
            out.append({"workspace_id": self.ws, "kind": kind, "company_id": row["company_id"],
                        "contact_id": rng.choice(committee) if committee else None,
                        "deal_id": deal_id, "occurred_at": when, "summary": summary,
                        "outcome": outcome, "user_id": row["owner_id"]})
        return out


def _contacts_by_role(session: Session, workspace_id: int) -> dict[int, dict[str, list[int]]]:
    out: dict[int, dict[str, list[int]]] = defaultdict(lambda: defaultdict(list))
    for cid, company_id, title in session.exec(
            select(Contact.id, Contact.company_id, Contact.title)
            .where(Contact.workspace_id == workspace_id).order_by(Contact.id)).all():
        role = TITLE_ROLE.get(title or "")
        if role and company_id is not None:
            out[company_id][role].append(cid)
    return out


def seed_deals(session: Session, workspace_id: int, stages: list[Stage], *,
               rng: random.Random, now: datetime, quarter_start: datetime,
               stale_after_days: int) -> list[int]:
    """Insert the deals of the story with their history, committees and interactions;
    returns their ids."""
    accounts = _accounts(session, workspace_id)
    n = len(accounts)
    by_tier: dict[str, list[Account]] = defaultdict(list)
    for a in accounts:
        by_tier[a.tier].append(a)
    build = _Builder(rng, workspace_id, sorted(stages, key=lambda s: s.position),
                     _contacts_by_role(session, workspace_id), now)
    elapsed = max(now - quarter_start, timedelta(0))
    windows = ((CLOSED_THIS_QUARTER, lambda: quarter_start + elapsed * rng.random()),
               (CLOSED_EARLIER, lambda: quarter_start - timedelta(
                   days=rng.uniform(1, EARLIER_DAYS))))
    for base, when in windows:
        for tier, k in _scaled(base, n).items():
            longest = timedelta(days=max(WON_CYCLE_DAYS[tier][1], LOST_CYCLE_DAYS[1]))
            picked = []
            for closed_at in sorted(when() for _ in range(k)):
                # a company known before the deal began (whatever its cycle)
                pool = [a for a in by_tier[tier] if a.created_at <= closed_at - longest]
                if pool:
                    picked.append((rng.choice(pool), closed_at))
            winners = _winners(rng, [a for a, _ in picked], WIN_RATE[tier])
            for i, (account, closed_at) in enumerate(picked):
                build.closed(account, i in winners, closed_at)
    opened = [t for t, k in _scaled(OPEN, n).items() if by_tier.get(t) for _ in range(k)]
    n_open = len(build.open_stages)
    decks: dict[str, list[Account]] = {}
    for i, tier in enumerate(opened):
        # Each company of the tier once before any gets a second open deal.
        deck = decks.get(tier) or rng.sample(by_tier[tier], len(by_tier[tier]))
        account, decks[tier] = deck[0], deck[1:]
        stage = i if i < n_open else rng.choices(range(n_open), OPEN_STAGE_WEIGHTS[:n_open])[0]
        build.open(account, stage, stale_after_days)
    return build.insert(session)
