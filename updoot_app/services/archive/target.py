"""What a database holds, in words a person can check before it is replaced: its
workspaces with their main row counts, and the rows of every table."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass

from sqlalchemy import MetaData, Table, func, inspect, select
from sqlalchemy.engine import Engine
from sqlalchemy.exc import SQLAlchemyError

# Rows that are not data: the schema revision, and the singleton the 0010 migration writes.
NOT_DATA = {"alembic_version", "auth_epoch"}
WORKSPACE_COUNTS = ("companies", "deals", "quotes", "invoices")


@dataclass(frozen=True)
class DatabaseSummary:
    rows: dict[str, int]  # table -> rows, tables with rows only
    workspaces: list[tuple[str, str, dict[str, int]]]  # (name, slug, counts)
    problem: str | None = None  # why the database could not be read (a damaged file)

    @property
    def empty(self) -> bool:
        return not self.rows and self.problem is None

    def describe(self) -> str:
        if self.problem is not None:
            return f"The database cannot be read ({self.problem})."
        if self.empty:
            return "The database is empty."
        total = sum(self.rows.values())
        shown = "; ".join(
            f"{name} [{slug}]: " + ", ".join(f"{n:,} {what}" for what, n in counts.items())
            for name, slug, counts in self.workspaces[:10])
        more = f"; and {len(self.workspaces) - 10} more" if len(self.workspaces) > 10 else ""
        return (f"The database is not empty: {len(self.workspaces)} workspace(s) "
                f"({shown}{more}), {total:,} rows in {len(self.rows)} tables.")


def summarise(engine: Engine) -> DatabaseSummary:
    """Row counts of every table of the database (as it is, whatever its revision);
    a database that cannot be read says why instead."""
    try:
        return _summarise(engine)
    except (SQLAlchemyError, sqlite3.DatabaseError) as exc:
        engine.dispose()
        return DatabaseSummary({}, [], str(exc).strip().splitlines()[0])


def _summarise(engine: Engine) -> DatabaseSummary:
    with engine.connect() as conn:
        names = sorted(set(inspect(conn).get_table_names()) - NOT_DATA)
        meta = MetaData()
        tables = {name: Table(name, meta, autoload_with=conn) for name in names}
        rows = {}
        for name, table in tables.items():
            count = conn.execute(select(func.count()).select_from(table)).scalar_one()
            if count:
                rows[name] = count
        workspaces = []
        if "workspaces" in tables:
            per_table = {}  # one grouped count per table, however many workspaces
            for what in WORKSPACE_COUNTS:
                if what in tables:
                    t = tables[what]
                    per_table[what] = dict(conn.execute(
                        select(t.c.workspace_id, func.count()).group_by(t.c.workspace_id)).all())
            ws = tables["workspaces"]
            for ws_id, name, slug in conn.execute(
                    select(ws.c.id, ws.c.name, ws.c.slug).order_by(ws.c.id)):
                workspaces.append((name, slug, {what: counts.get(ws_id, 0)
                                                for what, counts in per_table.items()}))
    return DatabaseSummary(rows, workspaces)
