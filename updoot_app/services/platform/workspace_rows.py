"""Fetching a row by a client-supplied id, inside one workspace.

A row of another workspace does not exist: it is NotFound, exactly like a
missing row or an id no row can have: "not found", never "forbidden"
(docs/architecture.md, "Security").
"""

from __future__ import annotations

from typing import TypeVar

from sqlmodel import Session, select

from updoot_app.services.platform.errors import NotFound
from updoot_app.services.platform.validation import clean_ref

T = TypeVar("T")


def get_in_workspace(session: Session, model: type[T], workspace_id: int, raw_id: object,
                     what: str, field: str, *, lock: bool = False) -> T:
    """With `lock`, the row is read FOR UPDATE (PostgreSQL row lock) and refreshed,
    for read-then-write sections such as numbering and conversion."""
    row_id = clean_ref(raw_id, field, what)
    if lock:
        row = session.exec(select(model).where(model.id == row_id).with_for_update()
                           .execution_options(populate_existing=True)).first()
    else:
        row = session.get(model, row_id)
    if row is None or row.workspace_id != workspace_id:
        raise NotFound(what)
    return row
