"""Writing to the outbox: queue a message in the caller's transaction, retry one.

A message is a row first (docs/architecture.md, "Jobs"): it is written in the
same transaction as the action that asked for it (sending a quote, a reminder
step, a recurring run), and handed to the job queue after COMMIT. Delivery is
in delivery.py.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlmodel import Session

from updoot_app.models import OutboxMessage
from updoot_app.models.types import utcnow
from updoot_app.services.identity.access import Principal
from updoot_app.services.mail import addresses, dispatch
from updoot_app.services.mail.compose import new_message_id
from updoot_app.services.mail.smtp_config import smtp_config
from updoot_app.services.platform import activity
from updoot_app.services.platform.errors import ValidationError
from updoot_app.services.platform.workspace_rows import get_in_workspace


def queue_message(session: Session, *, workspace_id: int, user_id: int | None, kind: str,
                  to: Sequence[str], cc: Sequence[str] = (), subject: str, body: str,
                  attachment: tuple[str, bytes] | None = None, quote_id: int | None = None,
                  invoice_id: int | None = None, document_number: str = "",
                  dedupe_key: str | None = None) -> OutboxMessage:
    """Add a message to the outbox (addresses and text already cleaned). Refused
    with NotConfigured, before anything is written, when SMTP is not set up."""
    config = smtp_config()
    row = OutboxMessage(
        workspace_id=workspace_id, kind=kind, quote_id=quote_id, invoice_id=invoice_id,
        document_number=document_number, mail_from=config.mail_from,
        to_addrs=",".join(to), cc_addrs=",".join(cc), subject=subject, body=body,
        attachment_name=attachment[0] if attachment else None,
        attachment=attachment[1] if attachment else None,
        message_id=new_message_id(config.domain), dedupe_key=dedupe_key,
        created_by=user_id)
    session.add(row)
    session.flush()
    dispatch.after_commit(session, row.id)
    return row


def retry_message(session: Session, principal: Principal, outbox_id: object) -> OutboxMessage:
    """Queue a failed message again (same Message-ID, attempts start over)."""
    principal.require("member")
    row = get_in_workspace(session, OutboxMessage, principal.workspace_id, outbox_id,
                           "Message", "outbox_id")
    if row.status != "failed":
        raise ValidationError("status", "Only a failed message can be retried.")
    smtp_config()
    row.status = "queued"
    row.attempts = 0
    row.next_attempt_at = utcnow()
    row.last_error = None
    session.add(row)
    activity.log(session, workspace_id=row.workspace_id, user_id=principal.user_id,
                 action="mail.retry", entity_type="outbox", entity_id=row.id,
                 summary=f"Retried the email “{row.subject}”")
    session.flush()
    dispatch.after_commit(session, row.id)
    return row


def send_test_message(session: Session, principal: Principal, to: object) -> OutboxMessage:
    """The SMTP check of Settings → Email and `updoot mail test`."""
    principal.require("admin")
    recipients = addresses.clean_recipients(to, "to", required=True)
    return queue_message(
        session, workspace_id=principal.workspace_id, user_id=principal.user_id, kind="test",
        to=recipients, subject="Updoot test email",
        body="This is a test email from Updoot. If you can read it, email works.")
