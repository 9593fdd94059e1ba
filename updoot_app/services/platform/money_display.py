"""Money shown to people: babel formats for the currency and locale."""

from __future__ import annotations

import functools
from decimal import Decimal

from babel.numbers import format_currency


def format_money(amount: Decimal | int | None, currency: str, locale: str = "en_US") -> str:
    if amount is None:
        return "—"
    return _formatted(Decimal(amount), currency, locale)


@functools.lru_cache(maxsize=2048)
def _formatted(amount: Decimal, currency: str, locale: str) -> str:
    """babel parses the locale and pattern on every call (~70 µs); a page shows the
    same few amounts again and again. Amounts equal as Decimals format alike (the
    currency's digits decide the places)."""
    return format_currency(amount, currency, locale=locale)
