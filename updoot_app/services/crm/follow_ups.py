"""Follow-ups (tasks): create, edit, complete, reopen, snooze and delete.

A follow-up is a next step someone owes on a company, a contact and/or a deal,
due on a day of the workspace's calendar (its time zone: platform/clock.py).
Everything a client sends is checked before anything changes; a link to a row
of another workspace is bad input (422, naming the field), like an unknown
assignee. Reading them is follow_up_reads.py.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime, time
from typing import Any

from sqlmodel import Session, select

from updoot_app.models import FOLLOW_UP_KINDS, Company, Contact, Deal, FollowUp, Membership
from updoot_app.models.types import utcnow
from updoot_app.services.crm import interactions
from updoot_app.services.crm import today as engine
from updoot_app.services.crm.follow_up_reads import get_follow_up, workspace_today
from updoot_app.services.identity.access import Principal
from updoot_app.services.platform import activity
from updoot_app.services.platform.errors import ValidationError
from updoot_app.services.platform.validation import (
    MAX_DB_ID,
    clean_id,
    clean_long_text,
    clean_text,
    reject_unknown,
)

FIELDS = ("title", "type", "due_on", "due_at", "assignee_id", "company_id", "contact_id",
          "deal_id", "notes", "done")
KIND_LABELS = {"call": "Call", "email": "Email", "meeting": "Meeting", "todo": "To-do"}
# Days people plan in: a year outside these is a typo (20260), not a plan.
MIN_YEAR, MAX_YEAR = 1970, 2100
SNOOZE_CHOICES = ("tomorrow", "next_week")

# --- cleaning -----------------------------------------------------------------------


def clean_day(raw: object, field: str, label: str) -> date:
    """A calendar day, "YYYY-MM-DD", in a year people plan in."""
    if isinstance(raw, datetime):
        raw = raw.date()
    if isinstance(raw, date):
        value = raw
    elif isinstance(raw, str) and raw.strip():
        try:
            value = date.fromisoformat(raw.strip())
        except ValueError:
            raise ValidationError(field, f"{label} must be a date like 2026-03-31.") from None
    else:
        raise ValidationError(field, f"{label} must be a date like 2026-03-31.")
    if not MIN_YEAR <= value.year <= MAX_YEAR:
        raise ValidationError(field, f"{label} must be between {MIN_YEAR} and {MAX_YEAR}.")
    return value


def clean_time_of_day(raw: object, field: str = "due_at") -> time | None:
    """An optional time of day, "14:30" (seconds allowed, no time zone: the
    workspace's calendar says which)."""
    if raw is None or raw == "":
        return None
    if isinstance(raw, time):
        return raw.replace(tzinfo=None, microsecond=0)
    if isinstance(raw, str) and len(raw.strip()) <= 8:
        try:
            return time.fromisoformat(raw.strip())
        except ValueError:
            pass
    raise ValidationError(field, "Time must be like 14:30.")


def clean_kind(raw: object) -> str:
    if raw in (None, ""):
        return "todo"
    if raw == "to-do":
        return "todo"
    if raw not in FOLLOW_UP_KINDS:
        raise ValidationError("type", "Type must be call, email, meeting or todo.")
    return str(raw)


def _linked(session: Session, workspace_id: int, model, raw: object, field: str,
            what: str):
    """A row linked by id: one of another workspace (or none) is bad input here."""
    if raw in (None, ""):
        return None
    row_id = clean_id(raw, field)
    row = session.get(model, row_id) if row_id <= MAX_DB_ID else None
    if row is None or row.workspace_id != workspace_id:
        raise ValidationError(field, f"There is no such {what} in this workspace.")
    return row


def check_assignee(session: Session, workspace_id: int, raw: object) -> int | None:
    if raw in (None, ""):
        return None
    user_id = clean_id(raw, "assignee_id")
    found = session.exec(select(Membership.id).where(
        Membership.workspace_id == workspace_id, Membership.user_id == user_id)).first() \
        if user_id <= MAX_DB_ID else None
    if found is None:
        raise ValidationError("assignee_id", "The assignee must be a member of this workspace.")
    return user_id


def _clean(session: Session, p: Principal, data: Mapping[str, Any], current: FollowUp | None,
           today: date) -> dict:
    reject_unknown(data, FIELDS)
    ws = p.workspace_id
    out: dict[str, Any] = {}
    if "title" in data or current is None:
        out["title"] = clean_text(data.get("title"), "title", "Title", max_len=200)
    if "type" in data or current is None:
        out["kind"] = clean_kind(data.get("type"))
    if "due_on" in data or current is None:
        raw = data.get("due_on")
        out["due_on"] = today if raw in (None, "") and current is None \
            else clean_day(raw, "due_on", "Due date")
    if "due_at" in data:
        out["due_at"] = clean_time_of_day(data["due_at"])
    if "assignee_id" in data:
        out["assignee_id"] = check_assignee(session, ws, data["assignee_id"])
    elif current is None:
        out["assignee_id"] = p.user_id
    if "notes" in data:
        out["notes"] = clean_long_text(data["notes"], "notes", "Notes", 5000)
    links = {key: data.get(key, getattr(current, key, None))
             for key in ("company_id", "contact_id", "deal_id")}
    if any(key in data for key in links) or current is None:
        company = _linked(session, ws, Company, links["company_id"], "company_id", "company")
        contact = _linked(session, ws, Contact, links["contact_id"], "contact_id", "contact")
        deal = _linked(session, ws, Deal, links["deal_id"], "deal_id", "deal")
        for row, field, what in ((deal, "deal_id", "deal"), (contact, "contact_id", "contact")):
            if row is None or row.company_id is None:
                continue
            if company is None:
                company = session.get(Company, row.company_id)
            elif row.company_id != company.id:
                raise ValidationError(field, f"That {what} belongs to another company.")
        out.update(company_id=company.id if company else None,
                   contact_id=contact.id if contact else None,
                   deal_id=deal.id if deal else None)
    if "done" in data and not isinstance(data["done"], bool):
        raise ValidationError("done", "Done must be true or false.")
    return out


# --- commands -----------------------------------------------------------------------


def create_follow_up(session: Session, principal: Principal, data: Mapping[str, Any], *,
                     now: datetime | None = None) -> FollowUp:
    """A follow-up due on `due_on` (default: today in the workspace's calendar),
    assigned to the caller unless `assignee_id` names another member."""
    principal.require("member")
    now = now or utcnow()
    fields = _clean(session, principal, data, None, workspace_today(
        session, principal.workspace_id, now))
    row = FollowUp(workspace_id=principal.workspace_id, created_by=principal.user_id,
                   created_at=now, updated_at=now, **fields)
    if data.get("done") is True:
        row.done_at, row.done_by = now, principal.user_id
    session.add(row)
    session.flush()
    _log(session, principal, row, "follow_up.create", f"Added follow-up {row.title}")
    return row


def update_follow_up(session: Session, principal: Principal, follow_up_id: object,
                     data: Mapping[str, Any], *, now: datetime | None = None) -> FollowUp:
    """Partial update; {"done": true} completes it, {"done": false} reopens it."""
    principal.require("member")
    now = now or utcnow()
    row = get_follow_up(session, principal.workspace_id, follow_up_id)
    fields = _clean(session, principal, data, row, workspace_today(
        session, principal.workspace_id, now))
    for key, value in fields.items():
        setattr(row, key, value)
    if "done" in data:
        _set_done(row, principal, bool(data["done"]), now)
    row.updated_at = now
    session.add(row)
    session.flush()
    _log(session, principal, row, "follow_up.update", f"Updated follow-up {row.title}")
    return row


def complete_follow_up(session: Session, principal: Principal, follow_up_id: object, *,
                       now: datetime | None = None) -> tuple[FollowUp, dict]:
    """Mark it done (done already: unchanged). Returns it and the proposed next
    follow-up (today.propose_next), which nothing saves until the person does."""
    principal.require("member")
    now = now or utcnow()
    row = get_follow_up(session, principal.workspace_id, follow_up_id)
    if row.done_at is None:
        _set_done(row, principal, True, now)
        session.add(row)
        session.flush()
        _log(session, principal, row, "follow_up.done", f"Done: {row.title}")
    today = workspace_today(session, principal.workspace_id, now)
    proposal = {**engine.propose_next(row.title, row.kind, today),
                "company_id": row.company_id, "contact_id": row.contact_id,
                "deal_id": row.deal_id}
    return row, proposal


def complete_and_continue(session: Session, principal: Principal, follow_up_id: object, *,
                          log: Mapping[str, Any] | None = None,
                          next_step: Mapping[str, Any] | None = None,
                          now: datetime | None = None) -> tuple[FollowUp, FollowUp | None]:
    """Complete a follow-up and, in the same transaction, log it as an interaction
    (`log`: kind, summary, outcome) and schedule the next one (`next_step`: the
    fields of create_follow_up; its links default to the completed one's). Bad
    input in either changes nothing."""
    row, _proposal = complete_follow_up(session, principal, follow_up_id, now=now)
    if log is not None:
        links = {k: getattr(row, k) for k in ("company_id", "contact_id", "deal_id")
                 if getattr(row, k) is not None}
        if not links:
            raise ValidationError("log", "This follow-up has no company, contact or deal to "
                                         "log on.")
        interactions.log_interaction(session, principal, {**log, **links})
    created = None
    if next_step is not None:
        links = {k: getattr(row, k) for k in ("company_id", "contact_id", "deal_id")}
        created = create_follow_up(session, principal, {**links, **next_step}, now=now)
    return row, created


def reopen_follow_up(session: Session, principal: Principal, follow_up_id: object, *,
                     now: datetime | None = None) -> FollowUp:
    return update_follow_up(session, principal, follow_up_id, {"done": False}, now=now)


def snooze_follow_up(session: Session, principal: Principal, follow_up_id: object,
                     until: object, *, now: datetime | None = None) -> FollowUp:
    """Move an open follow-up to "tomorrow", "next_week" (Monday) or a date that
    is not in the past."""
    principal.require("member")
    now = now or utcnow()
    row = get_follow_up(session, principal.workspace_id, follow_up_id)
    today = workspace_today(session, principal.workspace_id, now)
    if until in SNOOZE_CHOICES:
        target = engine.snooze_target(str(until), today)
    else:
        target = clean_day(until, "until", "Snooze until")
        if target < today:
            raise ValidationError("until", "Snooze to today or a later day.")
    if row.done_at is not None:
        raise ValidationError("until", "This follow-up is done: reopen it first.")
    row.due_on, row.snoozed_at, row.updated_at = target, now, now
    session.add(row)
    session.flush()
    _log(session, principal, row, "follow_up.snooze",
         f"Snoozed {row.title} to {target.isoformat()}")
    return row


def delete_follow_up(session: Session, principal: Principal, follow_up_id: object) -> None:
    principal.require("member")
    row = get_follow_up(session, principal.workspace_id, follow_up_id)
    title, fid = row.title, row.id
    session.delete(row)
    session.flush()
    activity.log(session, workspace_id=principal.workspace_id, user_id=principal.user_id,
                 action="follow_up.delete", entity_type="follow_up", entity_id=fid,
                 summary=f"Deleted follow-up {title}")


def _set_done(row: FollowUp, principal: Principal, done: bool, now: datetime) -> None:
    if done and row.done_at is None:
        row.done_at, row.done_by = now, principal.user_id
    elif not done:
        row.done_at = row.done_by = None


def _log(session: Session, principal: Principal, row: FollowUp, action: str,
         summary: str) -> None:
    activity.log(session, workspace_id=principal.workspace_id, user_id=principal.user_id,
                 action=action, entity_type="follow_up", entity_id=row.id, summary=summary)
