"""Payment reminders: the due pass that the job queue runs every hour (and
`updoot jobs run-due --date` runs at once), queueing each reminder step whose day
has come, with the invoice's PDF, to the invoice's contact.

Rules (docs/architecture.md, "Jobs"):

* Only workspaces with reminders on; only invoices that are sent, partially paid
  or overdue with a balance left. A paid or void invoice gets none: a payment
  that covers the balance makes it "paid", so reminders stop with it.
* A step's day is the due date plus its offset. A step is done once per invoice
  (reminder_sends, unique per invoice and offset, written in the transaction that
  queues the message; the outbox's dedupe_key "reminder:{invoice}:{offset}" is a
  second lock on the same door).
* Catching up: when several steps are due and not yet done (reminders turned on
  late, a new step added, the worker down for days), only the latest one is
  sent; the earlier ones are recorded as "skipped". A customer gets one
  reminder that says where things stand, not a burst of stale ones. A step
  earlier than one already sent is skipped for the same reason.
* No contact email: nothing is recorded, the invoice is counted as skipped, and
  the step goes out on a later pass once the contact has an address.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from updoot_app import db
from updoot_app.models import Invoice, ReminderSend, ReminderSettings, ReminderStep
from updoot_app.services.billing import invoices, pdf
from updoot_app.services.mail import addresses, documents, outbox, templates
from updoot_app.services.mail.reminder_schedule import is_enabled, steps_of
from updoot_app.services.platform import activity
from updoot_app.services.platform.errors import NotConfigured

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class ReminderPass:
    queued: int = 0
    no_recipient: int = 0      # invoices with a step due but no contact email
    skipped_steps: int = 0     # earlier steps recorded as skipped (catching up)


def dedupe_key(invoice_id: int, offset_days: int) -> str:
    return f"reminder:{invoice_id}:{offset_days}"


def _due_offsets(due_date: date, offsets: list[int], today: date) -> list[int]:
    return [o for o in offsets if due_date + timedelta(days=o) <= today]


def _candidates(session: Session, today: date) -> list[tuple[int, int]]:
    """(workspace, invoice) pairs with a step due and not yet done: a read, so
    the pass opens a write transaction only where there is work."""
    enabled = session.exec(select(ReminderSettings.workspace_id)
                           .where(ReminderSettings.enabled)).all()
    out: list[tuple[int, int]] = []
    for ws in enabled:
        offsets = [s.offset_days for s in steps_of(session, ws)]
        if not offsets:
            continue
        rows = session.exec(select(Invoice.id, Invoice.due_date).where(
            Invoice.workspace_id == ws, Invoice.status.in_(invoices.OPEN),
            Invoice.due_date <= today - timedelta(days=min(offsets)))).all()
        if not rows:
            continue
        done: dict[int, set[int]] = {}
        for invoice_id, offset in session.exec(
                select(ReminderSend.invoice_id, ReminderSend.offset_days)
                .join(Invoice, Invoice.id == ReminderSend.invoice_id)
                .where(ReminderSend.workspace_id == ws,
                       Invoice.status.in_(invoices.OPEN))).all():
            done.setdefault(invoice_id, set()).add(offset)
        for invoice_id, due_date in rows:
            if set(_due_offsets(due_date, offsets, today)) - done.get(invoice_id, set()):
                out.append((ws, invoice_id))
    return out


def _record(session: Session, invoice: Invoice, offset: int, outcome: str,
            today: date) -> ReminderSend | None:
    """The step's row, in a SAVEPOINT: None when another pass recorded it first."""
    row = ReminderSend(workspace_id=invoice.workspace_id, invoice_id=invoice.id,
                       offset_days=offset, outcome=outcome, run_date=today)
    try:
        with session.begin_nested():
            session.add(row)
    except IntegrityError:
        return None
    return row


