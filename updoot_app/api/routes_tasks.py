"""/tasks — follow-ups: a next step on a company, contact and/or deal.

{"title", "type": "call"|"email"|"meeting"|"todo", "due_on": "YYYY-MM-DD",
"due_at": "14:30"|null, "assignee_id", "company_id", "contact_id", "deal_id",
"notes", "done"}. PATCH {"done": true} completes one (the answer carries the
proposed next follow-up), {"done": false} reopens it. A link to a row of another
workspace, or an assignee who is not a member, is 422 naming the field.
"""

from __future__ import annotations

from datetime import date

from fastapi import APIRouter, Response
from sqlmodel import Session

from updoot_app.api.deps import SessionRoute
from updoot_app.api.routes_companies import DB, READ, WRITE, Body, paged, to_json
from updoot_app.services.crm import follow_up_reads, follow_ups
from updoot_app.services.identity.access import Principal

router = APIRouter(tags=["tasks"], route_class=SessionRoute)


class TaskIn(Body):
    title: str | None = None
    type: str | None = None
    due_on: str | None = None
    due_at: str | None = None
    assignee_id: int | str | None = None
    company_id: int | None = None
    contact_id: int | None = None
    deal_id: int | None = None
    notes: str | None = None
    done: bool | None = None


def _out(session: Session, row) -> dict:
    return to_json(_dates(follow_up_reads.follow_up_dict(session, row)))


def _dates(data: dict) -> dict:
    return {k: v.isoformat() if isinstance(v, date) else v for k, v in data.items()}


@router.get("/tasks")
def list_tasks(p: Principal = READ, session: Session = DB, assignee_id: int | None = None,
               due_before: str | None = None, done: bool | None = None,
               company_id: int | None = None, deal_id: int | None = None, page: int = 1,
               page_size: int = 25) -> dict:
    rows, total = follow_up_reads.list_follow_ups(
        session, p.workspace_id, assignee_id=assignee_id, due_before=due_before, done=done,
        company_id=company_id, deal_id=deal_id, page=page, page_size=page_size)
    return paged([_dates(r) for r in rows], total, page, page_size)


@router.post("/tasks", status_code=201)
def create_task(body: TaskIn, p: Principal = WRITE, session: Session = DB) -> dict:
    return _out(session, follow_ups.create_follow_up(session, p,
                                                     body.model_dump(exclude_unset=True)))


@router.get("/tasks/{task_id}")
def get_task(task_id: int, p: Principal = READ, session: Session = DB) -> dict:
    return _out(session, follow_up_reads.get_follow_up(session, p.workspace_id, task_id))


@router.patch("/tasks/{task_id}")
def update_task(task_id: int, body: TaskIn, p: Principal = WRITE,
                session: Session = DB) -> dict:
    data = body.model_dump(exclude_unset=True)
    if data.get("done") is True and set(data) == {"done"}:
        row, proposal = follow_ups.complete_follow_up(session, p, task_id)
        return {**_out(session, row), "next": to_json(proposal)}
    return _out(session, follow_ups.update_follow_up(session, p, task_id, data))


@router.delete("/tasks/{task_id}", status_code=204)
def delete_task(task_id: int, p: Principal = WRITE, session: Session = DB) -> Response:
    follow_ups.delete_follow_up(session, p, task_id)
    return Response(status_code=204)
