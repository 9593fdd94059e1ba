"""A workspace's payment-reminder schedule: on or off (off until someone turns it
on), and its steps, each a number of days from the due date (-3: three days
before it) with its own subject and message templates.

Everyone in the workspace reads the schedule; only an owner or admin changes it,
as with the billing settings: it decides what the workspace's customers receive.
A step is known by its offset: saving the schedule keeps the row of an offset
that stays (so what was sent for it stays sent), and the record of what was sent
(reminder_sends) is keyed by offset too.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from sqlmodel import Session, select

from updoot_app.models import ReminderSettings, ReminderStep
from updoot_app.models.types import utcnow
from updoot_app.services.identity.access import Principal
from updoot_app.services.mail import addresses, templates
from updoot_app.services.platform import activity
from updoot_app.services.platform.errors import ValidationError
from updoot_app.services.platform.validation import reject_unknown

MAX_STEPS = 10
MIN_OFFSET, MAX_OFFSET = -60, 365
# What a reminder's templates may use: the document placeholders, and how many
# days the invoice is overdue (0 before and on the due date).
PLACEHOLDERS = (*templates.PLACEHOLDERS, "days_overdue")
_PLACEHOLDER = re.compile(r"\{([a-z_]+)\}")

_BEFORE = ("Hello {contact},\n\nA friendly reminder: invoice {number} for {total} is due on "
           "{due_date}. The PDF is attached.\n\nThank you,\n{workspace}")
_ON = ("Hello {contact},\n\nInvoice {number} is due today; {balance} is still open. The PDF "
       "is attached.\n\nThank you,\n{workspace}")
_AFTER = ("Hello {contact},\n\nInvoice {number} was due on {due_date} and {balance} is still "
          "open ({days_overdue} days overdue). Please arrange the payment, or let us know if "
          "it is already on its way. The PDF is attached.\n\nThank you,\n{workspace}")
DEFAULT_STEPS = (
    {"offset_days": -3, "subject": "Invoice {number} is due on {due_date}", "message": _BEFORE},
    {"offset_days": 0, "subject": "Invoice {number} is due today", "message": _ON},
    {"offset_days": 7, "subject": "Reminder: invoice {number} is overdue", "message": _AFTER},
    {"offset_days": 14, "subject": "Second reminder: invoice {number} is overdue",
     "message": _AFTER},
)


def step_label(offset_days: int) -> str:
    """-3 -> "3 days before the due date", 0 -> "On the due date", 7 -> "7 days after"."""
    if offset_days == 0:
        return "On the due date"
    days = abs(offset_days)
    unit = "day" if days == 1 else "days"
    return f"{days} {unit} {'before' if offset_days < 0 else 'after'} the due date"


# --- reads -----------------------------------------------------------------------------------

def steps_of(session: Session, workspace_id: int) -> list[ReminderStep]:
    """The stored steps, earliest first (none stored: see `get_schedule`)."""
    return list(session.exec(select(ReminderStep).where(ReminderStep.workspace_id == workspace_id)
                             .order_by(ReminderStep.offset_days)).all())


def is_enabled(session: Session, workspace_id: int) -> bool:
    row = session.get(ReminderSettings, workspace_id)
    return bool(row and row.enabled)


def get_schedule(session: Session, workspace_id: int) -> dict:
    """{"enabled": bool, "steps": [{"offset_days", "subject", "message", "label"}]}. A
    workspace that never saved one gets the default steps, switched off."""
    settings = session.get(ReminderSettings, workspace_id)
    if settings is None:
        steps = [dict(s) for s in DEFAULT_STEPS]
    else:
        steps = [{"offset_days": s.offset_days, "subject": s.subject, "message": s.message}
                 for s in steps_of(session, workspace_id)]
    for step in steps:
        step["label"] = step_label(step["offset_days"])
    return {"enabled": bool(settings and settings.enabled), "steps": steps}


# --- cleaning --------------------------------------------------------------------------------

def _check_placeholders(text: str, field: str) -> None:
    unknown = sorted({m for m in _PLACEHOLDER.findall(text) if m not in PLACEHOLDERS})
    if unknown:
        raise ValidationError(field, f"Unknown placeholder {{{unknown[0]}}}; use "
                              + ", ".join(f"{{{p}}}" for p in PLACEHOLDERS) + ".")


def _clean_offset(raw: object, field: str) -> int:
    if isinstance(raw, bool) or not isinstance(raw, int | str):
        raise ValidationError(field, "Days from the due date must be a whole number.")
    text = str(raw).strip()
    if not re.fullmatch(r"[+-]?\d{1,4}", text):
        raise ValidationError(field, "Days from the due date must be a whole number.")
    value = int(text)
    if not MIN_OFFSET <= value <= MAX_OFFSET:
        raise ValidationError(field, f"Days from the due date are {MIN_OFFSET} to {MAX_OFFSET}.")
    return value


def clean_steps(raw: object) -> list[dict]:
    if not isinstance(raw, list | tuple):
        raise ValidationError("steps", "Steps must be a list.")
    if len(raw) > MAX_STEPS:
        raise ValidationError("steps", f"At most {MAX_STEPS} reminder steps.")
    steps: list[dict] = []
    for i, item in enumerate(raw):
        where = f"steps.{i}"
        if not isinstance(item, Mapping):
            raise ValidationError(where, f"Step {i + 1} must be an object.")
        unknown = sorted(set(item) - {"offset_days", "subject", "message", "label"})
        if unknown:
            raise ValidationError(f"{where}.{unknown[0]}", f"Step {i + 1}: unknown field "
                                  f"{unknown[0]}.")
        offset = _clean_offset(item.get("offset_days"), f"{where}.offset_days")
        if any(s["offset_days"] == offset for s in steps):
            raise ValidationError(f"{where}.offset_days",
                                  f"Step {i + 1}: two steps fall on the same day ({offset}).")
        subject = addresses.clean_subject(item.get("subject"), f"{where}.subject")
        message = addresses.clean_message(item.get("message"), f"{where}.message")
        _check_placeholders(subject, f"{where}.subject")
        _check_placeholders(message, f"{where}.message")
        steps.append({"offset_days": offset, "subject": subject, "message": message})
    return sorted(steps, key=lambda s: s["offset_days"])


# --- the command -----------------------------------------------------------------------------

def update_schedule(session: Session, principal: Principal, data: Mapping[str, Any]) -> dict:
    """Replace the schedule: {"enabled": bool, "steps": [...]} (both required)."""
    principal.require("admin")
    if not isinstance(data, Mapping):
        raise ValidationError("enabled", "Send the schedule as an object.")
    reject_unknown(data, {"enabled", "steps"})
    enabled = data.get("enabled")
    if not isinstance(enabled, bool):
        raise ValidationError("enabled", "enabled must be true or false.")
    if "steps" not in data:
        raise ValidationError("steps", "Send the steps (an empty list for none).")
    steps = clean_steps(data["steps"])
    ws = principal.workspace_id
    settings = session.get(ReminderSettings, ws) or ReminderSettings(workspace_id=ws)
    settings.enabled = enabled
    settings.updated_at = utcnow()
    session.add(settings)
    by_offset = {s.offset_days: s for s in steps_of(session, ws)}
    for step in steps:
        row = by_offset.pop(step["offset_days"], None) or ReminderStep(
            workspace_id=ws, offset_days=step["offset_days"])
        row.subject, row.message = step["subject"], step["message"]
        session.add(row)
    for gone in by_offset.values():
        session.delete(gone)
    activity.log(session, workspace_id=ws, user_id=principal.user_id,
                 action="reminders.update", entity_type="workspace", entity_id=ws,
                 summary=f"Payment reminders {'on' if enabled else 'off'}, "
                         f"{len(steps)} step{'s' if len(steps) != 1 else ''}")
    session.flush()
    return get_schedule(session, ws)
