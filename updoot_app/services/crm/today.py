"""Today: the ranked list of who to contact now. A pure engine (no I/O): the
reads in today_reads.py hand it plain candidates, it says why each is there and
in which order; the API, the page and the benchmark share it.

The ranking rule, in full (higher points first, then the earlier due day, then
the lower id):

    section base   overdue or due today 300 · in buying mode 200 · stalled fit deal 100
    + fit          tier A 30, B 20, C 10, D or unscored 0
    + freshness    a signal: 30 on the day it happened, falling evenly to 0 at the
                   end of its trigger's freshness window
    + value        an open deal's value: 5 points per power of ten above 1 (10 -> 5,
                   1,000 -> 15, 1,000,000 -> 30), at most 30
    + overdue      5 points a day overdue, at most 30 (due today: 0)

A line collects two of the four parts (a follow-up: fit and overdue; a signal: fit
and freshness; a deal: fit and value), so at most 60 above its section's base: a
section never overtakes the one above it. Whatever is due comes first, a stalled
deal last; an open deal without a next step counts as in buying mode.

A signal is **fresh** while its age in days (in the workspace's calendar) is
below its trigger's window (``profiles.signal_fit.is_fresh``): with the default 90 days, from the day it happened
to 89 days after.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from updoot_app.services.profiles.signal_fit import is_fresh, signal_age

KINDS = ("task", "buying_signal", "no_next_step", "stalled")
SECTION_BASE = {"due": 300, "buying": 200, "stalled": 100}
TIER_POINTS = {"A": 30, "B": 20, "C": 10}
BUYING_TIERS = ("A", "B")
KIND_VERBS = {"call": "call", "email": "email", "meeting": "meet", "todo": "do"}

# --- freshness ----------------------------------------------------------------------


# The rule of freshness (signal_age, is_fresh) is the stored fit's too: it lives in
# services/profiles/signal_fit.py, so the fit, this list and the pages agree.


def freshness_points(occurred_on: date, today: date, window_days: int) -> float:
    if not is_fresh(occurred_on, today, window_days):
        return 0.0
    return 30.0 * (1 - signal_age(occurred_on, today) / window_days)


def ago(days: int) -> str:
    if days <= 0:
        return "today"
    return "yesterday" if days == 1 else f"{days} days ago"


# --- the points ----------------------------------------------------------------------


def fit_points(tier: str | None) -> int:
    return TIER_POINTS.get(tier or "", 0)


def value_points(value: Decimal | None) -> float:
    if not value or value <= 1:
        return 0.0
    return min(30.0, 5.0 * math.log10(float(value)))


def overdue_points(days_overdue: int) -> int:
    return min(30, 5 * max(0, days_overdue))


def fit_label(tier: str | None, score: int | None) -> str:
    """"A · 86" as on the fit badge; "unscored" without a fit."""
    if not tier:
        return "unscored"
    tier_text = "not a fit" if tier == "not_a_fit" else tier
    return tier_text if score is None else f"{tier_text} · {score}"


# --- candidates ----------------------------------------------------------------------


@dataclass(frozen=True)
class Company:
    id: int
    name: str
    fit_tier: str | None = None
    fit_score: int | None = None


@dataclass(frozen=True)
class TaskCandidate:
    """An open follow-up due on or before today."""

    id: int
    title: str
    kind: str
    due_on: date
    company: Company | None = None
    contact_name: str = ""
    deal_id: int | None = None
    assignee: str = ""


@dataclass(frozen=True)
class SignalCandidate:
    """A company's freshest signal (the company has no open deal)."""

    id: int
    trigger: str
    occurred_on: date
    window_days: int
    company: Company


@dataclass(frozen=True)
class DealCandidate:
    """An open deal: without a next step, or stalled (no activity for a while)."""

    id: int
    title: str
    value: Decimal
    currency: str
    stage: str
    days_in_stage: int
    days_idle: int
    has_next_step: bool
    company: Company


@dataclass
class Item:
    kind: str
    points: float
    reason: str
    company_id: int | None = None
    deal_id: int | None = None
    task_id: int | None = None
    signal_id: int | None = None
    due_on: date | None = None
    rank: int = 0
    extra: dict = field(default_factory=dict)

    def to_dict(self) -> dict:
        return {"kind": self.kind, "rank": self.rank, "reason": self.reason,
                "points": round(self.points, 2), "company_id": self.company_id,
                "deal_id": self.deal_id, "task_id": self.task_id,
                "signal_id": self.signal_id,
                "due_on": self.due_on.isoformat() if self.due_on else None, **self.extra}


# --- lines ---------------------------------------------------------------------------


def _company_part(company: Company | None) -> str:
    if company is None:
        return ""
    return f"{company.name}, {fit_label(company.fit_tier, company.fit_score)}"


