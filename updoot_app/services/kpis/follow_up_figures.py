"""Figures of follow-ups and buying signals: follow-ups done per member in a
period, the share of open deals with a next step (now), and "do our triggers
predict buying?": the win rate of deals opened within SIGNAL_LEAD_DAYS after a
signal on their company (segment "signal: fresh") against the rest ("signal:
none"), among the deals closed in the period.

Aggregates run in the database (GROUP BY, COUNT with EXISTS); the signal split
reads the closed deals' (company, created day, won) and those companies' signal
days, two queries, and matches them in memory: date arithmetic is not portable
between SQLite and PostgreSQL, and a period's closed deals are few.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import timedelta

from sqlalchemy import case, func
from sqlmodel import Session, select

from updoot_app.models import BuyingSignal, Deal, FollowUp, Stage, User
from updoot_app.services.crm.follow_up_reads import open_follow_up_on_deal
from updoot_app.services.kpis.periods import Period
from updoot_app.services.platform.clock import aware

SIGNAL_LEAD_DAYS = 30
SIGNAL_SEGMENTS = ("fresh", "none")


def _rate(won: int, lost: int) -> float | None:
    return None if won + lost == 0 else round(won / (won + lost), 4)


def follow_ups_done(session: Session, workspace_id: int, period: Period) -> list[dict]:
    """Per member (who marked them done), most first: {"user_id", "email", "done"}."""
    rows = session.exec(
        select(FollowUp.done_by, User.email, func.count(FollowUp.id))
        .join(User, User.id == FollowUp.done_by, isouter=True)
        .where(FollowUp.workspace_id == workspace_id, FollowUp.done_at >= period.start,
               FollowUp.done_at < period.end)
        .group_by(FollowUp.done_by, User.email)
        .order_by(func.count(FollowUp.id).desc(), User.email)).all()
    return [{"user_id": uid, "email": email, "done": n} for uid, email, n in rows]


def next_step_share(session: Session, workspace_id: int) -> dict:
    """Open deals now, those with an open follow-up, and the share."""
    total, with_next = session.exec(
        select(func.count(Deal.id),
               func.coalesce(func.sum(case((open_follow_up_on_deal(), 1), else_=0)), 0))
        .join(Stage, Stage.id == Deal.stage_id)
        .where(Deal.workspace_id == workspace_id, Stage.kind == "open")).one()
    return {"open_deals": total, "with_next_step": int(with_next),
            "without_next_step": total - int(with_next),
            "share": None if not total else round(int(with_next) / total, 4)}


def signal_win_rates(session: Session, workspace_id: int, period: Period) -> dict:
    """{"fresh": {...}, "none": {...}}, each {"won", "lost", "win_rate"}: a deal is
    "fresh" when its company had a signal on the day it was opened or in the
    SIGNAL_LEAD_DAYS days before."""
    deals = session.exec(
        select(Deal.company_id, Deal.created_at, Stage.kind)
        .join(Stage, Stage.id == Deal.stage_id)
        .where(Deal.workspace_id == workspace_id, Stage.kind.in_(("won", "lost")),
               Deal.closed_at >= period.start, Deal.closed_at < period.end)).all()
    companies = {cid for cid, _created, _kind in deals}
    days: dict[int, list] = defaultdict(list)
    if companies:
        for cid, occurred in session.exec(
                select(BuyingSignal.company_id, BuyingSignal.occurred_on)
                .where(BuyingSignal.workspace_id == workspace_id,
                       BuyingSignal.company_id.in_(sorted(companies)))).all():
            days[cid].append(occurred)
    counts = {seg: {"won": 0, "lost": 0} for seg in SIGNAL_SEGMENTS}
    lead = timedelta(days=SIGNAL_LEAD_DAYS)
    for cid, created, kind in deals:
        opened = aware(created).date()
        fresh = any(opened - lead <= day <= opened for day in days.get(cid, ()))
        counts["fresh" if fresh else "none"]["won" if kind == "won" else "lost"] += 1
    return {seg: {**c, "win_rate": _rate(c["won"], c["lost"])} for seg, c in counts.items()}


def follow_up_figures(session: Session, workspace_id: int, period: Period) -> dict:
    """All three, as the API answers them."""
    return {"follow_ups_done": follow_ups_done(session, workspace_id, period),
            "next_steps": next_step_share(session, workspace_id),
            "win_rate_by_signal": signal_win_rates(session, workspace_id, period)}
