"""Column types shared by the tables."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

from sqlalchemy import JSON, BigInteger
from sqlalchemy.types import TypeDecorator

MONEY_SCALE = Decimal("10000")


def utcnow() -> datetime:
    """Aware UTC; SQLModel stores UTC and hands back aware UTC on every database."""
    return datetime.now(UTC)


class Money(TypeDecorator):
    """A Decimal stored exactly as an integer number of ten-thousandths.

    The same representation on SQLite and PostgreSQL keeps SQL sums exact and
    identical on both (divide by MONEY_SCALE, see `money_from_db`).
    """

    impl = BigInteger
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        return int((Decimal(value) * MONEY_SCALE).to_integral_value())

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        return money_from_db(value)


def money_from_db(raw) -> Decimal:
    """Convert a raw stored (or SQL-summed) money integer into a Decimal."""
    return (Decimal(int(raw)) / MONEY_SCALE).quantize(Decimal("0.0001"))


JSONList = JSON
