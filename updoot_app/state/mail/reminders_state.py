"""Settings → Reminders: payment reminders on or off, and the schedule's steps
(days from the due date, subject, message), edited one step at a time.

Everyone in the workspace sees the schedule; owners and admins change it (the
service checks it too). Each change sends the whole schedule, as stored now
with this one step changed, to the one service command.
"""

from __future__ import annotations

from collections.abc import Callable

import reflex as rx

from updoot_app import db
from updoot_app.services.identity.access import Principal
from updoot_app.services.mail import reminder_schedule
from updoot_app.services.platform.errors import ValidationError
from updoot_app.state.app_state import AppState
from updoot_app.state.guard import guard

STEP_FIELDS = ("offset_days", "subject", "message")
PLACEHOLDER_HELP = ", ".join("{" + p + "}" for p in reminder_schedule.PLACEHOLDERS)


def _step_of(form: object) -> dict:
    if not isinstance(form, dict):
        raise ValidationError("offset_days", "Fill in the step.")
    return {key: form.get(key, "") for key in STEP_FIELDS}


def _index(raw: object, count: int) -> int:
    text = str(raw).strip() if isinstance(raw, str | int) and not isinstance(raw, bool) else ""
    if not text.isdigit() or int(text) >= count:
        raise ValidationError("index", "That step no longer exists; reload the page.")
    return int(text)


class ReminderSettingsState(AppState):
    enabled: bool = False
    steps: list[dict[str, str]] = []
    error: str = ""
    version: int = 0   # bumps the inputs' keys so they show the stored values again
    placeholder_help: str = PLACEHOLDER_HELP

    def _show(self, schedule: dict) -> None:
        self.version += 1
        self.enabled = schedule["enabled"]
        self.steps = [{"index": str(i), "offset_days": str(s["offset_days"]),
                       "subject": s["subject"], "message": s["message"], "label": s["label"],
                       "key": f"{i}-{self.version}"}
                      for i, s in enumerate(schedule["steps"])]

    def _reload(self, p: Principal) -> None:
        with db.session_scope() as session:
            self._show(reminder_schedule.get_schedule(session, p.workspace_id))

    def _change(self, p: Principal, edit: Callable[[dict], None], done: str):
        """Apply `edit` to the stored schedule and save it (one service call)."""
        try:
            with db.session_scope() as session:
                schedule = reminder_schedule.get_schedule(session, p.workspace_id)
                for step in schedule["steps"]:
                    step.pop("label", None)
                edit(schedule)
                self._show(reminder_schedule.update_schedule(session, p, schedule))
        except ValidationError as exc:
            self.error = exc.message
            self._reload(p)
            return None
        self.error = ""
        return rx.toast.success(done, id="reminders-saved")

    @rx.event
    @guard("viewer", page=True)
    def load(self, p: Principal):
        self.error = ""
        self._reload(p)

    @rx.event
    @guard("admin")
    def set_enabled(self, p: Principal, on: bool):
        if not isinstance(on, bool):
            raise ValidationError("enabled", "Must be on or off.")
        return self._change(p, lambda s: s.update(enabled=on),
                            "Payment reminders are on." if on else "Payment reminders are off.")

    @rx.event
    @guard("admin")
    def save_step(self, p: Principal, form: dict):
        step = _step_of(form)

        def edit(schedule: dict) -> None:
            schedule["steps"][_index(form.get("index"), len(schedule["steps"]))] = step

        return self._change(p, edit, "Step saved.")

    @rx.event
    @guard("admin")
    def add_step(self, p: Principal, form: dict):
        step = _step_of(form)
        return self._change(p, lambda s: s["steps"].append(step), "Step added.")

    @rx.event
    @guard("admin")
    def remove_step(self, p: Principal, index: str):
        def edit(schedule: dict) -> None:
            del schedule["steps"][_index(index, len(schedule["steps"]))]

        return self._change(p, edit, "Step removed.")
