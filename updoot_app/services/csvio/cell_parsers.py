"""Parsers of single cells as people write them (amounts, head counts, countries, domains...).

Each takes the cell text and returns the clean value, or raises ValueError
with a reason that can be shown next to the row.
"""

from __future__ import annotations

import re
from decimal import Decimal
from functools import lru_cache

import pycountry
from email_validator import EmailNotValidError, validate_email

from updoot_app.services.platform.geo import normalise_country

MAX_ABS_NUMBER = Decimal("1e15")
"""Largest magnitude accepted for imported numbers: well above any real revenue."""
_MAX_DECIMAL_PLACES = 10


def _quoted(value: str, limit: int = 40) -> str:
    shown = value if len(value) <= limit else value[: limit - 1] + "…"
    return f"'{shown}'"


_CURRENCY_SIGNS = "$€£¥₹₩₽₺₪₫฿₴₦₱"
_CURRENCY = rf"(?:[A-Z]{{3}}|[A-Z]{{0,2}}\$|[{_CURRENCY_SIGNS}])"
_SIGN = "[-+\u2212]"
_NUMBER_SHAPE = re.compile(
    rf"(?P<sign1>{_SIGN}?)\s*(?P<cur1>{_CURRENCY})?\s*(?P<sign2>{_SIGN}?)\s*"
    r"(?P<num>[0-9.,][0-9.,'\s]*?)"
    r"(?:[eE](?P<exp>[-+]?[0-9]{1,3}))?"
    r"\s*(?P<mult>(?i:thousand|million|billion|mm|mn|bn|k|m|b))?"
    rf"\s*(?P<cur2>{_CURRENCY})?"
)
_MULTIPLIERS = {
    "k": 3, "thousand": 3, "m": 6, "mm": 6, "mn": 6, "million": 6,
    "b": 9, "bn": 9, "billion": 9,
}
_GROUPED = re.compile(r"[1-9][0-9]{0,2}(?:(?P<g>[,.'\s])[0-9]{3})(?:(?P=g)[0-9]{3})*")
# Unambiguous plain numbers ("1234", "1234.5", "99.95"); three decimals could be grouping.
# Public so that whole columns can take the same fast path (row_validation).
PLAIN_DECIMAL = re.compile(r"[0-9]{1,15}(?:\.(?:[0-9]{1,2}|[0-9]{4,10}))?")
PLAIN_INTEGER = re.compile(r"[0-9]{1,15}")


@lru_cache(maxsize=1)
def _currency_codes() -> frozenset[str]:
    return frozenset(currency.alpha_3 for currency in pycountry.currencies)


def parse_decimal(text: str, *, allow_negative: bool = False) -> Decimal:
    """Read a human-written amount: "1,234.56", "1.234,56", "1 234,56", "€ 1.234", "$1.2M".

    The last of "." and "," is the decimal mark when both appear. A lone
    separator followed by exactly three digits after a 1–3 digit lead is a
    thousands separator ("1.234" and "1,234" are 1234), otherwise a decimal
    mark ("1234,56", "0.125"). Currency signs and ISO codes are ignored;
    k/M/bn multiply. NaN, infinities, more than ten decimal places and values
    above :data:`MAX_ABS_NUMBER` are refused. Raises ValueError with a readable reason.
    """
    value = text.strip()
    if PLAIN_DECIMAL.fullmatch(value):
        return _check_range(Decimal(value), value, allow_negative)
    negative = value.startswith("(") and value.endswith(")")
    inner = value[1:-1].strip() if negative else value
    match = _NUMBER_SHAPE.fullmatch(inner)
    if not match or not _valid_currency(match):
        raise ValueError(f"{_quoted(value)} is not a number")
    signs = [s for s in (match["sign1"], match["sign2"]) if s]
    if len(signs) + negative > 1:
        raise ValueError(f"{_quoted(value)} is not a number")
    negative = negative or signs == ["-"] or signs == ["\u2212"]
    canonical = _canonical_digits(match["num"].strip(), decimal_only=bool(match["mult"]))
    if canonical is None:
        raise ValueError(f"{_quoted(value)} is not a number")
    number = Decimal(canonical)
    if match["exp"]:
        number = number.scaleb(int(match["exp"]))
    if match["mult"]:
        number = number.scaleb(_MULTIPLIERS[match["mult"].lower()])
    number = _check_range(-number if negative else number, value, allow_negative)
    return number.quantize(Decimal(1)) if number.as_tuple().exponent > 0 else number


