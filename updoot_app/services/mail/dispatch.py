"""Handing a queued message to the job queue once its transaction commits.

Services sit below the job queue (updoot_app/jobs/), so they cannot call it:
the queue registers itself here when it is set up (`set_dispatcher`). Without
one (tests of services alone, the CLI before the queue is imported) rows stay
queued until a sweep or `deliver` picks them up.
"""

from __future__ import annotations

from collections.abc import Callable

from sqlmodel import Session

from updoot_app.db import call_after_commit

_dispatcher: Callable[[int], None] | None = None


def set_dispatcher(dispatcher: Callable[[int], None] | None) -> None:
    global _dispatcher
    _dispatcher = dispatcher


def after_commit(session: Session, outbox_id: int) -> None:
    if _dispatcher is not None:
        dispatcher = _dispatcher
        call_after_commit(session, lambda: dispatcher(outbox_id))
