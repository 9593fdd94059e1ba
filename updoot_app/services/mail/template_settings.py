"""Editing a workspace's mail templates (Settings → Email, PUT /mail-templates):
what each placeholder stands for, and saving the four texts (owners and admins).

A blank text means "the default" (templates.DEFAULTS), so a workspace can go
back to it. A placeholder the app does not know is refused: it would reach the
client as written, braces and all.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlmodel import Session

from updoot_app.models import MailSettings
from updoot_app.models.types import utcnow
from updoot_app.services.identity.access import Principal
from updoot_app.services.mail import addresses, templates
from updoot_app.services.platform import activity
from updoot_app.services.platform.errors import ValidationError
from updoot_app.services.platform.validation import clean_long_text, reject_unknown

PLACEHOLDER_HELP = {
    "number": "the document's number, e.g. Q-2026-0001",
    "total": "its total with the currency",
    "due_date": "an invoice's due date",
    "valid_until": "a quote's last valid day",
    "company": "the client company",
    "contact": "the contact's name (“there” without one)",
    "link": "a quote's public accept link",
    "workspace": "your workspace's name",
    "balance": "what is left to pay on an invoice",
}
FIELDS = tuple(templates.DEFAULTS)     # quote_subject, quote_body, invoice_subject, invoice_body


def placeholders() -> list[dict[str, str]]:
    """[{"name": "{number}", "meaning": ...}, ...] in templates.PLACEHOLDERS order."""
    return [{"name": "{" + name + "}", "meaning": PLACEHOLDER_HELP[name]}
            for name in templates.PLACEHOLDERS]


def templates_view(session: Session, workspace_id: int) -> dict:
    """The templates in use (the workspace's, or the default where blank), the
    defaults, and the placeholders: the API's GET and the editor's data."""
    return {**templates.templates_of(session, workspace_id), "defaults": dict(templates.DEFAULTS),
            "placeholders": placeholders()}


def _known_placeholders_only(text: str, field: str) -> None:
    unknown = sorted({m.group(1) for m in templates._PLACEHOLDER.finditer(text)}
                     - set(templates.PLACEHOLDERS))
    if unknown:
        raise ValidationError(field, f"Unknown placeholder {{{unknown[0]}}}: use one of "
                                     + ", ".join("{" + p + "}" for p in templates.PLACEHOLDERS)
                                     + ".")


def _clean(key: str, raw: object) -> str:
    if raw is None:
        return ""
    if key.endswith("_subject"):
        if isinstance(raw, str) and not raw.strip():
            return ""
        value = addresses.clean_subject(raw, key)
    else:
        value = clean_long_text(raw, key, "The message", addresses.MAX_MESSAGE)
    _known_placeholders_only(value, key)
    return value


def update_templates(session: Session, principal: Principal,
                     data: Mapping[str, Any]) -> dict:
    """Change some of the four templates (blank: back to the default); returns
    templates_view. Owners and admins only."""
    principal.require("admin")
    if not isinstance(data, Mapping):
        raise ValidationError("templates", "Send the templates as an object.")
    reject_unknown(data, FIELDS)
    cleaned = {key: _clean(key, data[key]) for key in FIELDS if key in data}
    row = session.get(MailSettings, principal.workspace_id) or MailSettings(
        workspace_id=principal.workspace_id)
    for key, value in cleaned.items():
        setattr(row, key, value)
    row.updated_at = utcnow()
    session.add(row)
    activity.log(session, workspace_id=principal.workspace_id, user_id=principal.user_id,
                 action="mail.templates", entity_type="workspace",
                 entity_id=principal.workspace_id, summary="Changed the email templates")
    session.flush()
    return templates_view(session, principal.workspace_id)
