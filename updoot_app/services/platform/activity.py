"""The append-only activity log: who did what, when, to which row.

Rows are only ever inserted; an ORM update or delete of an Activity raises.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from sqlalchemy import Connection, bindparam, event, insert
from sqlalchemy.orm import Session as OrmSession
from sqlmodel import Session, select

from updoot_app.models import Activity, User
from updoot_app.models.types import utcnow
from updoot_app.prepared import Prepared


class AppendOnlyError(RuntimeError):
    pass


@event.listens_for(OrmSession, "before_flush")
def _forbid_activity_changes(session, _ctx, _instances):
    for obj in list(session.dirty) + list(session.deleted):
        if isinstance(obj, Activity) and (obj in session.deleted or session.is_modified(obj)):
            raise AppendOnlyError("The activity log is append-only.")


def entry(*, workspace_id: int, user_id: int | None, action: str, entity_type: str,
          entity_id: int | None = None, summary: str = "", detail: dict | None = None,
          created_at: datetime | None = None) -> dict:
    """The column values of one log entry (the ORM and the prepared path share them)."""
    return {"workspace_id": workspace_id, "user_id": user_id, "action": action,
            "entity_type": entity_type, "entity_id": entity_id, "summary": summary[:500],
            "detail": detail or {}, "created_at": created_at or utcnow()}


# Contexts above platform act on what is logged (integrations turns actions into
# webhook deliveries); platform cannot import them, so they register here. A
# listener gets the session or connection of the caller's transaction and the
# entry's values, and writes only inside that transaction.
Listener = Callable[[Session | Connection, dict], None]
_listeners: list[Listener] = []


def add_listener(listener: Listener) -> None:
    if listener not in _listeners:
        _listeners.append(listener)


def has_listener(listener: Listener) -> bool:
    return listener in _listeners


def remove_listener(listener: Listener) -> None:
    if listener in _listeners:
        _listeners.remove(listener)


def _notify(bind: Session | Connection, values: dict) -> None:
    for listener in _listeners:
        listener(bind, values)


def log(session: Session, **fields) -> Activity:
    """Add an entry to the session (the fields of `entry`)."""
    values = entry(**fields)
    row = Activity(**values)
    session.add(row)
    _notify(session, values)
    return row


_APPEND = Prepared(insert(Activity).values(
    {name: bindparam(name) for name in ("workspace_id", "user_id", "action", "entity_type",
                                        "entity_id", "summary", "detail", "created_at")}))


def append(conn: Connection, **fields) -> None:
    """Insert an entry on a connection inside the caller's transaction, without an
    ORM session (the fields of `entry`)."""
    values = entry(**fields)
    _APPEND.run(conn, values)
    _notify(conn, values)


def recent(session: Session, workspace_id: int, limit: int = 50) -> list[dict]:
    """The newest entries first. Plain columns, not ORM objects: the Settings page
    reads this on every open."""
    rows = session.exec(
        select(Activity.id, Activity.created_at, Activity.action, Activity.entity_type,
               Activity.entity_id, Activity.summary, User.email)
        .join(User, User.id == Activity.user_id, isouter=True)
        .where(Activity.workspace_id == workspace_id)
        .order_by(Activity.id.desc())
        .limit(limit)
    ).all()
    return [
        {
            "id": a.id,
            "when": a.created_at.strftime("%Y-%m-%d %H:%M"),
            "who": a.email or "system",
            "action": a.action,
            "entity": f"{a.entity_type} #{a.entity_id}" if a.entity_id else a.entity_type,
            "summary": a.summary,
        }
        for a in rows
    ]
