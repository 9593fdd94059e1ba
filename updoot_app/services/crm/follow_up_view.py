"""What the follow-up and Today screens show, as plain strings: rows of
follow-ups, Today's lines, the suggested fields of a new follow-up and the
signals of a company. No business rules: the reads compute, this shapes."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session, select

from updoot_app.models import Company, Deal, Stage
from updoot_app.services.crm import follow_up_reads, signals
from updoot_app.services.crm import today as engine
from updoot_app.services.crm.follow_ups import KIND_LABELS

LINE_KIND_LABELS = {"task": "Follow-up", "buying_signal": "Buying signal",
                    "no_next_step": "No next step", "stalled": "Stalled"}
LINE_SECTIONS = {"task": "Overdue and due today", "buying_signal": "In buying mode",
                 "no_next_step": "In buying mode", "stalled": "Stalled fit deals"}


def _s(value: object) -> str:
    return "" if value is None else str(value)


def follow_up_row(row: dict) -> dict[str, str]:
    return {"id": str(row["id"]), "title": row["title"],
            "type": KIND_LABELS.get(row["type"], row["type"]),
            "due": row["due_on"].isoformat() + (f" {row['due_at']}" if row["due_at"] else ""),
            "assignee": (row["assignee_email"] or "").split("@")[0] or "nobody",
            "company": _s(row["company_name"]), "deal": _s(row["deal_title"]),
            "contact": _s(row["contact_name"]),
            "done": "yes" if row["done"] else "", "overdue": "yes" if row["overdue"] else ""}


def follow_up_rows(session: Session, workspace_id: int, *, company_id: int | None = None,
                   deal_id: int | None = None, limit: int = 25,
                   now: datetime | None = None) -> list[dict[str, str]]:
    rows, _total = follow_up_reads.list_follow_ups(session, workspace_id, company_id=company_id,
                                                   deal_id=deal_id, page_size=limit, now=now)
    return [follow_up_row(r) for r in rows]


def line(item: engine.Item) -> dict[str, str]:
    """A Today line for the page: its reason, what it is, and the ids its actions need."""
    return {"rank": str(item.rank), "kind": item.kind,
            "label": LINE_KIND_LABELS[item.kind], "section": LINE_SECTIONS[item.kind],
            "reason": item.reason, "company_id": _s(item.company_id),
            "deal_id": _s(item.deal_id), "task_id": _s(item.task_id)}


def suggestion(session: Session, workspace_id: int, company_id: int | None,
               deal_id: int | None, now: datetime | None = None) -> dict[str, str]:
    """The fields a new follow-up starts with: "Follow up: <deal or company>", a
    call, the next workday, the caller as assignee (left to the form)."""
    name = ""
    if deal_id:
        name = session.exec(select(Deal.title).where(Deal.id == deal_id,
                                                     Deal.workspace_id == workspace_id)).first()
    elif company_id:
        name = session.exec(select(Company.name).where(
            Company.id == company_id, Company.workspace_id == workspace_id)).first()
    today = follow_up_reads.workspace_today(session, workspace_id, now)
    due = today if today.weekday() < 5 else engine.next_workday(today)
    return {"title": f"Follow up: {name}" if name else "", "type": "call",
            "due_on": due.isoformat(), "due_at": "", "notes": ""}


def signal_rows(session: Session, workspace_id: int, company_id: int,
                now: datetime | None = None) -> list[dict[str, str]]:
    return [{"id": str(r["id"]), "trigger": r["trigger"],
             "occurred_on": r["occurred_on"].isoformat(), "note": r["note"],
             "state": "fresh" if r["fresh"] else "stale",
             "age": engine.ago(r["days_ago"])}
            for r in signals.list_signals(session, workspace_id, company_id, now=now)]


def deal_next_step(session: Session, workspace_id: int, deal_id: int) -> dict[str, str]:
    """The deal page's next step: "Call Dana · due 2026-12-07", or the "no next step"
    flag for an open deal without an open follow-up."""
    kind = session.exec(select(Stage.kind).join(Deal, Deal.stage_id == Stage.id)
                        .where(Deal.id == deal_id, Deal.workspace_id == workspace_id)).one()
    nxt = follow_up_reads.next_steps(session, workspace_id, [deal_id]).get(deal_id)
    return {"next": f"{nxt['title']} · due {nxt['due_on'].isoformat()}" if nxt else "",
            "no_next_step": "yes" if nxt is None and kind == "open" else ""}
