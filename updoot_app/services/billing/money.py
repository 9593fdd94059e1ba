"""Money rules for quotes and invoices: one rounding function, line and document math.

Everything is `Decimal`, never float. One function, `round_money`, rounds
half-up to the currency's minor unit (2 for EUR/USD, 0 for JPY, 3 for KWD,
from babel's currency data); the screen, the PDF, the CSV and the API all
show amounts computed here.

Per line (percentages are 0–100), prices without tax (the default):
    gross    = round(quantity × unit price)
    net      = round(quantity × unit price × (1 − line discount) × (1 − document discount))
    discount = gross − net
    tax      = round(net × tax rate)
Prices that include tax (`prices_include_tax`): the same half-up rounding per
line, applied to the price the client pays, and the tax taken out of it:
    paid     = round(quantity × unit price × (1 − line discount) × (1 − document discount))
    tax      = round(paid × rate / (100 + rate))
    net      = paid − tax
    gross    = the net of the same line without its discounts, discount = gross − net
so each line's net + tax is exactly what the client pays for it.
Document:
    subtotal = Σ gross, discount_total = Σ discount, net_total = Σ net,
    tax_total = Σ tax (also broken down per rate), total = net_total + tax_total.
So the total is always exactly the sum of the rounded lines.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from babel.numbers import get_currency_precision

from updoot_app.services.platform.errors import ValidationError

HUNDRED = Decimal(100)
STORE_PLACES = Decimal("0.0001")  # models.types.Money keeps 4 decimal places
MAX_QUANTITY = Decimal("1000000000")  # 10^9 units
MAX_UNIT_PRICE = Decimal("1000000000")  # 10^9 per unit
MAX_TOTAL = Decimal("100000000000000")  # 10^14, well inside the Money column
_NUMBER = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?")


def minor_units(currency: str) -> int:
    """Decimal places of the currency's minor unit (JPY 0, EUR 2, KWD 3)."""
    return int(get_currency_precision(currency))


def quantum(currency: str) -> Decimal:
    return Decimal(1).scaleb(-minor_units(currency))


def round_money(amount: Decimal | int, currency: str) -> Decimal:
    """THE rounding function: half-up to the currency's minor unit."""
    if isinstance(amount, float):  # pragma: no cover - programming error
        raise TypeError("money is Decimal, never float")
    return Decimal(amount).quantize(quantum(currency), rounding=ROUND_HALF_UP)


def money_text(amount: Decimal | int, currency: str) -> str:
    """The API/CSV decimal string ("1234.50", "1235" for JPY)."""
    return str(round_money(amount, currency))


def to_decimal(raw: object, field: str, label: str) -> Decimal:
    """A finite Decimal from a decimal string, int or Decimal. Floats, NaN,
    Infinity, booleans and text that is not a plain number are refused."""
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        raise ValidationError(field, f"{label} is required.")
    if isinstance(raw, bool) or isinstance(raw, float):
        raise ValidationError(field, f'{label} must be a decimal string such as "12.50".')
    if isinstance(raw, int):
        value = Decimal(raw)
    elif isinstance(raw, Decimal):
        value = raw
    elif isinstance(raw, str):
        text = raw.strip()
        if len(text) > 40 or not _NUMBER.fullmatch(text):
            raise ValidationError(
                field, f'{label} must be a number such as "12.50" (no commas, no NaN or Infinity).')
        try:
            value = Decimal(text)
        except InvalidOperation:  # pragma: no cover - the regex excludes these
            raise ValidationError(field, f"{label} must be a number.") from None
    else:
        raise ValidationError(field, f'{label} must be a decimal string such as "12.50".')
    if not value.is_finite():
        raise ValidationError(field, f"{label} must be a finite number.")
    return value


def _places(value: Decimal, field: str, label: str) -> Decimal:
    if abs(value) > Decimal("1e15"):
        raise ValidationError(field, f"{label} is too large.")
    if value != value.quantize(STORE_PLACES):
        raise ValidationError(field, f"{label} can have at most 4 decimal places.")
    return value.quantize(STORE_PLACES)


def clean_quantity(raw: object, field: str = "quantity") -> Decimal:
    value = to_decimal(raw, field, "Quantity")
    if value <= 0:
        raise ValidationError(field, "Quantity must be more than 0.")
    if value > MAX_QUANTITY:
        raise ValidationError(field, "Quantity is too large (at most 1,000,000,000).")
    return _places(value, field, "Quantity")


def clean_price(raw: object, field: str = "unit_price", label: str = "Unit price") -> Decimal:
    value = to_decimal(raw, field, label)
    if value < 0:
        raise ValidationError(field, f"{label} cannot be negative.")
    if value > MAX_UNIT_PRICE:
        raise ValidationError(field, f"{label} is too large (at most 1,000,000,000).")
    return _places(value, field, label)


