"""Bulk inserts of the demo's rows: one Core executemany per table.

Core rather than the ORM's bulk insert: the ORM leaves out of each row the keys
whose value is None (so that server defaults apply), and so splits a batch into one
statement per run of rows with the same keys left out. The demo's rows alternate
them (a deal's first stage change has no from-stage, an open deal no close date),
which made most inserts one statement per row on PostgreSQL. Every row of a call
must have the same keys.
"""

from __future__ import annotations

from sqlalchemy import insert
from sqlmodel import Session


def insert_rows(session: Session, model, rows: list[dict]) -> None:
    if rows:
        session.execute(insert(model.__table__), rows)


def insert_returning_ids(session: Session, model, rows: list[dict]) -> list[int]:
    """Insert the rows and return their new ids, in the order of ``rows``."""
    if not rows:
        return []
    table = model.__table__
    stmt = insert(table).returning(table.c.id, sort_by_parameter_order=True)
    return list(session.execute(stmt, rows).scalars().all())
