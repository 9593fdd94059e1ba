"""The bookkeeping of rows the job queue sends one attempt at a time (the mail
outbox, webhook deliveries): a row waits "queued" until its next attempt is due,
is claimed for an attempt ("sending"), and the attempt's outcome is recorded:
done, failed, or queued again after a backoff.

A table qualifies with the columns id, status, attempts, next_attempt_at and
claimed_at. The promises built on it are the callers' own (email: at most once;
webhooks: at least once); so is what becomes of a row whose lease ran out, the
mark of a process that died mid-attempt (`expire_leases` sets what it is given).

Each step commits on its own and takes no session: the claim must be committed
before the network call, the outcome after it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import update
from sqlmodel import SQLModel, select

from updoot_app import db
from updoot_app.models.types import utcnow

QUEUED, SENDING = "queued", "sending"
# Each step is a session of its own that holds no other rows: nothing to bring
# up to date after an UPDATE (SQLAlchemy's default evaluates the WHERE clause
# against every object in the session: a third of a delivery's CPU).
_NO_SYNC = {"synchronize_session": False}


@dataclass(frozen=True)
class Outcome:
    """What one call to send a row did; the status names are the caller's ("sent",
    "delivered", "queued" to retry later, "failed", "skipped": not due, or taken)."""

    status: str
    retry_in_s: float | None = None
    error: str | None = None
    response_status: int | None = None   # an HTTP status, where there is one


@dataclass(frozen=True)
class Attempts:
    """The attempt steps on one table, with its backoff."""

    model: type[SQLModel]
    backoff_base_s: float

    def backoff_s(self, attempts: int) -> float:
        """The wait after the `attempts`-th attempt: the base, then twice as long
        each time."""
        return self.backoff_base_s * 2 ** max(attempts - 1, 0)

    def claim(self, row_id: int, now: datetime) -> bool:
        """queued -> sending (attempts + 1) if the row is due: one atomic UPDATE, so
        of two workers (or a retry racing a sweep) exactly one gets True."""
        return self.claim_row(row_id, now) is not None

    def claim_row(self, row_id: int, now: datetime) -> SQLModel | None:
        """The claim, reading the row in the same statement (UPDATE … RETURNING,
        committed before any sending): the row as claimed, or None when it is not
        queued and due (done, failed, or another worker has it)."""
        m = self.model
        with db.session_scope(write=True) as session:
            return session.scalars(
                update(m)
                .where(m.id == row_id, m.status == QUEUED, m.next_attempt_at <= now)
                .values(status=SENDING, attempts=m.attempts + 1, claimed_at=now)
                .returning(m), execution_options=_NO_SYNC).one_or_none()

    def finish(self, row_id: int, **values) -> None:
        """Record an attempt's outcome, if the row is still sending (an expired
        lease may have moved it on meanwhile)."""
        m = self.model
        with db.session_scope(write=True) as session:
            session.execute(update(m).where(m.id == row_id, m.status == SENDING)
                            .values(**values), execution_options=_NO_SYNC)

    def retry_later(self, row_id: int, delay_s: float, **values) -> None:
        """Queued again, due `delay_s` from now."""
        self.finish(row_id, status=QUEUED,
                    next_attempt_at=utcnow() + timedelta(seconds=delay_s), **values)

    def due_ids(self, now: datetime, limit: int) -> list[int]:
        """Queued rows whose time has come, the longest waiting first: what a sweep
        hands to the queue again (a hand-over after COMMIT that was lost, a retry
        whose job was lost, a row written without the queue)."""
        m = self.model
        with db.session_scope() as session:
            return list(session.exec(
                select(m.id).where(m.status == QUEUED, m.next_attempt_at <= now)
                .order_by(m.next_attempt_at, m.id).limit(limit)))

    def expire_leases(self, now: datetime, lease: timedelta, **values) -> int:
        """Set `values` on rows left sending longer than `lease` (by a process that
        died mid-attempt); how many."""
        m = self.model
        with db.session_scope(write=True) as session:
            return session.execute(
                update(m).where(m.status == SENDING, m.claimed_at < now - lease)
                .values(**values)).rowcount
