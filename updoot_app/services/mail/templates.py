"""Mail templates: the defaults, a workspace's own (MailSettings), and filling in
placeholders such as {number} or {link}.

Placeholders are replaced by a plain lookup, never str.format: a template is
user text, and format() would let it reach attributes of the values.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from sqlmodel import Session

from updoot_app.models import MailSettings

PLACEHOLDERS = ("number", "total", "due_date", "valid_until", "company", "contact",
                "link", "workspace", "balance")
_PLACEHOLDER = re.compile(r"\{([a-z_]+)\}")

DEFAULTS = {
    "quote_subject": "Quote {number} from {workspace}",
    "quote_body": ("Hello {contact},\n\nPlease find attached our quote {number} for {total}, "
                   "valid until {valid_until}.\n\nYou can review and accept it online: "
                   "{link}\n\nBest regards,\n{workspace}"),
    "invoice_subject": "Invoice {number} from {workspace}",
    "invoice_body": ("Hello {contact},\n\nPlease find attached invoice {number} for {total}, "
                     "due on {due_date}.\n\nThank you for your business.\n{workspace}"),
}


def fill(template: str, values: Mapping[str, str]) -> str:
    """Replace each known {placeholder}; leave anything else as written."""
    return _PLACEHOLDER.sub(
        lambda m: str(values[m.group(1)]) if m.group(1) in values else m.group(0), template)


def templates_of(session: Session, workspace_id: int) -> dict[str, str]:
    """The workspace's templates, each falling back to the default when blank."""
    row = session.get(MailSettings, workspace_id)
    out = dict(DEFAULTS)
    if row is not None:
        for key in DEFAULTS:
            value = getattr(row, key) or ""
            if value.strip():
                out[key] = value
    return out
