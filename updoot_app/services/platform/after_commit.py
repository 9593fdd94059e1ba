"""Run a callback once the session's transaction has committed, never if it rolls back.

This is how work for the job queue leaves a transaction: the outbox row is
written with the action that asked for it, and the job is handed to the queue
only after COMMIT, so a worker never looks for a row that is not there yet (and
a rolled-back action sends nothing).
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from sqlalchemy import event
from sqlalchemy.orm import Session

_KEY = "updoot_after_commit"
log = logging.getLogger(__name__)


def call_after_commit(session: Session, callback: Callable[[], None]) -> None:
    session.info.setdefault(_KEY, []).append(callback)


@event.listens_for(Session, "after_commit")
def _run(session: Session) -> None:
    callbacks = session.info.pop(_KEY, [])
    for callback in callbacks:
        try:
            callback()
        except Exception:  # the commit stands; a sweep picks up what was not handed over
            log.exception("after-commit callback failed")


@event.listens_for(Session, "after_rollback")
def _drop(session: Session) -> None:
    session.info.pop(_KEY, None)
