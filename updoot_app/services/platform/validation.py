"""Small validators shared by forms, API and CLI."""

from __future__ import annotations

import re

from email_validator import EmailNotValidError, validate_email

from updoot_app.services.platform.errors import NotFound, ValidationError
from updoot_app.services.platform.security import MAX_PASSWORD_LENGTH, MIN_PASSWORD_LENGTH

CURRENCIES = ("USD", "EUR", "GBP", "CHF", "CAD", "AUD", "JPY", "SEK", "NOK", "DKK", "KWD", "INR")


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
