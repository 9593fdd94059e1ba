"""`updoot jobs` and `updoot mail test` (added to the `updoot` command in cli.py)."""

from __future__ import annotations

import sys
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid

import click

from updoot_app.jobs import consumer
from updoot_app.models.types import utcnow
from updoot_app.services.archive import schema_guard
from updoot_app.services.mail import addresses
from updoot_app.services.mail.delivery import send_over_smtp
from updoot_app.services.mail.smtp_config import smtp_config
from updoot_app.services.platform.errors import DomainError


@click.command("jobs")
@click.option("--workers", default=consumer.WORKERS, show_default=True, type=int,
              help="Worker threads")
def jobs_cmd(workers: int) -> None:
    """Run the job worker on its own (mail, reminders, recurring invoices).

    The scaled setup runs it beside the web workers (deploy/systemd/updoot-jobs.service)
    with the same REDIS_URL and DATABASE_URL; `updoot serve` runs one in-process.
    """
    try:  # like `updoot worker`: never against a schema other than its own, never migrating
        schema_guard.require_current()
    except DomainError as exc:
        click.echo(f"Error: {exc} The job worker never migrates.", err=True)
        sys.exit(2)
    click.echo(f"Job worker started ({workers} threads); Ctrl+C stops it.")
    consumer.make_consumer(workers).run()


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
