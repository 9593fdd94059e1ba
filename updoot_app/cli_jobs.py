"""`updoot jobs`, `updoot jobs run-due` and `updoot mail test` (added to the
`updoot` command in cli.py)."""

from __future__ import annotations

import sys
from datetime import date
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid

import click

from updoot_app.jobs import consumer, pacing, priority
from updoot_app.models.types import utcnow
from updoot_app.services.archive import schema_guard
from updoot_app.services.billing.documents import today
from updoot_app.services.mail import addresses, recurring_runs, reminders
from updoot_app.services.mail.delivery import send_over_smtp
from updoot_app.services.mail.smtp_config import smtp_config
from updoot_app.services.platform.errors import DomainError


@click.group("jobs", invoke_without_command=True)
@click.option("--workers", default=consumer.WORKERS, show_default=True, type=int,
              help="Worker threads")
@click.option("--nice", "niceness", default=priority.JOB_NICENESS, show_default=True,
              type=click.IntRange(0, 19), envvar="UPDOOT_JOBS_NICE",
              help="Lower CPU priority (0 to 19; 0 keeps the normal one) so the web "
                   "workers on the same machine come first [env: UPDOOT_JOBS_NICE]")
@click.option("--cpu-share", "cpu_share", default=pacing.DEFAULT_SHARE, show_default=True,
              type=click.FloatRange(0, pacing.MAX_SHARE), envvar=pacing.SHARE_ENV,
              help="The most CPU the jobs of this host use together (with Redis, every "
                   "job worker on the host shares it), as a share of one CPU (0: no "
                   f"limit), so a burst never fills the machine [env: {pacing.SHARE_ENV}]")
@click.pass_context
def jobs_cmd(ctx: click.Context, workers: int, niceness: int, cpu_share: float) -> None:
    """Run the job worker on its own (mail, reminders, recurring invoices).

    The scaled setup runs it beside the web workers (deploy/systemd/updoot-jobs.service)
    with the same REDIS_URL and DATABASE_URL; `updoot serve` keeps one as its child.
    """
    if ctx.invoked_subcommand is not None:
        return
    try:  # like `updoot worker`: never against a schema other than its own, never migrating
        schema_guard.require_current()
    except DomainError as exc:
        click.echo(f"Error: {exc} The job worker never migrates.", err=True)
        sys.exit(2)
    lowered = priority.lower_process_priority(niceness)
    consumer.use_cpu_share(cpu_share)
    share = f"at most {cpu_share:g} of a CPU" if cpu_share else "no CPU limit"
    click.echo(f"Job worker started ({workers} threads, {lowered}, {share}); "
               "Ctrl+C stops it.")
    consumer.make_consumer(workers).run()


def _clean_day(raw: str | None) -> date:
    if raw is None:
        return today()
    try:
        return date.fromisoformat(raw.strip())
    except ValueError:
        click.echo("Error: --date must be a date like 2026-03-31.", err=True)
        sys.exit(2)


@jobs_cmd.command("run-due")
@click.option("--date", "day", default=None, help="The day to run for (YYYY-MM-DD; default today)")
def run_due(day: str | None) -> None:
    """Run the recurring invoices and payment reminders due on a day, now.

    What the hourly jobs do, for any date: the day is the clock they read, so a
    test (or an operator catching up) moves it without waiting. Safe to run
    twice: each period and each reminder step happens once."""
    on = _clean_day(day)
    made = recurring_runs.run_due_recurring(on)
    result = reminders.reminder_pass(on)
    click.echo(f"{on.isoformat()}: {made} recurring invoice{'s' if made != 1 else ''} created, "
               f"{result.queued} payment reminder{'s' if result.queued != 1 else ''} queued"
               + (f", {result.no_recipient} invoice(s) without a contact email"
                  if result.no_recipient else "")
               + (f", {result.skipped_steps} earlier step(s) skipped"
                  if result.skipped_steps else "") + ".")


@click.group("mail")
def mail_group() -> None:
    """Outgoing email."""


@mail_group.command("test")
@click.option("--to", "to", required=True, help="Address to send the test email to")
def mail_test(to: str) -> None:
    """Send a test email now, straight over SMTP, and report the server's answer."""
    try:
        config = smtp_config()
        recipients = addresses.clean_recipients(to, "to", required=True)
    except DomainError as exc:
        click.echo(f"Error: {exc}", err=True)
        sys.exit(2)
    message = EmailMessage()
    message["From"] = config.mail_from
    message["To"] = ", ".join(recipients)
    message["Subject"] = "Updoot test email"
    message["Date"] = format_datetime(utcnow())
    message["Message-ID"] = make_msgid(domain=config.domain)
    message.set_content("This is a test email from Updoot. If you can read it, email works.")
    try:
        send_over_smtp(config, message)
    except Exception as exc:  # noqa: BLE001 - every failure is reported as is
        click.echo(f"Error: sending to {config.host}:{config.port} failed: {exc}", err=True)
        sys.exit(1)
    click.echo(f"Sent a test email to {', '.join(recipients)} through "
               f"{config.host}:{config.port} ({config.security}).")
