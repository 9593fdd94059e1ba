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
one DBAPI `cursor.execute` inside the caller's SQLAlchemy transaction.

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
    results: tuple[Callable | None, ...]


def _value(params: Mapping[str, Any], key: str, process: Callable | None, fixed: Any):
    value = params[key] if fixed is _MISSING or key in params else fixed
    return value if process is None else process(value)


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
        results = tuple(c.type.dialect_impl(dialect).result_processor(dialect, None)
                        for c in columns)
        return _Plan(str(compiled), positional, tuple(binds), results)

    @staticmethod
    def _params(plan: _Plan, params: Mapping[str, Any]) -> tuple | dict:
        values = [_value(params, key, process, fixed) for _name, key, process, fixed in plan.binds]
        if plan.positional:
            return tuple(values)
        return {bind[0]: value for bind, value in zip(plan.binds, values, strict=True)}

    def execute(self, conn: Connection, params: Mapping[str, Any] | None = None):
        """Run on `conn`'s driver connection; returns the DBAPI cursor."""
        plan = self._plan(conn.dialect)
        cursor = conn.connection.driver_connection.cursor()
        cursor.execute(plan.sql, self._params(plan, params or {}))
        return cursor

    def _row(self, plan: _Plan, raw) -> tuple:
        return tuple(process(value) if process is not None else value
                     for process, value in zip(plan.results, raw, strict=True))

    def first(self, conn: Connection, params: Mapping[str, Any] | None = None) -> tuple | None:
        plan = self._plan(conn.dialect)
        cursor = self.execute(conn, params)
        try:
            raw = cursor.fetchone()
        finally:
            cursor.close()
        return None if raw is None else self._row(plan, raw)

    def all(self, conn: Connection, params: Mapping[str, Any] | None = None) -> list[tuple]:
        plan = self._plan(conn.dialect)
        cursor = self.execute(conn, params)
        try:
            rows = cursor.fetchall()
        finally:
            cursor.close()
        return [self._row(plan, raw) for raw in rows]

    def run(self, conn: Connection, params: Mapping[str, Any] | None = None) -> int:
        """A write: returns the number of rows it touched."""
        cursor = self.execute(conn, params)
        try:
            return cursor.rowcount
        finally:
            cursor.close()
