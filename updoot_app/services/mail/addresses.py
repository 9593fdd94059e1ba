"""Recipients, subjects and message text from a form or an API call.

Header injection is refused outright: a newline (or any control character) in
an address or a subject would let a caller add headers of their own.
"""

from __future__ import annotations

from updoot_app.services.platform.errors import ValidationError
from updoot_app.services.platform.validation import clean_email, clean_long_text

MAX_RECIPIENTS = 20
MAX_SUBJECT = 300
MAX_MESSAGE = 20_000


def _no_control_chars(value: str, field: str, label: str) -> None:
    if any(ord(c) < 32 or ord(c) == 127 for c in value):
        raise ValidationError(field, f"{label} cannot contain line breaks or control "
                                     "characters.")


def clean_recipients(raw: object, field: str, *, required: bool) -> list[str]:
    """A list of addresses (or one string with commas/semicolons), each validated,
    de-duplicated, at most MAX_RECIPIENTS."""
    if raw is None or raw == "":
        items: list = []
    elif isinstance(raw, str):
        _no_control_chars(raw, field, "An address")
        items = [part for part in raw.replace(";", ",").split(",") if part.strip()]
    elif isinstance(raw, list | tuple):
        items = list(raw)
    else:
        raise ValidationError(field, "Recipients must be a list of email addresses.")
    addresses: list[str] = []
    for item in items:
        if not isinstance(item, str):
            raise ValidationError(field, "Recipients must be a list of email addresses.")
        _no_control_chars(item, field, "An address")
        address = clean_email(item, field)
        if address not in addresses:
            addresses.append(address)
    if required and not addresses:
        raise ValidationError(field, "Add at least one recipient.")
    if len(addresses) > MAX_RECIPIENTS:
        raise ValidationError(field, f"Send to at most {MAX_RECIPIENTS} addresses at once.")
    return addresses


def clean_subject(raw: object, field: str = "subject") -> str:
    if not isinstance(raw, str):
        raise ValidationError(field, "The subject must be text.")
    _no_control_chars(raw, field, "The subject")
    value = raw.strip()
    if not value:
        raise ValidationError(field, "The subject is required.")
    if len(value) > MAX_SUBJECT:
        raise ValidationError(field, f"The subject must be at most {MAX_SUBJECT} characters.")
    return value


def clean_message(raw: object, field: str = "message") -> str:
    value = clean_long_text(raw, field, "The message", MAX_MESSAGE)
    if not value:
        raise ValidationError(field, "The message is required.")
    return value
