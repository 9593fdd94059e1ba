"""A KPI figure (a value and the number of rows behind it), and the SQL pieces
figures are summed from."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from sqlalchemy import func
from sqlmodel import Session

from updoot_app import db
from updoot_app.models.types import money_from_db


@dataclass
class Figure:
    value: Any  # int | float | Decimal | None
    n: int = 0  # rows behind the figure
    detail: dict = field(default_factory=dict)


def money_sum(raw) -> Decimal:
    """A SUM of money: SQLAlchemy keeps the Money type (a Decimal already); no rows is 0."""
    if raw is None:
        return Decimal("0.0000")
    return raw if isinstance(raw, Decimal) else money_from_db(raw)


def days_between(session: Session, later, earlier):
    """Days from ``earlier`` to ``later`` in SQL (SQLite has no interval arithmetic)."""
    if db.is_sqlite(session.get_bind()):
        return func.julianday(later) - func.julianday(earlier)
    return func.extract("epoch", later - earlier) / 86400.0
