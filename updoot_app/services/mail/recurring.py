"""Recurring invoices: "Repeat" a finalised invoice monthly, quarterly or yearly
from a start date, until an end date or a number of invoices; pause, resume,
end, delete. The runs themselves are in recurring_runs.py.

* The n-th run (from 0) is start_date + n periods, counted from the start each
  time with calendar months (dateutil's relativedelta): a schedule that starts
  on Jan 31 runs on Feb 28 (29 in a leap year), Mar 31, Apr 30.
* Pausing stops the runs; resuming goes on with the first run date from today
  on: the periods of the pause are skipped, not caught up (a paused schedule is
  one the user did not want invoices from). A worker that was down is another
  matter: its missed periods all run (recurring_runs.py).
* Ending is final; deleting a schedule keeps the invoices it created.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from dateutil.relativedelta import relativedelta
from sqlmodel import Session

from updoot_app.models import RecurringInvoice
from updoot_app.models.schedules import RECURRING_FREQUENCIES
from updoot_app.models.types import utcnow
from updoot_app.services.billing import invoices
from updoot_app.services.billing.documents import clean_date, today
from updoot_app.services.identity.access import Principal
from updoot_app.services.platform import activity
from updoot_app.services.platform.errors import ValidationError
from updoot_app.services.platform.validation import clean_count, reject_unknown
from updoot_app.services.platform.workspace_rows import get_in_workspace

MONTHS = {"monthly": 1, "quarterly": 3, "yearly": 12}
MAX_COUNT = 1000
CREATE_FIELDS = {"invoice_id", "frequency", "start_date", "end_date", "count", "email_each"}
UPDATE_FIELDS = {"status", "end_date", "count", "email_each"}


# --- dates -----------------------------------------------------------------------------------

def run_date(start: date, frequency: str, n: int) -> date:
    """The n-th run date (n = 0 is the start)."""
    return start + relativedelta(months=MONTHS[frequency] * n)


def _next_from(schedule: RecurringInvoice, runs_done: int) -> date | None:
    """The next run date after `runs_done` runs, or None when the schedule is over."""
    if schedule.max_count is not None and runs_done >= schedule.max_count:
        return None
    nxt = run_date(schedule.start_date, schedule.frequency, runs_done)
    if schedule.end_date is not None and nxt > schedule.end_date:
        return None
    return nxt


def advance(schedule: RecurringInvoice) -> None:
    """After a run: count it and move to the next date, or end the schedule."""
    schedule.runs_done += 1
    schedule.next_run_date = _next_from(schedule, schedule.runs_done)
    if schedule.next_run_date is None:
        schedule.status = "ended"
    schedule.updated_at = utcnow()


# --- cleaning --------------------------------------------------------------------------------

def _clean_frequency(raw: object) -> str:
    if raw not in RECURRING_FREQUENCIES:
        raise ValidationError("frequency", "Frequency must be monthly, quarterly or yearly.")
    return raw


def _clean_bool(raw: object, field: str) -> bool:
    if not isinstance(raw, bool):
        raise ValidationError(field, f"{field} must be true or false.")
    return raw


def _clean_count(raw: object) -> int | None:
    value = clean_count(raw, "count", "The number of invoices")
    if value is not None and not 1 <= value <= MAX_COUNT:
        raise ValidationError("count", f"The number of invoices is 1 to {MAX_COUNT}.")
    return value


def _clean_end(raw: object, start: date) -> date | None:
    if raw in (None, ""):
        return None
    end = clean_date(raw, "end_date", "End date")
    if end < start:
        raise ValidationError("end_date", "The end date cannot be before the start date.")
    return end


def get_schedule_row(session: Session, workspace_id: int, schedule_id: object, *,
                     lock: bool = False) -> RecurringInvoice:
    return get_in_workspace(session, RecurringInvoice, workspace_id, schedule_id,
                            "Recurring invoice", "schedule_id", lock=lock)


# --- commands --------------------------------------------------------------------------------

def create_schedule(session: Session, principal: Principal,
                    data: Mapping[str, Any]) -> RecurringInvoice:
    """{"invoice_id", "frequency", "start_date", "end_date"?, "count"?, "email_each"?}.
    The source must be finalised (sent, paid or overdue: not a draft, not void);
    the start is today or later."""
    principal.require("member")
    if not isinstance(data, Mapping):
        raise ValidationError("invoice_id", "Send the schedule as an object.")
    reject_unknown(data, CREATE_FIELDS)
    if data.get("invoice_id") in (None, ""):
        raise ValidationError("invoice_id", "Choose the invoice to repeat.")
    source = invoices.get_invoice(session, principal.workspace_id, data["invoice_id"])
    if source.status in ("draft", "void"):
        raise ValidationError("invoice_id", "Only a finalised invoice (not a draft, not void) "
                                            "can be repeated.")
    frequency = _clean_frequency(data.get("frequency"))
    if data.get("start_date") in (None, ""):
        raise ValidationError("start_date", "Choose a start date.")
    start = clean_date(data["start_date"], "start_date", "Start date")
    if start < today():
        raise ValidationError("start_date", "The start date cannot be in the past.")
    email_each = _clean_bool(data.get("email_each", False), "email_each")
    schedule = RecurringInvoice(
        workspace_id=principal.workspace_id, source_invoice_id=source.id, frequency=frequency,
        start_date=start, end_date=_clean_end(data.get("end_date"), start),
        max_count=_clean_count(data.get("count")), email_each=email_each,
        next_run_date=start, created_by=principal.user_id)
    session.add(schedule)
    session.flush()
    activity.log(session, workspace_id=principal.workspace_id, user_id=principal.user_id,
                 action="recurring.create", entity_type="invoice", entity_id=source.id,
                 summary=f"Repeat {source.number} {frequency} from {start.isoformat()}")
    return schedule


def _set_status(schedule: RecurringInvoice, status: object, on: date) -> None:
    if status not in ("active", "paused", "ended"):
        raise ValidationError("status", "Status must be active, paused or ended.")
    if status == schedule.status:
        return
    if schedule.status == "ended":
        raise ValidationError("status", "This schedule has ended; create a new one instead.")
    if status == "ended":
        schedule.next_run_date = None
    elif status == "active":   # resuming: the periods of the pause are skipped
        n = schedule.runs_done
        while (nxt := _next_from(schedule, n)) is not None and nxt < on:
            n += 1
        schedule.next_run_date = nxt
        if nxt is None:
            status = "ended"
    schedule.status = status


def update_schedule(session: Session, principal: Principal, schedule_id: object,
                    data: Mapping[str, Any]) -> RecurringInvoice:
    """Pause ({"status": "paused"}), resume ("active"), end ("ended"); change the end
    date, the count or whether each invoice is emailed."""
    principal.require("member")
    if not isinstance(data, Mapping):
        raise ValidationError("status", "Send the change as an object.")
    reject_unknown(data, UPDATE_FIELDS)
    schedule = get_schedule_row(session, principal.workspace_id, schedule_id, lock=True)
    if "email_each" in data:
        schedule.email_each = _clean_bool(data["email_each"], "email_each")
    limits_changed = "end_date" in data or "count" in data
    if "end_date" in data:
        schedule.end_date = _clean_end(data["end_date"], schedule.start_date)
    if "count" in data:
        schedule.max_count = _clean_count(data["count"])
        if schedule.max_count is not None and schedule.max_count < schedule.runs_done:
            raise ValidationError("count", f"This schedule already made {schedule.runs_done} "
                                           "invoices.")
    if "status" in data:
        _set_status(schedule, data["status"], today())
    elif limits_changed and schedule.status != "ended":
        schedule.next_run_date = _next_from(schedule, schedule.runs_done)
        if schedule.next_run_date is None:
            schedule.status = "ended"
    schedule.updated_at = utcnow()
    session.add(schedule)
    activity.log(session, workspace_id=principal.workspace_id, user_id=principal.user_id,
                 action="recurring.update", entity_type="invoice",
                 entity_id=schedule.source_invoice_id,
                 summary=f"Recurring invoice schedule {schedule.id}: {schedule.status}")
    session.flush()
    return schedule


def delete_schedule(session: Session, principal: Principal, schedule_id: object) -> None:
    """The schedule goes; the invoices it created stay."""
    principal.require("member")
    schedule = get_schedule_row(session, principal.workspace_id, schedule_id, lock=True)
    activity.log(session, workspace_id=principal.workspace_id, user_id=principal.user_id,
                 action="recurring.delete", entity_type="invoice",
                 entity_id=schedule.source_invoice_id,
                 summary=f"Deleted recurring invoice schedule {schedule.id}")
    session.delete(schedule)
    session.flush()
