"""The Today list by email: every morning, for each member who asked for it, the
same ranked list the Today page shows them (services/crm/today_reads.py).

A digest goes out once a day per member and workspace, at DIGEST_HOUR or later in
the workspace's time zone: the hourly job (jobs/tasks.py) queues every digest that
is due and not yet queued, and the outbox's dedupe key (one per member, workspace
and day) makes a second run, or two workers, queue nothing twice. An empty list
sends nothing.
"""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session, select

from updoot_app import db
from updoot_app.models import Membership, OutboxMessage, TodayDigest, User, Workspace
from updoot_app.models.types import utcnow
from updoot_app.services.crm import today_reads
from updoot_app.services.identity.access import Principal, principal_for
from updoot_app.services.mail.outbox import queue_message
from updoot_app.services.mail.smtp_config import is_configured
from updoot_app.services.platform.clock import aware, zone
from updoot_app.services.platform.errors import ValidationError

DIGEST_HOUR = 7  # local time of the workspace: the list is waiting when the day starts


def wants_digest(session: Session, principal: Principal) -> bool:
    return session.exec(select(TodayDigest.id).where(
        TodayDigest.workspace_id == principal.workspace_id,
        TodayDigest.user_id == principal.user_id)).first() is not None


def set_digest(session: Session, principal: Principal, on: object) -> bool:
    """Opt in (True) or out (False) of the morning email; any member, viewers too
    (it is a read)."""
    principal.require("viewer")
    if not isinstance(on, bool):
        raise ValidationError("digest", "Digest must be on or off.")
    row = session.exec(select(TodayDigest).where(
        TodayDigest.workspace_id == principal.workspace_id,
        TodayDigest.user_id == principal.user_id)).first()
    if on and row is None:
        session.add(TodayDigest(workspace_id=principal.workspace_id,
                                user_id=principal.user_id))
    elif not on and row is not None:
        session.delete(row)
    session.flush()
    return on


def digest_text(principal: Principal, items: list) -> tuple[str, str]:
    """(subject, body) of one digest."""
    subject = f"Today in {principal.workspace_name}: {len(items)} to do"
    lines = [f"{item.rank}. {item.reason}" for item in items]
    body = ("Good morning. Your Today list, most urgent first:\n\n" + "\n".join(lines)
            + "\n\nOpen Today in Updoot to act on it. You get this email because you asked "
              "for it on the Today page; switch it off there.")
    return subject, body


def _dedupe_key(workspace_id: int, user_id: int, day) -> str:
    return f"today:{workspace_id}:{user_id}:{day.isoformat()}"


def queue_due_digests(session: Session, now: datetime | None = None) -> int:
    """Queue today's digest of every subscriber whose morning has come; returns how
    many were queued (in the caller's transaction)."""
    now = aware(now or utcnow())
    subs = session.exec(
        select(TodayDigest.user_id, TodayDigest.workspace_id, Workspace.time_zone, User.email)
        .join(Workspace, Workspace.id == TodayDigest.workspace_id)
        .join(User, User.id == TodayDigest.user_id)
        .join(Membership, (Membership.user_id == TodayDigest.user_id)
              & (Membership.workspace_id == TodayDigest.workspace_id))).all()
    due = []
    for user_id, ws, tz, email in subs:
        local = now.astimezone(zone(tz))
        if local.hour >= DIGEST_HOUR:
            due.append((user_id, ws, email, _dedupe_key(ws, user_id, local.date())))
    if not due:
        return 0
    sent = set(session.exec(select(OutboxMessage.dedupe_key).where(
        OutboxMessage.dedupe_key.in_([key for *_x, key in due]))).all())
    queued = 0
    for user_id, ws, email, key in due:
        if key in sent:
            continue
        principal = principal_for(session, user_id, ws)
        items = today_reads.today_items(session, principal, now=now)
        if not items:
            continue
        subject, body = digest_text(principal, items)
        queue_message(session, workspace_id=ws, user_id=None, kind="digest", to=[email],
                      subject=subject, body=body, dedupe_key=key)
        queued += 1
    return queued


def send_due_digests() -> int:
    """The hourly job's work. Owns its transaction (a job has no caller's session);
    without SMTP settings there is nothing to queue."""
    if not is_configured():
        return 0
    with db.session_scope(write=True) as session:
        return queue_due_digests(session)
