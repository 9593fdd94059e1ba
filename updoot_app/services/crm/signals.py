"""Buying signals: a trigger that happened to a company on a day ("recent
funding" on 2026-11-30), fresh for its trigger's window (default 90 days, set per
trigger: TriggerWindow), stale after. Record, list, delete; the windows; the
triggers to offer (the active ICPs' first); and what the company's fit
explanation says about its triggers (fresh: matched with its date, or stale).

Freshness itself is one rule (profiles.signal_fit.is_fresh), so the page, the
API, the ranking and the stored fit agree on it; recording or deleting a signal,
or changing a window, rescores the companies concerned.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from typing import Any

from sqlalchemy import func
from sqlmodel import Session, select

from updoot_app.models import DEFAULT_FRESH_DAYS, BuyingSignal, TriggerWindow
from updoot_app.models.types import utcnow
from updoot_app.services.crm import today as engine
from updoot_app.services.crm.companies import get_company
from updoot_app.services.crm.follow_up_reads import workspace_today
from updoot_app.services.crm.follow_ups import clean_day
from updoot_app.services.identity.access import Principal
from updoot_app.services.platform import activity
from updoot_app.services.platform.errors import ValidationError
from updoot_app.services.platform.validation import (
    LIST_ITEM_MAX_LEN,
    clean_count,
    clean_long_text,
    clean_text,
    reject_unknown,
)
from updoot_app.services.platform.workspace_rows import get_in_workspace
from updoot_app.services.profiles import fit, signal_fit
from updoot_app.services.profiles.icp_reads import specs_for_workspace

FIELDS = ("trigger", "occurred_on", "note")
MAX_WINDOW_DAYS = 3650

# --- windows --------------------------------------------------------------------------


windows = signal_fit.trigger_windows
window_of = signal_fit.window_of


def set_trigger_window(session: Session, principal: Principal, trigger: object,
                       days: object) -> int:
    """How many days a signal of `trigger` stays fresh (1 to 3650); empty days: back
    to the default."""
    principal.require("member")
    name = clean_text(trigger, "trigger", "Trigger", max_len=LIST_ITEM_MAX_LEN).lower()
    value = clean_count(days, "days", "Fresh for (days)")
    row = session.exec(select(TriggerWindow).where(
        TriggerWindow.workspace_id == principal.workspace_id,
        TriggerWindow.trigger == name)).first()
    if value is None:
        if row is not None:
            session.delete(row)
            session.flush()
            _rescore_trigger(session, principal.workspace_id, name)
        return DEFAULT_FRESH_DAYS
    if not 1 <= value <= MAX_WINDOW_DAYS:
        raise ValidationError("days", f"Fresh for must be 1 to {MAX_WINDOW_DAYS} days.")
    if row is None:
        row = TriggerWindow(workspace_id=principal.workspace_id, trigger=name, days=value)
    changed = row.days != value or row.id is None
    row.days = value
    session.add(row)
    session.flush()
    if changed:
        _rescore_trigger(session, principal.workspace_id, name)
    return value


def set_trigger_windows(session: Session, principal: Principal,
                        by_trigger: Mapping[str, object]) -> None:
    """Several windows at once (the ICP wizard's triggers step)."""
    for trigger, days in by_trigger.items():
        set_trigger_window(session, principal, trigger, days)


def _rescore(session: Session, workspace_id: int, company_ids: list[int],
             now: datetime | None = None) -> None:
    """The stored fit follows the companies' signals (profiles.signal_fit)."""
    fit.rescore_workspace(session, workspace_id, company_ids=company_ids, now=now)


def _rescore_trigger(session: Session, workspace_id: int, trigger: str) -> None:
    """Rescore the companies with signals of `trigger` (lower-case): its window changed."""
    ids = session.exec(select(BuyingSignal.company_id).distinct().where(
        BuyingSignal.workspace_id == workspace_id,
        func.lower(BuyingSignal.trigger) == trigger)).all()
    if ids:
        _rescore(session, workspace_id, list(ids))


# --- signals --------------------------------------------------------------------------


def record_signal(session: Session, principal: Principal, company_id: object,
                  data: Mapping[str, Any], *, now: datetime | None = None) -> BuyingSignal:
    """A trigger that happened to a company on a day (not after today, in the
    workspace's calendar); a note or a source link."""
    principal.require("member")
    ws = principal.workspace_id
    reject_unknown(data, FIELDS)
    company = get_company(session, ws, company_id)
    trigger = clean_text(data.get("trigger"), "trigger", "Trigger", max_len=LIST_ITEM_MAX_LEN)
    today = workspace_today(session, ws, now)
    raw_day = data.get("occurred_on")
    occurred = today if raw_day in (None, "") else clean_day(raw_day, "occurred_on", "Date")
    if occurred > today:
        raise ValidationError("occurred_on", "A signal happened today or before.")
    note = clean_long_text(data.get("note"), "note", "Note", 500)
    row = BuyingSignal(workspace_id=ws, company_id=company.id, trigger=trigger,
                       occurred_on=occurred, note=note, created_by=principal.user_id,
                       created_at=now or utcnow())
    session.add(row)
    session.flush()
    _rescore(session, ws, [company.id], now)
    activity.log(session, workspace_id=ws, user_id=principal.user_id, action="signal.record",
                 entity_type="company", entity_id=company.id,
                 summary=f"Signal on {company.name}: {trigger} ({occurred.isoformat()})")
    return row


def get_signal(session: Session, workspace_id: int, signal_id: object) -> BuyingSignal:
    return get_in_workspace(session, BuyingSignal, workspace_id, signal_id, "Signal",
                            "signal_id")


def delete_signal(session: Session, principal: Principal, signal_id: object, *,
                  now: datetime | None = None) -> None:
    principal.require("member")
    row = get_signal(session, principal.workspace_id, signal_id)
    company_id, trigger = row.company_id, row.trigger
    session.delete(row)
    session.flush()
    _rescore(session, principal.workspace_id, [company_id], now)
    activity.log(session, workspace_id=principal.workspace_id, user_id=principal.user_id,
                 action="signal.delete", entity_type="company", entity_id=company_id,
                 summary=f"Deleted signal {trigger}")


def signal_dict(row: BuyingSignal, today: date, by_trigger: Mapping[str, int]) -> dict:
    days = window_of(row.trigger, by_trigger)
    age = engine.signal_age(row.occurred_on, today)
    return {"id": row.id, "company_id": row.company_id, "trigger": row.trigger,
            "occurred_on": row.occurred_on, "note": row.note, "days_ago": age,
            "fresh_for_days": days, "fresh": engine.is_fresh(row.occurred_on, today, days)}


def list_signals(session: Session, workspace_id: int, company_id: object, *,
                 now: datetime | None = None, limit: int = 100) -> list[dict]:
    """A company's signals, newest first, each with its freshness today."""
    company = get_company(session, workspace_id, company_id)
    rows = session.exec(select(BuyingSignal).where(BuyingSignal.company_id == company.id)
                        .order_by(BuyingSignal.occurred_on.desc(), BuyingSignal.id.desc())
                        .limit(limit)).all()
    today = workspace_today(session, workspace_id, now)
    by_trigger = windows(session, workspace_id)
    return [signal_dict(r, today, by_trigger) for r in rows]


def trigger_options(session: Session, workspace_id: int) -> list[str]:
    """The triggers to offer when recording a signal: the active ICPs' first (in
    their order), then the others already used in the workspace."""
    seen: dict[str, str] = {}
    for spec in specs_for_workspace(session, workspace_id):
        for criterion in spec.criteria:
            if criterion.field == "triggers":
                for value in criterion.values:
                    seen.setdefault(value.lower(), value)
    used = session.exec(select(BuyingSignal.trigger, func.count())
                        .where(BuyingSignal.workspace_id == workspace_id)
                        .group_by(BuyingSignal.trigger).order_by(func.count().desc())
                        .limit(50)).all()
    for trigger, _count in used:
        seen.setdefault(trigger.lower(), trigger)
    return list(seen.values())


def trigger_evidence(session: Session, workspace_id: int, company_id: int, *,
                     now: datetime | None = None) -> list[dict]:
    """What the company's fit explanation says about its triggers: for each trigger
    an active ICP looks for, the company's latest signal of it, "matched" with its
    date while fresh, "stale" after (never a match forever)."""
    wanted = {}
    for spec in specs_for_workspace(session, workspace_id):
        for criterion in spec.criteria:
            if criterion.field == "triggers":
                for value in criterion.values:
                    wanted.setdefault(value.lower(), value)
    if not wanted:
        return []
    latest = session.exec(
        select(func.lower(BuyingSignal.trigger), func.max(BuyingSignal.occurred_on))
        .where(BuyingSignal.company_id == company_id,
               BuyingSignal.workspace_id == workspace_id)
        .group_by(func.lower(BuyingSignal.trigger))).all()
    today = workspace_today(session, workspace_id, now)
    by_trigger = windows(session, workspace_id)
    out = []
    for key, occurred in latest:
        if key not in wanted:
            continue
        days = window_of(key, by_trigger)
        fresh = engine.is_fresh(occurred, today, days)
        age = engine.signal_age(occurred, today)
        text = (f"{wanted[key]}: matched, signal on {occurred.isoformat()} ({engine.ago(age)})"
                if fresh else
                f"{wanted[key]}: stale, signal on {occurred.isoformat()} ({engine.ago(age)}; "
                f"fresh for {days} days)")
        out.append({"trigger": wanted[key], "occurred_on": occurred.isoformat(),
                    "result": "match" if fresh else "stale", "text": text})
    return sorted(out, key=lambda x: x["trigger"].lower())


# --- the windows as the ICP wizard edits them -------------------------------------------


def windows_text(session: Session, workspace_id: int) -> str:
    """"recent funding: 60; new ciso: 30": the triggers with their own window."""
    return "; ".join(f"{t}: {d}" for t, d in sorted(windows(session, workspace_id).items()))


def replace_trigger_windows(session: Session, principal: Principal, text: object) -> None:
    """Set the windows from "trigger: days" pairs separated by ";" or new lines; a
    trigger left out goes back to the default (DEFAULT_FRESH_DAYS)."""
    principal.require("member")
    if not isinstance(text, str) or len(text) > 5000:
        raise ValidationError("windows", "Write the windows as \"trigger: days; ...\".")
    wanted: dict[str, object] = {}
    for part in text.replace("\n", ";").split(";"):
        if not part.strip():
            continue
        trigger, sep, days = part.rpartition(":")
        if not sep or not trigger.strip():
            raise ValidationError("windows", f"\"{part.strip()[:60]}\": write it as "
                                             "\"trigger: days\".")
        wanted[trigger.strip().lower()] = days.strip()
    for trigger in set(windows(session, principal.workspace_id)) - set(wanted):
        set_trigger_window(session, principal, trigger, None)
    set_trigger_windows(session, principal, wanted)