def _message(session: Session, invoice: Invoice, step: ReminderStep,
             today: date) -> tuple[str, str]:
    values = documents.placeholder_values(session, invoice)
    values["days_overdue"] = str(max(0, (today - invoice.due_date).days))
    subject = addresses.clean_subject(templates.fill(step.subject, values))
    return subject, addresses.clean_message(templates.fill(step.message, values))


def _remind(workspace_id: int, invoice_id: int, today: date) -> tuple[str, int]:
    """One invoice, in its own transaction (locked, so two workers take turns):
    ("queued" | "no_recipient" | "nothing", steps skipped)."""
    with db.session_scope(write=True) as session:
        invoice = invoices.get_invoice(session, workspace_id, invoice_id, lock=True)
        if (invoice.status not in invoices.OPEN or invoices.balance(invoice) <= 0
                or not is_enabled(session, workspace_id)):
            return "nothing", 0
        steps = {s.offset_days: s for s in steps_of(session, workspace_id)}
        done = set(session.exec(select(ReminderSend.offset_days)
                                .where(ReminderSend.invoice_id == invoice.id)).all())
        pending = sorted(set(_due_offsets(invoice.due_date, list(steps), today)) - done)
        if not pending:
            return "nothing", 0
        latest = pending[-1]
        if done and max(done) > latest:   # a later step was already sent
            for offset in pending:
                _record(session, invoice, offset, "skipped", today)
            return "nothing", len(pending)
        to = documents.default_recipients(session, invoice)
        if not to:
            return "no_recipient", 0
        skipped = sum(_record(session, invoice, o, "skipped", today) is not None
                      for o in pending[:-1])
        sent = _record(session, invoice, latest, "queued", today)
        if sent is None:
            return "nothing", skipped
        subject, body = _message(session, invoice, steps[latest], today)
        pdf_bytes, name = pdf.invoice_pdf(session, workspace_id, invoice.id)
        message = outbox.queue_message(
            session, workspace_id=workspace_id, user_id=None, kind="reminder", to=to,
            subject=subject, body=body, attachment=(name, pdf_bytes), invoice_id=invoice.id,
            document_number=invoice.number or "", dedupe_key=dedupe_key(invoice.id, latest))
        sent.outbox_id = message.id
        session.add(sent)
        activity.log(session, workspace_id=workspace_id, user_id=None,
                     action="invoice.reminder", entity_type="invoice", entity_id=invoice.id,
                     summary=f"Payment reminder for {invoice.number} to {', '.join(to)}")
        return "queued", skipped


def reminder_pass(today: date) -> ReminderPass:
    """Every reminder due on `today`, each invoice in its own transaction.

    It takes no session: one invoice's failure (or a lock wait) must not hold
    back or roll back the others, and a pass over many invoices must not hold
    the write lock for all of them at once."""
    queued = no_recipient = skipped = 0
    with db.session_scope() as session:
        candidates = _candidates(session, today)
    for workspace_id, invoice_id in candidates:
        try:
            outcome, n_skipped = _remind(workspace_id, invoice_id, today)
        except NotConfigured as exc:   # SMTP unset: nothing recorded, tried again later
            log.warning("payment reminders not sent: %s", exc)
            break
        skipped += n_skipped
        queued += outcome == "queued"
        no_recipient += outcome == "no_recipient"
    return ReminderPass(queued=queued, no_recipient=no_recipient, skipped_steps=skipped)


def send_due_reminders(today: date) -> int:
    """The number of reminders queued on `today` (see `reminder_pass`)."""
    return reminder_pass(today).queued


def reminders_of(session: Session, workspace_id: int, invoice_id: int) -> list[dict]:
    """The steps done for one invoice: [{"offset_days", "outcome", "run_date"}]."""
    rows = session.exec(select(ReminderSend).where(ReminderSend.workspace_id == workspace_id,
                                                   ReminderSend.invoice_id == invoice_id)
                        .order_by(ReminderSend.offset_days)).all()
    return [{"offset_days": r.offset_days, "outcome": r.outcome,
             "run_date": r.run_date.isoformat(), "outbox_id": r.outbox_id} for r in rows]
