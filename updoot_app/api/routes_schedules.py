"""/reminder-schedule and /recurring-invoices: mail that goes out on a schedule.

GET  /reminder-schedule -> {"enabled": false, "steps": [{"offset_days": -3,
                            "subject": "...", "message": "...", "label": "..."}]}
PUT  /reminder-schedule    the whole schedule ({"enabled", "steps"}; "label" is
                           ignored): owners and admins only (403 otherwise);
                           everyone in the workspace reads it.
POST /recurring-invoices {"invoice_id": 5, "frequency": "monthly"|"quarterly"|"yearly",
                          "start_date": "2027-01-31", "end_date": null, "count": 12,
                          "email_each": true} -> 201, the schedule
GET  /recurring-invoices[?invoice_id=5]    {"items": [...], "total": N}
GET  /recurring-invoices/{id}              the schedule and "invoices" it created
PATCH /recurring-invoices/{id}  {"status": "paused"|"active"|"ended", "end_date",
                                 "count", "email_each"}
DELETE /recurring-invoices/{id} -> 204 (the invoices it created stay)
Members and above create and change schedules; viewers read.
"""

from __future__ import annotations

from fastapi import APIRouter, Response
from pydantic import StrictBool
from sqlmodel import Session

from updoot_app.api.deps import SessionRoute
from updoot_app.api.routes_companies import DB, READ, WRITE, Body, to_json
from updoot_app.services.identity.access import Principal
from updoot_app.services.mail import recurring, recurring_reads, reminder_schedule

router = APIRouter(tags=["reminders and recurring invoices"], route_class=SessionRoute)


class StepIn(Body):
    offset_days: int
    subject: str
    message: str
    label: str | None = None


class ScheduleIn(Body):
    enabled: StrictBool
    steps: list[StepIn]


class RecurringIn(Body):
    invoice_id: int
    frequency: str
    start_date: str
    end_date: str | None = None
    count: int | None = None
    email_each: StrictBool = False


class RecurringChange(Body):
    status: str | None = None
    end_date: str | None = None
    count: int | None = None
    email_each: StrictBool | None = None


@router.get("/reminder-schedule")
def get_reminder_schedule(p: Principal = READ, session: Session = DB) -> dict:
    return reminder_schedule.get_schedule(session, p.workspace_id)


@router.put("/reminder-schedule")
def put_reminder_schedule(body: ScheduleIn, p: Principal = WRITE,
                          session: Session = DB) -> dict:
    return reminder_schedule.update_schedule(session, p, body.model_dump())


@router.get("/recurring-invoices")
def list_recurring(p: Principal = READ, session: Session = DB,
                   invoice_id: int | None = None) -> dict:
    rows = recurring_reads.list_schedules(session, p.workspace_id, invoice_id=invoice_id)
    return {"items": rows, "total": len(rows)}


@router.post("/recurring-invoices", status_code=201)
def create_recurring(body: RecurringIn, p: Principal = WRITE, session: Session = DB) -> dict:
    schedule = recurring.create_schedule(session, p, body.model_dump(exclude_unset=True))
    return to_json(recurring_reads.get_schedule(session, p.workspace_id, schedule.id))


@router.get("/recurring-invoices/{schedule_id}")
def get_recurring(schedule_id: int, p: Principal = READ, session: Session = DB) -> dict:
    return to_json(recurring_reads.get_schedule(session, p.workspace_id, schedule_id))


@router.patch("/recurring-invoices/{schedule_id}")
def update_recurring(schedule_id: int, body: RecurringChange, p: Principal = WRITE,
                     session: Session = DB) -> dict:
    schedule = recurring.update_schedule(session, p, schedule_id,
                                         body.model_dump(exclude_unset=True))
    return to_json(recurring_reads.get_schedule(session, p.workspace_id, schedule.id))


@router.delete("/recurring-invoices/{schedule_id}", status_code=204)
def delete_recurring(schedule_id: int, p: Principal = WRITE, session: Session = DB) -> Response:
    recurring.delete_schedule(session, p, schedule_id)
    return Response(status_code=204)
