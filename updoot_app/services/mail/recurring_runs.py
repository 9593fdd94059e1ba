"""The recurring-invoice due pass: the job queue runs it every hour (and `updoot
jobs run-due --date` at once). Each due period of each active schedule makes
the next invoice from the source's lines (issued on the run date, due after the
source's payment terms), finalises it with the next gapless number and, if the
schedule says so, emails it with its PDF to the source's contact.

Once per period, whatever runs it: each run is a recurring_runs row, unique per
(schedule, run date), written in the transaction that creates the invoice; the
schedule row is locked (FOR UPDATE on PostgreSQL, the write lock on SQLite) so
a second worker waits, then sees the period done. A worker that was down for
two periods runs both, oldest first, each with its own row.
"""

from __future__ import annotations

import logging
from datetime import date

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from updoot_app import db
from updoot_app.models import RecurringInvoice, RecurringRun, Workspace
from updoot_app.services.billing import invoices
from updoot_app.services.billing.invoice_copies import copy_invoice
from updoot_app.services.identity.access import Principal
from updoot_app.services.mail import documents
from updoot_app.services.mail.recurring import advance
from updoot_app.services.platform.errors import DomainError, NotConfigured

log = logging.getLogger(__name__)


def _acting(session: Session, schedule: RecurringInvoice) -> Principal:
    """Who the runs act as: the schedule's creator (the invoices' created_by), with
    a member's rights: the schedule was set up by someone allowed to invoice."""
    workspace = session.get(Workspace, schedule.workspace_id)
    return Principal(user_id=schedule.created_by, email="", name="Recurring invoices",
                     workspace_id=schedule.workspace_id, workspace_name=workspace.name,
                     workspace_slug=workspace.slug, role="member")


def _claim(session: Session, schedule: RecurringInvoice, run_on: date) -> RecurringRun | None:
    row = RecurringRun(workspace_id=schedule.workspace_id, schedule_id=schedule.id,
                       run_date=run_on)
    try:
        with session.begin_nested():
            session.add(row)
    except IntegrityError:
        return None
    return row


def _deliver(session: Session, principal: Principal, source, invoice_id: int,
             run: RecurringRun) -> None:
    """Finalise the new invoice, and email it when the schedule asks and it can."""
    to = documents.default_recipients(session, source)
    if not to:
        run.note = "Not emailed: the contact has no email address."
    else:
        try:
            run.outbox_id = documents.email_invoice(session, principal, invoice_id,
                                                    {"to": to}).id
            return
        except NotConfigured:
            run.note = "Not emailed: email is not set up on this server."
    invoices.send_invoice(session, principal, invoice_id)


def _run_next(schedule_id: int, today: date) -> bool | None:
    """The schedule's next due period, in one transaction: True when it made an
    invoice, False when the period was already done, None when none is due."""
    with db.session_scope(write=True) as session:
        schedule = session.exec(select(RecurringInvoice)
                                .where(RecurringInvoice.id == schedule_id).with_for_update()
                                .execution_options(populate_existing=True)).first()
        if (schedule is None or schedule.status != "active" or schedule.next_run_date is None
                or schedule.next_run_date > today):
            return None
        run_on = schedule.next_run_date
        run = _claim(session, schedule, run_on)
        if run is not None:
            principal = _acting(session, schedule)
            source = invoices.get_invoice(session, schedule.workspace_id,
                                          schedule.source_invoice_id)
            invoice = copy_invoice(session, principal, source, run_on)
            run.invoice_id = invoice.id
            if schedule.email_each:
                _deliver(session, principal, source, invoice.id, run)
            else:
                invoices.send_invoice(session, principal, invoice.id)
            session.add(run)
        advance(schedule)
        session.add(schedule)
        return run is not None


def due_schedule_ids(session: Session, today: date) -> list[int]:
    return list(session.exec(select(RecurringInvoice.id).where(
        RecurringInvoice.status == "active", RecurringInvoice.next_run_date <= today)
        .order_by(RecurringInvoice.id)).all())


def run_due_recurring(today: date) -> int:
    """Every period due on or before `today`; returns the number of invoices made.

    It takes no session: each period is its own transaction, so one schedule's
    failure rolls back only its own period (the next pass tries it again) and the
    write lock is held for one invoice at a time."""
    with db.session_scope() as session:
        ids = due_schedule_ids(session, today)
    made = 0
    for schedule_id in ids:
        try:
            while (made_one := _run_next(schedule_id, today)) is not None:
                made += made_one
        except DomainError as exc:
            log.warning("recurring invoice schedule %s: %s", schedule_id, exc)
    return made
