"""The resource dicts of the services as the REST API shows them (money as decimal
strings). One home: the API's answers and the webhook bodies use it."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from babel.numbers import get_currency_precision


def money_str(value: Decimal, currency: str | None = None) -> str:
    """A Decimal as the API's decimal string, half-up to the currency's minor unit."""
    places = get_currency_precision(currency) if currency else 2
    return str(Decimal(value).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP))


def to_json(obj: Any, currency: str | None = None) -> Any:
    """Turn service dicts into JSON-ready data: every Decimal becomes a money string
    in the currency named by the nearest enclosing "currency" key."""
    if isinstance(obj, dict):
        cur = obj.get("currency") if isinstance(obj.get("currency"), str) else currency
        return {k: to_json(v, cur) for k, v in obj.items()}
    if isinstance(obj, list | tuple):
        return [to_json(v, currency) for v in obj]
    if isinstance(obj, Decimal):
        return money_str(obj, currency)
    return obj
