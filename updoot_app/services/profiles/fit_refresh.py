"""Stored fits that follow the calendar: the companies whose signals went stale are
rescored, so a trigger stops counting as a match on the day its latest signal
leaves its window (``signal_fit``), not when someone next edits the company.

The job (``jobs/tasks.py``, hourly, so each workspace's midnight is caught in its
own time zone) looks, in each workspace with signals, for the companies one of
whose triggers went stale in the last ``CATCH_UP_DAYS`` days of that workspace's
calendar, and rescores only those, in bulk (``fit.rescore_workspace``, which
writes only the fits that changed). Running it twice, or every hour, rewrites
nothing: it is idempotent. A worker stopped for longer than ``CATCH_UP_DAYS``
leaves older ones to the next full rescore (an ICP saved, or "Rescore").

It takes no session: each workspace is its own short transaction, so a large
workspace does not hold the write lock for the others.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlmodel import Session, select

from updoot_app import db
from updoot_app.models import BuyingSignal
from updoot_app.services.profiles import fit
from updoot_app.services.profiles.signal_fit import SignalsOn, signals_on

CATCH_UP_DAYS = 7


@dataclass
class RefreshResult:
    workspaces: int = 0
    rescored: dict[int, int] = field(default_factory=dict)  # workspace -> companies


def gone_stale(signals: SignalsOn, days: int = CATCH_UP_DAYS) -> list[int]:
    """The companies one of whose triggers went stale in the last ``days`` days
    (its stale day, the first on which it no longer counts, is in that range)."""
    first = signals.today - timedelta(days=days - 1)
    return sorted(cid for cid, stale in signals.stale_on().items()
                  if first <= stale <= signals.today)


def refresh_workspace(session: Session, workspace_id: int, *,
                      now: datetime | None = None) -> int:
    """Rescore one workspace's companies whose signals went stale; how many."""
    ids = gone_stale(signals_on(session, workspace_id, now=now))
    if ids:
        fit.rescore_workspace(session, workspace_id, company_ids=ids, now=now)
    return len(ids)


def refresh_stale_fits(now: datetime | None = None) -> RefreshResult:
    """Every workspace with signals, each in its own transaction."""
    with db.session_scope() as session:
        workspaces = session.exec(select(BuyingSignal.workspace_id).distinct()).all()
    result = RefreshResult(workspaces=len(workspaces))
    for ws in sorted(workspaces):
        with db.session_scope() as session:
            n = refresh_workspace(session, ws, now=now)
        if n:
            result.rescored[ws] = n
    return result
