"""Money shown to people: babel formats for the currency and locale."""

from __future__ import annotations

from decimal import Decimal

from babel.numbers import format_currency


def format_money(amount: Decimal | int | None, currency: str, locale: str = "en_US") -> str:
    if amount is None:
        return "—"
    return format_currency(Decimal(amount), currency, locale=locale)
