"""Dated buying signals in the stored fit: which triggers a company is scored on.

The ICP's "triggers" criterion is scored on a company's *scoring triggers*:

- each trigger the company has dated signals of counts while its latest signal is
  fresh, and not after (stale: a miss, never a match forever);
- a trigger typed on the company (``Company.triggers``, undated) counts as before,
  unless the company has dated signals of it: then the dates decide.

A signal is **fresh** while its age in days, in the workspace's calendar, is below
its trigger's window (``TriggerWindow``, default ``DEFAULT_FRESH_DAYS``): the rule
here (``is_fresh``) is the one the Today list, the signal pages and the API use.

Since freshness changes with the calendar, the stored fit is refreshed when a
signal is recorded, imported or deleted, when a window changes, and by the job that
rescores the companies whose signals went stale (``fit_refresh``).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime

import pandas as pd
from sqlalchemy import func
from sqlmodel import Session, select

from updoot_app.models import DEFAULT_FRESH_DAYS, BuyingSignal, TriggerWindow
from updoot_app.services.identity.workspaces import workspace_today

# --- freshness ------------------------------------------------------------------------


def signal_age(occurred_on: date, today: date) -> int:
    return (today - occurred_on).days


def is_fresh(occurred_on: date, today: date, window_days: int = DEFAULT_FRESH_DAYS) -> bool:
    """Fresh while 0 <= age < window (a signal dated in the future is not yet fresh)."""
    return 0 <= signal_age(occurred_on, today) < window_days


def trigger_windows(session: Session, workspace_id: int) -> dict[str, int]:
    """{trigger (lower-case): days} of the triggers with their own window."""
    rows = session.exec(select(TriggerWindow.trigger, TriggerWindow.days)
                        .where(TriggerWindow.workspace_id == workspace_id)).all()
    return {t: d for t, d in rows}


def window_of(trigger: str, by_trigger: Mapping[str, int]) -> int:
    return by_trigger.get(trigger.lower(), DEFAULT_FRESH_DAYS)


# --- the scoring triggers ---------------------------------------------------------------
# A stale trigger is known, not missing: it is scored as a trigger no ICP looks for
# (STALE_MARK before its name: values match whole and case-insensitively), so the
# criterion is a miss rather than "unknown", and a stale trigger never fires a
# disqualifier either.

STALE_MARK = "stale: "

Latest = dict[int, dict[str, tuple[str, date]]]
"""{company id: {trigger (lower-case): (its name as recorded, latest day)}}"""


@dataclass(frozen=True)
class SignalsOn:
    """A workspace's signals as the fit reads them on one day."""

    today: date
    windows: Mapping[str, int]
    latest: Latest

    def triggers(self, company_id: int | None, typed: Iterable[str] | None) -> list[str]:
        """The company's scoring triggers (see the module's docstring)."""
        dated = self.latest.get(company_id, {}) if company_id is not None else {}
        out = [t for t in typed or () if t.lower() not in dated]
        out += [name if is_fresh(day, self.today, window_of(key, self.windows))
                else STALE_MARK + name for key, (name, day) in sorted(dated.items())]
        return out

    def stale_on(self) -> dict[int, date]:
        """{company id: the latest day one of its triggers went stale, or will}."""
        out: dict[int, date] = {}
        for cid, dated in self.latest.items():
            for key, (_name, day) in dated.items():
                stale = date.fromordinal(day.toordinal() + window_of(key, self.windows))
                out[cid] = max(out.get(cid, stale), stale)
        return out


def latest_signals(session: Session, workspace_id: int,
                   company_ids: Iterable[int] | None = None) -> Latest:
    """The latest signal day of each (company, trigger), of some companies or all."""
    stmt = (select(BuyingSignal.company_id, func.lower(BuyingSignal.trigger),
                   func.max(BuyingSignal.trigger), func.max(BuyingSignal.occurred_on))
            .where(BuyingSignal.workspace_id == workspace_id)
            .group_by(BuyingSignal.company_id, func.lower(BuyingSignal.trigger)))
    ids = None if company_ids is None else sorted(set(company_ids))
    out: Latest = {}
    for start in range(0, len(ids), 500) if ids is not None else [None]:
        part = stmt if start is None else stmt.where(
            BuyingSignal.company_id.in_(ids[start:start + 500]))
        for cid, key, name, day in session.exec(part).all():
            out.setdefault(cid, {})[key] = (name, day)
    return out


def signals_on(session: Session, workspace_id: int, company_ids: Iterable[int] | None = None,
               now: datetime | None = None) -> SignalsOn:
    return SignalsOn(workspace_today(session, workspace_id, now),
                     trigger_windows(session, workspace_id),
                     latest_signals(session, workspace_id, company_ids))


def with_scoring_triggers(frame: pd.DataFrame, signals: SignalsOn) -> pd.DataFrame:
    """``frame`` (an ``id`` and a ``triggers`` column) with each company's scoring
    triggers; only the rows of companies with signals change."""
    if not signals.latest or frame.empty:
        return frame
    has = frame["id"].isin(list(signals.latest))
    if not has.any():
        return frame
    frame = frame.copy()
    frame.loc[has, "triggers"] = pd.Series(
        [signals.triggers(int(cid), typed) for cid, typed
         in zip(frame.loc[has, "id"], frame.loc[has, "triggers"], strict=True)],
        index=frame.index[has], dtype=object)
    return frame