def clean_percent(raw: object, field: str, label: str, *, default: Decimal | None = None
                  ) -> Decimal:
    if default is not None and (raw is None or (isinstance(raw, str) and not raw.strip())):
        return default
    value = to_decimal(raw, field, label)
    if value < 0 or value > HUNDRED:
        raise ValidationError(field, f"{label} must be between 0 and 100 %.")
    return _places(value, field, label)


def clean_amount(raw: object, field: str, label: str, currency: str) -> Decimal:
    """A positive payment amount in whole minor units of the currency."""
    value = to_decimal(raw, field, label)
    if value <= 0:
        raise ValidationError(field, f"{label} must be more than 0.")
    if value > MAX_TOTAL:
        raise ValidationError(field, f"{label} is too large.")
    if value != round_money(value, currency):
        raise ValidationError(
            field, f"{label} can have at most {minor_units(currency)} decimal places in {currency}.")
    return round_money(value, currency)


@dataclass(frozen=True)
class LineAmounts:
    gross: Decimal
    discount: Decimal
    net: Decimal
    tax: Decimal
    tax_rate: Decimal

    @property
    def total(self) -> Decimal:
        return self.net + self.tax


@dataclass(frozen=True)
class TaxRow:
    rate: Decimal
    base: Decimal
    tax: Decimal


@dataclass(frozen=True)
class Totals:
    currency: str
    lines: list[LineAmounts] = field(default_factory=list)
    subtotal: Decimal = Decimal(0)
    discount_total: Decimal = Decimal(0)
    net_total: Decimal = Decimal(0)
    tax_total: Decimal = Decimal(0)
    total: Decimal = Decimal(0)
    taxes: list[TaxRow] = field(default_factory=list)


def _tax_inside(paid: Decimal, tax_rate: Decimal, currency: str) -> Decimal:
    """The tax contained in a tax-inclusive amount."""
    return round_money(paid * Decimal(tax_rate) / (HUNDRED + Decimal(tax_rate)), currency)


def line_amounts(quantity: Decimal, unit_price: Decimal, discount_pct: Decimal,
                 tax_rate: Decimal, currency: str,
                 document_discount_pct: Decimal = Decimal(0), *,
                 prices_include_tax: bool = False) -> LineAmounts:
    raw = Decimal(quantity) * Decimal(unit_price)
    discounted = (raw * (HUNDRED - Decimal(discount_pct)) / HUNDRED
                  * (HUNDRED - Decimal(document_discount_pct)) / HUNDRED)
    if prices_include_tax:
        paid = round_money(discounted, currency)
        tax = _tax_inside(paid, tax_rate, currency)
        net = paid - tax
        full = round_money(raw, currency)
        gross = full - _tax_inside(full, tax_rate, currency)
    else:
        gross = round_money(raw, currency)
        net = round_money(discounted, currency)
        tax = round_money(net * Decimal(tax_rate) / HUNDRED, currency)
    return LineAmounts(gross=gross, discount=gross - net, net=net, tax=tax,
                       tax_rate=Decimal(tax_rate).normalize())


def document_totals(lines: Iterable, currency: str,
                    document_discount_pct: Decimal = Decimal(0), *,
                    prices_include_tax: bool = False) -> Totals:
    """Totals of a document. `lines` are objects or dicts with quantity,
    unit_price, discount_pct and tax_rate."""
    amounts: list[LineAmounts] = []
    for line in lines:
        get = line.get if isinstance(line, dict) else (lambda k, _l=line: getattr(_l, k))
        amounts.append(line_amounts(get("quantity"), get("unit_price"), get("discount_pct"),
                                    get("tax_rate"), currency, document_discount_pct,
                                    prices_include_tax=prices_include_tax))
    return totals_of_amounts(amounts, currency)


def totals_of_amounts(amounts: list[LineAmounts], currency: str) -> Totals:
    """Document totals from line amounts already worked out (a credit note's are
    stored when it is issued)."""
    by_rate: dict[Decimal, list[Decimal]] = {}
    for a in amounts:
        base_tax = by_rate.setdefault(a.tax_rate, [Decimal(0), Decimal(0)])
        base_tax[0] += a.net
        base_tax[1] += a.tax
    zero = round_money(0, currency)
    subtotal = sum((a.gross for a in amounts), zero)
    net_total = sum((a.net for a in amounts), zero)
    tax_total = sum((a.tax for a in amounts), zero)
    total = net_total + tax_total
    if total > MAX_TOTAL:
        raise ValidationError("lines", "The document total is too large.")
    return Totals(
        currency=currency, lines=amounts, subtotal=subtotal,
        discount_total=subtotal - net_total, net_total=net_total, tax_total=tax_total,
        total=total,
        taxes=[TaxRow(rate=r, base=v[0], tax=v[1]) for r, v in sorted(by_rate.items())],
    )


def percent_text(rate: Decimal) -> str:
    """20 -> "20", 7.5 -> "7.5" (for "VAT 20 %")."""
    text = format(Decimal(rate).normalize(), "f")
    return text