def _valid_currency(match: re.Match[str]) -> bool:
    codes = [c for c in (match["cur1"], match["cur2"]) if c]
    if len(codes) > 1:
        return False
    return all(len(c) != 3 or not c.isalpha() or c in _currency_codes() for c in codes)


def _canonical_digits(num: str, *, decimal_only: bool) -> str | None:
    """"1.234,56" -> "1234.56"; None when the digit grouping makes no sense."""
    last_dot, last_comma = num.rfind("."), num.rfind(",")
    mark_at = max(last_dot, last_comma)
    if mark_at >= 0:
        mark = num[mark_at]
        lone = num.count(mark) == 1
        head, tail = num[:mark_at], num[mark_at + 1:]
        thousands = (
            lone and not decimal_only and len(tail) == 3 and tail.isdigit()
            and head.isdigit() and 1 <= len(head) <= 3 and not head.startswith("0")
        )
        if lone and not thousands:
            integer, fraction = head, tail
        else:
            integer, fraction = num, ""
    else:
        integer, fraction = num, ""
    if fraction and not (fraction.isascii() and fraction.isdigit()):
        return None
    integer = _ungroup(integer)
    if integer is None or not (integer or fraction):
        return None
    return f"{integer or '0'}.{fraction}" if fraction else integer


def _ungroup(integer: str) -> str | None:
    if integer == "" or (integer.isascii() and integer.isdigit()):
        return integer
    if _GROUPED.fullmatch(integer):
        return re.sub(r"[^0-9]", "", integer)
    return None


def _check_range(number: Decimal, text: str, allow_negative: bool) -> Decimal:
    if not number.is_finite():
        raise ValueError(f"{_quoted(text)} is not a number")
    if number.as_tuple().exponent < -_MAX_DECIMAL_PLACES:
        raise ValueError(f"{_quoted(text)} has more than {_MAX_DECIMAL_PLACES} decimal places")
    if abs(number) > MAX_ABS_NUMBER:
        raise ValueError(f"{_quoted(text)} is too large (the limit is {MAX_ABS_NUMBER:,.0f})")
    if number < 0 and not allow_negative:
        raise ValueError(f"{_quoted(text)} must not be negative")
    return number if number != 0 else abs(number)


def parse_integer(text: str) -> int:
    """A whole number with optional thousands separators: "1,200" and "1.200" are 1200."""
    value = text.strip()
    if PLAIN_INTEGER.fullmatch(value):
        return int(value)
    number = parse_decimal(value)
    if number != number.to_integral_value():
        raise ValueError(f"{_quoted(value)} is not a whole number")
    return int(number)


_HEADCOUNT_WORDS = re.compile(r"\s*(?i:employees|employee|people|staff|emp\.?)$")
_HEADCOUNT_RANGE = re.compile(r"(.+?)\s*(?:-|–|—|(?i:to))\s*(.+)")


def parse_headcount(text: str) -> int:
    """Employees: a whole number, or a size band as exported by LinkedIn and data vendors.

    "51-200" gives the midpoint rounded down (125), "10,001+" its lower bound.
    """
    original = text.strip()
    value = _HEADCOUNT_WORDS.sub("", original)
    try:
        return _headcount(value)
    except ValueError as exc:
        # Name the cell as the user wrote it, not the part left after cleaning.
        raise ValueError(str(exc).replace(_quoted(value), _quoted(original))) from None


