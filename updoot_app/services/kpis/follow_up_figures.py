"""Figures of follow-ups and buying signals: follow-ups done per member in a
period, the share of open deals with a next step (now), and "do our triggers
predict buying?": the win rate of deals opened within SIGNAL_LEAD_DAYS after a
signal on their company (segment "signal: fresh") against the rest ("signal:
none"), among the deals closed in the period.

Aggregates run in the database (GROUP BY, COUNT with EXISTS). The signal split is
the closed-deal summary of the two "signal" KPI segments (``segments.signal_condition``
holds the rule), so the figure, the goals and the API's ``segment=signal:fresh``
count the same deals.
"""

from __future__ import annotations

from sqlalchemy import case, func
from sqlmodel import Session, select

from updoot_app.models import Deal, FollowUp, Stage, User
from updoot_app.services.crm.follow_up_reads import open_follow_up_on_deal
from updoot_app.services.kpis.closed_deals import closed_summary
from updoot_app.services.kpis.periods import Period
from updoot_app.services.kpis.segments import SIGNAL_LEAD_DAYS, SIGNAL_VALUES, Segment

SIGNAL_SEGMENTS = SIGNAL_VALUES
__all__ = ["SIGNAL_LEAD_DAYS", "SIGNAL_SEGMENTS", "follow_up_figures", "follow_ups_done",
           "next_step_share", "signal_win_rates"]


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
    SIGNAL_LEAD_DAYS days before (the KPI segment "signal")."""
    out = {}
    for value in SIGNAL_SEGMENTS:
        summary = closed_summary(session, workspace_id, period, Segment("signal", value))
        out[value] = {"won": summary["won"], "lost": summary["lost"],
                      "win_rate": _rate(summary["won"], summary["lost"])}
    return out


def follow_up_figures(session: Session, workspace_id: int, period: Period) -> dict:
    """All three, as the API answers them."""
    return {"follow_ups_done": follow_ups_done(session, workspace_id, period),
            "next_steps": next_step_share(session, workspace_id),
            "win_rate_by_signal": signal_win_rates(session, workspace_id, period)}
