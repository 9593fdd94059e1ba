"""Reading follow-ups: one as a dict, the filtered list, each deal's next step,
and the workspace's calendar ("today" in its time zone). The writes are
follow_ups.py."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime

from sqlalchemy import exists, func
from sqlalchemy.orm import aliased
from sqlmodel import Session, select

from updoot_app.models import Company, Contact, Deal, FollowUp, Stage, User
from updoot_app.services.identity.access import resolve_session
from updoot_app.services.identity.workspaces import workspace_today
from updoot_app.services.platform.clock import aware
from updoot_app.services.platform.errors import ValidationError
from updoot_app.services.platform.validation import clean_paging, clean_ref
from updoot_app.services.platform.workspace_rows import get_in_workspace

# --- the calendar: services/identity/workspaces.py (workspace_today) -----------------


# --- one, and the list ----------------------------------------------------------------


def get_follow_up(session: Session, workspace_id: int, follow_up_id: object) -> FollowUp:
    return get_in_workspace(session, FollowUp, workspace_id, follow_up_id, "Follow-up",
                            "task_id")


_COLUMNS = (FollowUp, Company.name, Contact.first_name, Contact.last_name, Deal.title,
            User.email)


def _joined(query):
    return (query.join(Company, Company.id == FollowUp.company_id, isouter=True)
            .join(Contact, Contact.id == FollowUp.contact_id, isouter=True)
            .join(Deal, Deal.id == FollowUp.deal_id, isouter=True)
            .join(User, User.id == FollowUp.assignee_id, isouter=True))


def _dict(row, today: date | None) -> dict:
    f, company, first, last, deal, email = row
    return {
        "id": f.id, "title": f.title, "type": f.kind, "due_on": f.due_on,
        "due_at": f.due_at.strftime("%H:%M") if f.due_at else None,
        "assignee_id": f.assignee_id, "assignee_email": email,
        "company_id": f.company_id, "company_name": company,
        "contact_id": f.contact_id,
        "contact_name": " ".join(x for x in (first, last) if x) or None,
        "deal_id": f.deal_id, "deal_title": deal, "notes": f.notes,
        "done": f.done_at is not None, "done_at": aware(f.done_at),
        "snoozed_at": aware(f.snoozed_at), "created_at": aware(f.created_at),
        "overdue": today is not None and f.done_at is None and f.due_on < today,
    }


def follow_up_dict(session: Session, follow_up: FollowUp, today: date | None = None) -> dict:
    row = session.exec(_joined(select(*_COLUMNS)).where(FollowUp.id == follow_up.id)).one()
    return _dict(row, today or workspace_today(session, follow_up.workspace_id))


def _flag(raw: object, field: str) -> bool | None:
    if raw in (None, ""):
        return None
    if isinstance(raw, bool):
        return raw
    if isinstance(raw, str) and raw.lower() in ("true", "false", "1", "0"):
        return raw.lower() in ("true", "1")
    raise ValidationError(field, f"{field} must be true or false.")


def list_follow_ups(session: Session, workspace_id: int, *, assignee_id: object = None,
                    due_before: object = None, done: object = None, company_id: object = None,
                    deal_id: object = None, page: object = 1, page_size: object = 25,
                    now: datetime | None = None) -> tuple[list[dict], int]:
    """Earliest due first, one page; `due_before` is exclusive ("YYYY-MM-DD")."""
    from_day = _day_filter(due_before)
    page, page_size = clean_paging(page, page_size)
    conds = [FollowUp.workspace_id == workspace_id]
    if assignee_id not in (None, ""):
        conds.append(FollowUp.assignee_id == clean_ref(assignee_id, "assignee_id", "Assignee"))
    if from_day is not None:
        conds.append(FollowUp.due_on < from_day)
    flag = _flag(done, "done")
    if flag is not None:
        conds.append(FollowUp.done_at.is_not(None) if flag else FollowUp.done_at.is_(None))
    if company_id not in (None, ""):
        conds.append(FollowUp.company_id == clean_ref(company_id, "company_id", "Company"))
    if deal_id not in (None, ""):
        conds.append(FollowUp.deal_id == clean_ref(deal_id, "deal_id", "Deal"))
    total = session.exec(select(func.count()).select_from(FollowUp).where(*conds)).one()
    rows = session.exec(
        _joined(select(*_COLUMNS)).where(*conds)
        .order_by(FollowUp.done_at.is_not(None), FollowUp.due_on, FollowUp.due_at.nulls_last(),
                  FollowUp.id)
        .offset((page - 1) * page_size).limit(page_size)).all()
    today = workspace_today(session, workspace_id, now)
    return [_dict(r, today) for r in rows], total


def _day_filter(raw: object) -> date | None:
    if raw in (None, ""):
        return None
    try:
        return date.fromisoformat(str(raw).strip())
    except ValueError:
        raise ValidationError("due_before", "due_before must be a date like 2026-03-31.") from None


# --- next steps -----------------------------------------------------------------------


def open_follow_up_on_deal():
    """SQL condition on deals: the deal has an open follow-up (its next step)."""
    return exists(select(FollowUp.id).where(FollowUp.deal_id == Deal.id,
                                            FollowUp.done_at.is_(None)))


def no_next_step_condition():
    """SQL condition on deals: open (its stage's kind), and no open follow-up."""
    stage = aliased(Stage)  # the outer query may join stages itself (the deal list does)
    open_stage = exists(select(stage.id).where(stage.id == Deal.stage_id, stage.kind == "open"))
    return open_stage & ~open_follow_up_on_deal()


def next_steps(session: Session, workspace_id: int, deal_ids: Iterable[int]) -> dict[int, dict]:
    """Each deal's next step (its earliest open follow-up) among `deal_ids`, in one
    query: {deal_id: {"id", "title", "due_on"}}; a deal without one is absent."""
    ids = sorted({int(i) for i in deal_ids})
    if not ids:
        return {}
    rows = session.exec(
        select(FollowUp.deal_id, FollowUp.id, FollowUp.title, FollowUp.due_on)
        .where(FollowUp.workspace_id == workspace_id, FollowUp.deal_id.in_(ids),
               FollowUp.done_at.is_(None))
        .order_by(FollowUp.deal_id, FollowUp.due_on, FollowUp.id)).all()
    out: dict[int, dict] = {}
    for deal_id, fid, title, due_on in rows:
        out.setdefault(deal_id, {"id": fid, "title": title, "due_on": due_on})
    return out


def has_open_follow_ups(session: Session, workspace_id: int, user_id: int) -> bool:
    """Whether the user has an open follow-up assigned in the workspace (their home
    after logging in is then Today, else the dashboard)."""
    return session.exec(select(FollowUp.id).where(
        FollowUp.workspace_id == workspace_id, FollowUp.assignee_id == user_id,
        FollowUp.done_at.is_(None)).limit(1)).first() is not None


def home_after_login(session: Session, token: str) -> str:
    """Where a fresh session lands: Today for a member with open follow-ups, else
    the dashboard (which stays one click away from Today)."""
    session.flush()  # the session row the login just added
    p = resolve_session(session, token)
    return "/today" if p.can("member") and has_open_follow_ups(
        session, p.workspace_id, p.user_id) else "/dashboard"