def _headcount(value: str) -> int:
    if value.endswith("+"):
        return parse_integer(value[:-1])
    band = _HEADCOUNT_RANGE.fullmatch(value)
    if band and band.group(1)[-1:].isdigit():
        low, high = parse_integer(band.group(1)), parse_integer(band.group(2))
        if low > high:
            raise ValueError(f"{_quoted(value)} is not a valid size band")
        return (low + high) // 2
    return parse_integer(value)


def parse_country(text: str) -> str:
    """ISO 3166 alpha-2 code from an alpha-2 or alpha-3 code or an English name."""
    code = normalise_country(text)
    if code is None:
        raise ValueError(f"{_quoted(text.strip())} is not a known country")
    return code


_SCHEME = re.compile(r"^[a-z][a-z0-9+.\-]*://")
_HOSTNAME = re.compile(
    r"(?=.{1,253}$)(?:[a-z0-9](?:[a-z0-9\-]{0,61}[a-z0-9])?\.)+(?:[a-z]{2,63}|xn--[a-z0-9\-]{1,59})"
)


def normalise_domain(text: str) -> str:
    """Bare lowercase host name from a domain, URL or e-mail address.

    "https://www.Acme.io/about?x=1" -> "acme.io"; "jane@acme.io" -> "acme.io".
    """
    host = _SCHEME.sub("", text.strip().lower()).lstrip("/")
    host = re.split(r"[/?#]", host, maxsplit=1)[0]
    host = host.rsplit("@", 1)[-1]
    host = re.sub(r":[0-9]*$", "", host).rstrip(".")
    if host.startswith("www."):
        host = host[4:]
    try:
        ascii_host = host if host.isascii() else host.encode("idna").decode("ascii")
    except UnicodeError:
        ascii_host = ""
    if not _HOSTNAME.fullmatch(ascii_host):
        raise ValueError(f"{_quoted(text.strip())} is not a valid domain or website")
    return host


# Plain ASCII addresses: the local part is checked here and only the domain by
# email-validator, once per distinct domain (contacts share employers' domains).
_SIMPLE_EMAIL = re.compile(r"([a-z0-9_%+\-]+(?:\.[a-z0-9_%+\-]+)*)@([a-z0-9.\-]+)", re.IGNORECASE)


def parse_email(text: str) -> str:
    """Validated, lower-cased address; "Jane Doe <jane@acme.io>" is accepted too."""
    value = text.strip()
    simple = _SIMPLE_EMAIL.fullmatch(value)
    if simple and len(simple[1]) <= 64 and len(value) <= 254:
        domain = _email_domain(simple[2].lower())
        if domain is not None:
            return f"{simple[1]}@{domain}".lower()
    try:
        result = validate_email(value, check_deliverability=False, allow_display_name=True)
    except EmailNotValidError as exc:
        raise ValueError(f"{_quoted(value)} is not a valid email address: {exc}") from exc
    return result.normalized.lower()


@lru_cache(maxsize=8192)
def _email_domain(domain: str) -> str | None:
    try:
        return validate_email(f"a@{domain}", check_deliverability=False).ascii_domain
    except EmailNotValidError:
        return None


_PHONE = re.compile(
    r"\+?[0-9 ()./\-\u00a0]+(?:\s*(?:x|ext\.?|extension|#)\s*[0-9]{1,6})?", re.IGNORECASE
)


def parse_phone(text: str) -> str:
    """Phone numbers are kept as written, but must look like one (5–20 digits)."""
    value = text.strip()
    digits = sum(ch.isdigit() for ch in value)
    if not _PHONE.fullmatch(value) or not 5 <= digits <= 20:
        raise ValueError(f"{_quoted(value)} is not a phone number")
    return value


_LIST_SPLIT = re.compile(r"[;|,]")


def split_list(text: str) -> list[str]:
    """Split "AWS; Snowflake | dbt, AWS" into ["AWS", "Snowflake", "dbt"] (case-insensitive dedupe)."""
    items: list[str] = []
    seen: set[str] = set()
    for part in _LIST_SPLIT.split(text):
        item = " ".join(part.split())
        if item and item.casefold() not in seen:
            seen.add(item.casefold())
            items.append(item)
    return items
