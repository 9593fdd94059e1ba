"""Reads of recurring invoices: a workspace's schedules, one schedule with the
invoices it created, and the schedule an invoice came from."""

from __future__ import annotations

from sqlalchemy import func
from sqlmodel import Session, select

from updoot_app.models import Invoice, RecurringInvoice, RecurringRun
from updoot_app.services.billing import invoices
from updoot_app.services.mail.recurring import get_schedule_row

FREQUENCY_LABELS = {"monthly": "Monthly", "quarterly": "Quarterly", "yearly": "Yearly"}
STATUS_LABELS = {"active": "Active", "paused": "Paused", "ended": "Ended"}


def _iso(day) -> str | None:
    return day.isoformat() if day else None


def schedule_dict(schedule: RecurringInvoice, source_number: str | None) -> dict:
    """The API's shape of a schedule."""
    return {
        "id": schedule.id, "invoice_id": schedule.source_invoice_id,
        "invoice_number": source_number, "frequency": schedule.frequency,
        "start_date": _iso(schedule.start_date), "end_date": _iso(schedule.end_date),
        "count": schedule.max_count, "email_each": schedule.email_each,
        "status": schedule.status, "next_run_date": _iso(schedule.next_run_date),
        "invoices_created": schedule.runs_done,
    }


def list_schedules(session: Session, workspace_id: int, *,
                   invoice_id: int | None = None) -> list[dict]:
    """Every schedule of the workspace (of one source invoice when given), newest first."""
    query = (select(RecurringInvoice, Invoice.number)
             .join(Invoice, Invoice.id == RecurringInvoice.source_invoice_id)
             .where(RecurringInvoice.workspace_id == workspace_id))
    if invoice_id is not None:
        query = query.where(RecurringInvoice.source_invoice_id == invoice_id)
    rows = session.exec(query.order_by(RecurringInvoice.id.desc())).all()
    return [schedule_dict(schedule, number) for schedule, number in rows]


def created_invoices(session: Session, schedule_id: int) -> list[dict]:
    rows = session.exec(select(RecurringRun, Invoice)
                        .join(Invoice, Invoice.id == RecurringRun.invoice_id, isouter=True)
                        .where(RecurringRun.schedule_id == schedule_id)
                        .order_by(RecurringRun.run_date)).all()
    return [{"run_date": run.run_date.isoformat(), "invoice_id": run.invoice_id,
             "number": inv.number if inv else None,
             "status": invoices.effective_status(inv) if inv else None,
             "total": inv.total if inv else None, "currency": inv.currency if inv else None,
             "emailed": run.outbox_id is not None, "note": run.note}
            for run, inv in rows]


def get_schedule(session: Session, workspace_id: int, schedule_id: object) -> dict:
    """One schedule with the invoices it created ("invoices", oldest first)."""
    schedule = get_schedule_row(session, workspace_id, schedule_id)
    source = session.get(Invoice, schedule.source_invoice_id)
    out = schedule_dict(schedule, source.number if source else None)
    out["invoices"] = created_invoices(session, schedule.id)
    return out


def origin_of(session: Session, workspace_id: int, invoice_id: int) -> dict | None:
    """For an invoice a schedule created: {"schedule_id", "source_id", "source_number",
    "run_date"}; None for any other invoice."""
    row = session.exec(select(RecurringRun, RecurringInvoice.source_invoice_id)
                       .join(RecurringInvoice, RecurringInvoice.id == RecurringRun.schedule_id)
                       .where(RecurringRun.workspace_id == workspace_id,
                              RecurringRun.invoice_id == invoice_id)).first()
    if row is None:
        return None
    run, source_id = row
    source = session.get(Invoice, source_id)
    return {"schedule_id": run.schedule_id, "source_id": source_id,
            "source_number": source.number if source else "", "run_date": run.run_date.isoformat()}


def count_schedules(session: Session, workspace_id: int) -> int:
    return session.exec(select(func.count()).select_from(RecurringInvoice)
                        .where(RecurringInvoice.workspace_id == workspace_id)).one()
