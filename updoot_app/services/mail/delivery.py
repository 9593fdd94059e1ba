"""Delivering an outbox message over SMTP: claim, send, record.

Guarantee: AT MOST ONCE per message. The attempt is committed ("sending",
attempts + 1) before the SMTP conversation starts; only a row claimed from
"queued" is sent, and the claim is one atomic UPDATE, so two workers (or a
retry racing a sweep) never both send it. If the process dies after claiming,
the row stays "sending": nothing sends it again by itself, because the server
may already have accepted it. After LEASE it is marked failed with a reason
that says so, and a person may Retry (same Message-ID, so a receiver can tell).

Failures: a refusal of every recipient or of the message (5xx) fails at once;
anything else (server down, 4xx, timeout) is retried with exponential backoff,
MAX_ATTEMPTS in all, then failed with the server's reason.

These functions take no session: each step must commit on its own (the claim
before the network call, the outcome after it; platform/delivery_attempts.py).
"""

from __future__ import annotations

import smtplib
import socket
import ssl
from datetime import datetime, timedelta
from email.message import EmailMessage

from updoot_app.models import OutboxMessage
from updoot_app.models.types import utcnow
from updoot_app.services.mail import compose
from updoot_app.services.mail.smtp_config import SmtpConfig, smtp_config
from updoot_app.services.platform import delivery_attempts
from updoot_app.services.platform.delivery_attempts import Outcome
from updoot_app.services.platform.errors import NotConfigured

MAX_ATTEMPTS = 5
BACKOFF_BASE_S = 30          # 30 s, 1 min, 2 min, 4 min between attempts
LEASE = timedelta(minutes=10)
SMTP_TIMEOUT_S = 30
INTERRUPTED = ("The sender stopped while this message was being sent; it may have "
               "been delivered. Retry sends it again with the same Message-ID.")


_attempts = delivery_attempts.Attempts(OutboxMessage, BACKOFF_BASE_S)
_claim, _finish, backoff_s = _attempts.claim_row, _attempts.finish, _attempts.backoff_s


def send_over_smtp(config: SmtpConfig, message: EmailMessage) -> None:
    """One SMTP conversation; raises smtplib/socket errors as they come. The
    envelope goes to every To and Cc address of the message."""
    if config.security == "tls":
        client = smtplib.SMTP_SSL(config.host, config.port, timeout=SMTP_TIMEOUT_S,
                                  context=ssl.create_default_context())
    else:
        client = smtplib.SMTP(config.host, config.port, timeout=SMTP_TIMEOUT_S)
    with client:
        if config.security == "starttls":
            client.starttls(context=ssl.create_default_context())
        if config.username:
            client.login(config.username, config.password or "")
        client.send_message(message, from_addr=config.mail_from)


def _reason(exc: Exception) -> tuple[str, bool]:
    """(what to show, whether it is permanent)."""
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        refused = "; ".join(f"{addr}: {code} {msg.decode(errors='replace')}"
                            for addr, (code, msg) in exc.recipients.items())
        return f"Every recipient was refused ({refused}).", True
    if isinstance(exc, smtplib.SMTPResponseException):
        text = exc.smtp_error.decode(errors="replace") if isinstance(exc.smtp_error, bytes) \
            else str(exc.smtp_error)
        return f"The mail server answered {exc.smtp_code} {text}".strip(), exc.smtp_code >= 500
    if isinstance(exc, ConnectionRefusedError | socket.gaierror | TimeoutError | OSError):
        return f"Could not reach the mail server: {exc}", False
    return f"Sending failed: {exc}", False


def deliver(outbox_id: int, *, now: datetime | None = None) -> Outcome:
    """Send one queued message if it is due and nobody else has it."""
    now = now or utcnow()
    try:
        config = smtp_config()
    except NotConfigured as exc:
        return Outcome("skipped", error=str(exc))
    row = _claim(outbox_id, now)
    if row is None:
        return Outcome("skipped")
    try:
        send_over_smtp(config, compose.build(row))
    except (smtplib.SMTPException, OSError) as exc:
        reason, permanent = _reason(exc)
        if permanent or row.attempts >= MAX_ATTEMPTS:
            _finish(outbox_id, status="failed", last_error=reason[:1000])
            return Outcome("failed", error=reason)
        delay = backoff_s(row.attempts)
        _attempts.retry_later(outbox_id, delay, last_error=reason[:1000])
        return Outcome("queued", retry_in_s=delay, error=reason)
    _finish(outbox_id, status="sent", sent_at=utcnow(), last_error=None)
    return Outcome("sent")


def due_message_ids(now: datetime | None = None, limit: int = 500) -> list[int]:
    """Queued messages whose time has come: what a sweep hands to the queue again
    (a message whose hand-over after COMMIT was lost, a retry whose job was lost)."""
    return _attempts.due_ids(now or utcnow(), limit)


def fail_interrupted(now: datetime | None = None) -> int:
    """Messages left "sending" longer than LEASE by a process that died: failed,
    never re-sent by themselves (at most once). Returns how many."""
    return _attempts.expire_leases(now or utcnow(), LEASE, status="failed",
                                   last_error=INTERRUPTED)
