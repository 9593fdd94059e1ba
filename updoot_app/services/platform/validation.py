"""Small validators shared by forms, API and CLI: every service cleans client
input with these, so the same value gets the same message everywhere."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from decimal import Decimal, InvalidOperation

from email_validator import EmailNotValidError, validate_email

from updoot_app.services.platform.errors import NotFound, ValidationError
from updoot_app.services.platform.security import MAX_PASSWORD_LENGTH, MIN_PASSWORD_LENGTH

CURRENCIES = ("USD", "EUR", "GBP", "CHF", "CAD", "AUD", "JPY", "SEK", "NOK", "DKK", "KWD", "INR")

# Money is stored as a 64-bit count of ten-thousandths (max ~9.2e14), and SQL sums
# must not overflow either: 10^14 (a hundred trillion) leaves room for ~90,000
# maximal amounts in one sum, and is beyond any real revenue or deal.
MAX_MONEY = Decimal("1e14")
MAX_PAGE_SIZE = 100
LIST_MAX_ITEMS = 50
LIST_ITEM_MAX_LEN = 60


def reject_unknown(data: Mapping, allowed: Iterable[str]) -> None:
    """Refuse a payload with a key outside `allowed`, naming the first one (sorted),
    so a typo in an API call or a forged event fails loudly instead of being ignored."""
    unknown = set(data) - set(allowed)
    if unknown:
        name = sorted(unknown, key=str)[0]
        raise ValidationError(name, f"Unknown field {name}.")


def form_text(form: object, keys: tuple[str, ...]) -> dict[str, str]:
    """The stripped text fields `keys` of a submitted form (a client may send
    anything: a missing form or a field that is not text is refused)."""
    if not isinstance(form, dict):
        raise ValidationError("form", "Fill in the form.")
    out = {}
    for key in keys:
        value = form.get(key, "")
        if not isinstance(value, str):
            raise ValidationError(key, "Fill in the form with text.")
        out[key] = value.strip()
    return out


def clean_email(raw: object, field: str = "email") -> str:
    if not isinstance(raw, str) or not raw.strip():
        raise ValidationError(field, "Enter an email address.")
    try:
        result = validate_email(raw.strip(), check_deliverability=False)
    except EmailNotValidError as exc:
        raise ValidationError(field, f"That email address is not valid: {exc}") from exc
    return result.normalized.lower()


def clean_password(raw: object, field: str = "password") -> str:
    if not isinstance(raw, str):
        raise ValidationError(field, "Enter a password.")
    if len(raw) < MIN_PASSWORD_LENGTH:
        raise ValidationError(
            field, f"Use a password of at least {MIN_PASSWORD_LENGTH} characters."
        )
    if len(raw) > MAX_PASSWORD_LENGTH:
        raise ValidationError(field, f"Use at most {MAX_PASSWORD_LENGTH} characters.")
    return raw


def clean_text(raw: object, field: str, label: str, *, max_len: int = 120,
               required: bool = True) -> str:
    if raw is None:
        raw = ""
    if not isinstance(raw, str):
        raise ValidationError(field, f"{label} must be text.")
    value = " ".join(raw.split())
    if required and not value:
        raise ValidationError(field, f"{label} is required.")
    if len(value) > max_len:
        raise ValidationError(field, f"{label} must be at most {max_len} characters.")
    return value


def clean_currency(raw: object, field: str = "currency") -> str:
    if not isinstance(raw, str) or raw.strip().upper() not in CURRENCIES:
        raise ValidationError(field, f"Currency must be one of {', '.join(CURRENCIES)}.")
    return raw.strip().upper()


def clean_id(raw: object, field: str = "id") -> int:
    """Ids from clients arrive as anything: accept positive ints (or digit strings)."""
    if isinstance(raw, bool):
        raise ValidationError(field, "Invalid id.")
    if isinstance(raw, int):
        value = raw
    elif isinstance(raw, str) and re.fullmatch(r"\d{1,12}", raw.strip()):
        value = int(raw.strip())
    else:
        raise ValidationError(field, "Invalid id.")
    if value <= 0:
        raise ValidationError(field, "Invalid id.")
    return value


# The largest id a row can have (PostgreSQL integer): bigger ones cannot exist.
MAX_DB_ID = 2_147_483_647


def clean_ref(raw: object, field: str, what: str) -> int:
    """A client-supplied id of a row: a positive int (or digit string). Ids beyond
    the database's integer range cannot exist, so they are "not found" rather
    than a database error."""
    value = clean_id(raw, field)
    if value > MAX_DB_ID:
        raise NotFound(what)
    return value


def slugify(name: str) -> str:
    slug = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")
    return slug[:60] or "workspace"


def clean_money(raw: object, field: str, label: str, *, required: bool = False) -> Decimal | None:
    """A non-negative Decimal from a decimal string, int or Decimal (never a float).

    At most 4 decimal places (the storage precision), finite, at most 10^14.
    """
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        if required:
            raise ValidationError(field, f"{label} is required.")
        return None
    if isinstance(raw, bool) or isinstance(raw, float):
        raise ValidationError(field, f"{label} must be a decimal string such as \"1234.50\".")
    if isinstance(raw, int | Decimal):
        value = Decimal(raw)
    elif isinstance(raw, str):
        text = raw.strip()
        if not re.fullmatch(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?", text):
            raise ValidationError(
                field, f"{label} must be a decimal number such as \"1234.50\" (no commas).")
        try:
            value = Decimal(text)
        except InvalidOperation:  # pragma: no cover - the regex already excludes these
            raise ValidationError(field, f"{label} must be a decimal number.") from None
    else:
        raise ValidationError(field, f"{label} must be a decimal string such as \"1234.50\".")
    if not value.is_finite():
        raise ValidationError(field, f"{label} must be a finite number.")
    if value < 0:
        raise ValidationError(field, f"{label} cannot be negative.")
    if value > MAX_MONEY:
        raise ValidationError(field, f"{label} is too large (at most 100,000,000,000,000).")
    if value != value.quantize(Decimal("0.0001")):
        raise ValidationError(field, f"{label} can have at most 4 decimal places.")
    return value.quantize(Decimal("0.0001"))


def clean_count(raw: object, field: str, label: str) -> int | None:
    """An optional whole number ≥ 0 (int or digit string)."""
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return None
    if isinstance(raw, bool):
        raise ValidationError(field, f"{label} must be a whole number.")
    if isinstance(raw, float) and raw.is_integer():
        raw = int(raw)
    if isinstance(raw, int):
        value = raw
    elif isinstance(raw, str) and re.fullmatch(r"\+?\d{1,12}", raw.strip()):
        value = int(raw.strip())
    else:
        raise ValidationError(field, f"{label} must be a whole number.")
    if value < 0:
        raise ValidationError(field, f"{label} cannot be negative.")
    if value > MAX_DB_ID:
        raise ValidationError(field, f"{label} is too large.")
    return value


def clean_long_text(raw: object, field: str, label: str, max_len: int) -> str:
    """Optional multi-line text: keeps line breaks, strips the ends."""
    if raw is None:
        return ""
    if not isinstance(raw, str):
        raise ValidationError(field, f"{label} must be text.")
    value = raw.strip().replace("\r\n", "\n")
    if len(value) > max_len:
        raise ValidationError(field, f"{label} must be at most {max_len} characters.")
    return value


def clean_optional_text(raw: object, field: str, label: str, max_len: int) -> str | None:
    value = clean_text(raw, field, label, max_len=max_len, required=False)
    return value or None


def clean_string_list(raw: object, field: str, label: str) -> list[str]:
    """A list of non-empty strings (≤60 chars, ≤50 items), de-duplicated case-insensitively."""
    if raw is None:
        return []
    if isinstance(raw, str):
        raise ValidationError(field, f"{label} must be a list of text values.")
    if not isinstance(raw, list | tuple):
        raise ValidationError(field, f"{label} must be a list of text values.")
    seen: set[str] = set()
    values: list[str] = []
    for item in raw:
        if not isinstance(item, str):
            raise ValidationError(field, f"{label} must be a list of text values.")
        value = " ".join(item.split())
        if not value:
            raise ValidationError(field, f"{label} cannot contain empty values.")
        if len(value) > LIST_ITEM_MAX_LEN:
            raise ValidationError(
                field, f"Each of {label.lower()} must be at most {LIST_ITEM_MAX_LEN} characters.")
        if value.lower() not in seen:
            seen.add(value.lower())
            values.append(value)
    if len(values) > LIST_MAX_ITEMS:
        raise ValidationError(field, f"{label} can have at most {LIST_MAX_ITEMS} values.")
    return values


MAX_PAGE = 100_000


def clean_paging(page: object, page_size: object) -> tuple[int, int]:
    try:
        page_n = int(str(page if page is not None else 1))
        size_n = int(str(page_size if page_size is not None else 25))
    except ValueError:
        raise ValidationError("page", "Page and page size must be whole numbers.") from None
    if page_n < 1 or page_n > 1_000_000:
        raise ValidationError("page", "Page must be 1 or more.")
    if not 1 <= size_n <= MAX_PAGE_SIZE:
        raise ValidationError("page_size", f"Page size must be between 1 and {MAX_PAGE_SIZE}.")
    return page_n, size_n


def requested_page(raw: object) -> int | None:
    """A page number a list's pager asked for: clamped to 1..MAX_PAGE; None when
    it is not a whole number (the pager then stays where it is)."""
    try:
        number = int(str(raw))
    except ValueError:
        return None
    return min(max(1, number), MAX_PAGE)


def clean_direction(direction: object) -> str:
    value = (direction or "asc") if isinstance(direction, str | type(None)) else None
    if value not in ("asc", "desc"):
        raise ValidationError("direction", "Direction must be asc or desc.")
    return value


def clean_search(raw: object) -> str | None:
    if raw is None:
        return None
    if not isinstance(raw, str):
        raise ValidationError("search", "Search must be text.")
    value = " ".join(raw.split())
    if len(value) > 200:
        raise ValidationError("search", "Search must be at most 200 characters.")
    return value or None