def task_item(task: TaskCandidate, today: date) -> Item:
    """"Overdue 2 days: call Dana (Acme, A · 86)" or "Due today: ..."."""
    late = (today - task.due_on).days
    when = "Due today" if late <= 0 else f"Overdue {late} day{'s' if late != 1 else ''}"
    who = task.contact_name or task.title
    what = f"{KIND_VERBS.get(task.kind, 'do')} {who}" if task.contact_name else task.title
    where = _company_part(task.company)
    reason = f"{when}: {what}" + (f" ({where})" if where else "")
    if task.contact_name and task.title and task.title != who:
        reason += f" — {task.title}"
    points = SECTION_BASE["due"] + overdue_points(late) + fit_points(
        task.company.fit_tier if task.company else None)
    return Item("task", points, reason, company_id=task.company.id if task.company else None,
                deal_id=task.deal_id, task_id=task.id, due_on=task.due_on,
                extra={"title": task.title, "type": task.kind, "assignee": task.assignee})


def signal_item(signal: SignalCandidate, today: date) -> Item:
    """"Acme (A · 86) had 'recent funding' 5 days ago and has no open deal"."""
    c = signal.company
    age = signal_age(signal.occurred_on, today)
    reason = (f"{c.name} ({fit_label(c.fit_tier, c.fit_score)}) had '{signal.trigger}' "
              f"{ago(age)} and has no open deal")
    points = (SECTION_BASE["buying"] + fit_points(c.fit_tier)
              + freshness_points(signal.occurred_on, today, signal.window_days))
    return Item("buying_signal", points, reason, company_id=c.id, signal_id=signal.id,
                extra={"trigger": signal.trigger,
                       "occurred_on": signal.occurred_on.isoformat()})


def deal_item(deal: DealCandidate) -> Item:
    """No next step (in buying mode) or stalled (a stalled fit deal)."""
    c = deal.company
    tier = c.fit_tier if c.fit_tier in TIER_POINTS else fit_label(c.fit_tier, None)
    if not deal.has_next_step:
        reason = (f"{c.name} deal ({tier}) has no next step and has been in {deal.stage} "
                  f"{deal.days_in_stage} day{'s' if deal.days_in_stage != 1 else ''}")
        kind, base = "no_next_step", SECTION_BASE["buying"]
    else:
        reason = (f"{c.name} deal ({tier}) is stalled: nothing logged for "
                  f"{deal.days_idle} days in {deal.stage}")
        kind, base = "stalled", SECTION_BASE["stalled"]
    points = base + fit_points(c.fit_tier) + value_points(deal.value)
    return Item(kind, points, reason, company_id=c.id, deal_id=deal.id,
                extra={"title": deal.title, "stage": deal.stage})


def rank(items: list[Item], limit: int | None = None) -> list[Item]:
    """Higher points first, then the earlier due day, then the lower id; ranks 1..n."""
    def key(item: Item):
        ident = item.task_id or item.deal_id or item.signal_id or 0
        return (-item.points, item.due_on or date.max, ident)

    ordered = sorted(items, key=key)[:limit]
    for n, item in enumerate(ordered, start=1):
        item.rank = n
    return ordered


def build(today: date, tasks: list[TaskCandidate], signals: list[SignalCandidate],
          deals: list[DealCandidate], *, stalled_tiers: tuple[str, ...] = BUYING_TIERS,
          limit: int | None = None) -> list[Item]:
    """The ranked list from the candidates the reads found: every task; every
    company's fresh signal; every open deal without a next step; a deal with a next
    step only when it is stalled and fits (stalled_tiers)."""
    items = [task_item(t, today) for t in tasks]
    items += [signal_item(s, today) for s in signals
              if is_fresh(s.occurred_on, today, s.window_days)]
    items += [deal_item(d) for d in deals
              if not d.has_next_step or d.company.fit_tier in stalled_tiers]
    return rank(items, limit)


# --- after a follow-up is done ------------------------------------------------------


def next_workday(day: date) -> date:
    """The next Monday to Friday after `day`."""
    nxt = day + timedelta(days=1)
    while nxt.weekday() >= 5:
        nxt += timedelta(days=1)
    return nxt


def snooze_target(choice: str, today: date) -> date:
    """"tomorrow" or "next_week" (Monday of next week) from today."""
    if choice == "tomorrow":
        return today + timedelta(days=1)
    return today + timedelta(days=7 - today.weekday())


def propose_next(title: str, kind: str, today: date) -> dict:
    """What to do next once a follow-up is done: the same kind, a week on (a
    workday), titled after the one just done. The person edits it before saving."""
    base = title.removeprefix("Follow up: ")
    return {"title": f"Follow up: {base}"[:200], "type": kind,
            "due_on": next_workday(today + timedelta(days=6)).isoformat()}
