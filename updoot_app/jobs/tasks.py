"""The jobs: each one idempotent and safe to run twice (CONVENTIONS.md, 9)."""

from __future__ import annotations

import logging
from pathlib import Path

from huey import crontab

from updoot_app.jobs.queue import huey
from updoot_app.services.archive import archive_jobs, rotation
from updoot_app.services.billing.documents import today
from updoot_app.services.integrations import webhook_delivery, webhook_events, webhook_overdue
from updoot_app.services.mail import delivery, dispatch, recurring_runs, reminders, today_digest
from updoot_app.services.profiles import fit_refresh
from updoot_app.settings import load_settings

log = logging.getLogger(__name__)


# The minute sweeps hand over due rows whose job was lost. While the queue holds a
# backlog (a burst of mail, paced by the CPU budget: jobs/pacing.py), the due rows
# are almost all its jobs: handing them over again doubled the work of a
# 1,000-message burst (bench_mail). A lost row waits for the backlog to drain.
# The threshold is above the few periodic jobs queued at the top of a minute.
BACKLOG = 25


def _backlog() -> bool:
    return huey.pending_count() > BACKLOG


@huey.task()
def deliver_message(outbox_id: int) -> None:
    outcome = delivery.deliver(outbox_id)
    if outcome.status == "queued" and outcome.retry_in_s is not None:
        deliver_message.schedule((outbox_id,), delay=outcome.retry_in_s)
    elif outcome.status == "failed":
        log.warning("email %s failed: %s", outbox_id, outcome.error)


@huey.periodic_task(crontab(minute="*"))
def sweep_outbox() -> None:
    """Every minute: hand over due messages whose job was lost, and fail the ones
    a dead process left half-sent (delivery.py says why they are not re-sent)."""
    delivery.fail_interrupted()
    if _backlog():
        return
    for outbox_id in delivery.due_message_ids():
        deliver_message(outbox_id)


@huey.periodic_task(crontab(minute="2"))
def run_recurring_invoices() -> None:
    """Every hour: the periods of recurring invoices due today (and any a stopped
    worker missed); each period happens once (recurring_runs.py)."""
    made = recurring_runs.run_due_recurring(today())
    if made:
        log.info("recurring invoices: %s created", made)


@huey.periodic_task(crontab(minute="5"))
def send_payment_reminders() -> None:
    """Every hour: the reminder steps whose day has come; each step once per invoice
    (reminders.py). Hourly, not daily, so a worker that was down catches up soon."""
    result = reminders.reminder_pass(today())
    if result.queued or result.no_recipient:
        log.info("payment reminders: %s queued, %s invoices without a contact email",
                 result.queued, result.no_recipient)


@huey.periodic_task(crontab(minute="8"))
def send_today_digests() -> None:
    """Every hour: the Today list by email to those whose morning has come
    (services/mail/today_digest.py; once a day each, whatever runs twice)."""
    queued = today_digest.send_due_digests()
    if queued:
        log.info("queued %s Today digests", queued)


@huey.periodic_task(crontab(minute="11"))
@huey.lock_task("refresh-stale-fits")
def refresh_stale_fits() -> None:
    """Every hour: rescore the companies whose buying signals went stale in the
    last days of their workspace's calendar (fit_refresh.py), so a stale trigger
    stops counting in the stored fit on its day; running twice rewrites nothing."""
    result = fit_refresh.refresh_stale_fits()
    if result.rescored:
        log.info("stale signals: rescored %s companies in %s workspaces",
                 sum(result.rescored.values()), len(result.rescored))


@huey.task()
def deliver_webhook(delivery_id: int) -> None:
    outcome = webhook_delivery.deliver(delivery_id)
    if outcome.status == "queued" and outcome.retry_in_s is not None:
        deliver_webhook.schedule((delivery_id,), delay=outcome.retry_in_s)
    elif outcome.status == "failed":
        log.warning("webhook delivery %s failed: %s", delivery_id, outcome.error)


@huey.periodic_task(crontab(minute="*"))
def sweep_webhook_deliveries() -> None:
    """Every minute: hand over due deliveries whose job was lost, and queue again
    the ones a dead process left half-sent (at least once: webhook_delivery.py)."""
    webhook_delivery.requeue_interrupted()
    if _backlog():
        return
    for delivery_id in webhook_delivery.due_delivery_ids():
        deliver_webhook(delivery_id)


@huey.periodic_task(crontab(minute="7"))
def emit_overdue_invoice_webhooks() -> None:
    """Every hour: `invoice.overdue` for invoices whose due date passed, once per
    invoice and endpoint (webhook_overdue.py)."""
    made = webhook_overdue.emit_overdue(today())
    if made:
        log.info("invoice.overdue webhooks: %s queued", made)


def enqueue_delivery(outbox_id: int) -> None:
    deliver_message(outbox_id)


def enqueue_webhook(delivery_id: int) -> None:
    deliver_webhook(delivery_id)


@huey.periodic_task(crontab(hour="3", minute="15"))
@huey.lock_task("daily-backup")
def daily_backup() -> None:
    """Every night at 03:15 UTC, with UPDOOT_BACKUP_DIR set: the whole database into
    that folder, the newest UPDOOT_BACKUP_KEEP copies kept (rotation.py). A day has
    one file, so two workers running it the same day write the same copy twice."""
    settings = load_settings()
    if not settings.backup_dir:
        return
    result = rotation.backup_daily(Path(settings.backup_dir), settings.backup_keep)
    log.info("daily backup: %s (%s pruned)", result.written, len(result.pruned))


@huey.task()
def write_archive(export_id: int) -> None:
    """A workspace archive asked for in Settings (archive_jobs.py); a second run of
    the same id finds it claimed and does nothing."""
    outcome = archive_jobs.run_archive(export_id)
    if outcome.status == "failed":
        log.warning("workspace archive %s failed: %s", export_id, outcome.error)


@huey.periodic_task(crontab(minute="*"))
def sweep_archives() -> None:
    """Every minute: fail archives a dead worker left running, delete expired ones
    and stray files, and hand queued ones whose job was lost to the queue again."""
    result = archive_jobs.sweep()
    for export_id in result.requeue:
        write_archive(export_id)


def enqueue_archive(export_id: int) -> None:
    write_archive(export_id)


dispatch.set_dispatcher(enqueue_delivery)
archive_jobs.set_dispatcher(enqueue_archive)
# Every process that imports the queue (server, `updoot jobs`, the CLI) turns the
# activity log's actions into webhook deliveries (webhook_events.py says why here).
webhook_events.set_dispatcher(enqueue_webhook)
webhook_events.install()
