"""Statements compiled once and run straight on the database driver.

Every websocket event checks its session, and a deal move writes five rows.
Through SQLAlchemy's `Connection.execute` each statement costs ~20 µs of
Python (cache key, execution context, Result object) on top of a ~3 µs SQLite
call; on a worker between events, with cold caches, about twice that. For the
few statements on that path, `Prepared` keeps everything SQLAlchemy is good at
-- the SQL (from a Core statement, for whichever dialect the engine has) and
the type handling (its own bind and result processors: Money, aware UTC
datetimes, JSON, booleans) -- and skips the per-call machinery: the compiled
string and the processors are worked out once per dialect, and each call is
one call of the driver's `execute`, inside the caller's transaction (usually
`db.connection_scope`, which begins and commits on the driver too).

Limits, checked when a statement is first compiled: parameters are plain
`bindparam`s (no expanding IN lists, no literal-execute), and a row comes back
as a plain tuple in the order of the selected (or RETURNING) columns.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection
from sqlalchemy.engine import Dialect
from sqlalchemy.sql import ClauseElement

_MISSING = object()


@dataclass(frozen=True)
class _Plan:
    sql: str
    positional: bool
    # One entry a placeholder (in order when positional): name in the SQL, key in the
    # caller's parameters, SQLAlchemy's bind processor, a fixed value (or _MISSING).
    binds: tuple[tuple[str, str, Callable | None, Any], ...]
    # (column index, result processor) for the columns that have one.
    results: tuple[tuple[int, Callable], ...]

    def parameters(self, params: Mapping[str, Any]) -> tuple | dict:
        values = []
        for _name, key, process, fixed in self.binds:
            value = params[key] if fixed is _MISSING else params.get(key, fixed)
            values.append(value if process is None else process(value))
        if self.positional:
            return tuple(values)
        return {bind[0]: value for bind, value in zip(self.binds, values, strict=True)}

    def row(self, raw) -> tuple:
        if not self.results:
            return tuple(raw)
        out = list(raw)
        for index, process in self.results:
            out[index] = process(out[index])
        return tuple(out)


class Prepared:
    """A Core statement, compiled per dialect on first use."""

    def __init__(self, statement: ClauseElement):
        self.statement = statement
        self._plans: dict[str, _Plan] = {}

    def _plan(self, dialect: Dialect) -> _Plan:
        plan = self._plans.get(dialect.name)
        if plan is None:
            plan = self._plans[dialect.name] = self._compile(dialect)
        return plan

    def _compile(self, dialect: Dialect) -> _Plan:
        compiled = self.statement.compile(dialect=dialect)
        if compiled.literal_execute_params or compiled.post_compile_params:
            raise ValueError("Prepared statements take plain bind parameters only")
        positional = bool(compiled.positional)
        names = compiled.positiontup if positional else list(compiled.binds)
        binds = []
        for name in names:
            bind = compiled.binds[name]
            binds.append((name, bind.key, bind.type.dialect_impl(dialect).bind_processor(dialect),
                          _MISSING if bind.required or bind.callable else bind.value))
        columns = getattr(self.statement, "selected_columns", ())  # writes return no rows
        results = []
        for index, column in enumerate(columns):
            process = column.type.dialect_impl(dialect).result_processor(dialect, None)
            if process is not None:
                results.append((index, process))
        return _Plan(str(compiled), positional, tuple(binds), tuple(results))

    def _cursor(self, conn: Connection, params: Mapping[str, Any] | None):
        # sqlite3's and psycopg's Connection.execute: a cursor, executed, in one call.
        plan = self._plan(conn.dialect)
        return plan, conn.connection.driver_connection.execute(
            plan.sql, plan.parameters(params or {}))

    def first(self, conn: Connection, params: Mapping[str, Any] | None = None) -> tuple | None:
        plan, cursor = self._cursor(conn, params)
        try:
            raw = cursor.fetchone()
        finally:
            cursor.close()
        return None if raw is None else plan.row(raw)

    def all(self, conn: Connection, params: Mapping[str, Any] | None = None) -> list[tuple]:
        plan, cursor = self._cursor(conn, params)
        try:
            rows = cursor.fetchall()
        finally:
            cursor.close()
        return [plan.row(raw) for raw in rows]

    def run(self, conn: Connection, params: Mapping[str, Any] | None = None) -> int:
        """A write: returns the number of rows it touched."""
        _plan, cursor = self._cursor(conn, params)
        try:
            return cursor.rowcount
        finally:
            cursor.close()
