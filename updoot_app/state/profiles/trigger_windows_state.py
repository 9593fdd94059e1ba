"""The ICP wizard's "signals stay fresh for" field: how many days a buying signal
of each trigger counts as fresh (services/crm/signals.py)."""

from __future__ import annotations

import reflex as rx

from updoot_app import db
from updoot_app.services.crm import signals
from updoot_app.services.identity.access import Principal
from updoot_app.services.platform.errors import ValidationError
from updoot_app.state.app_state import AppState
from updoot_app.state.guard import guard


class TriggerWindowsState(AppState):
    windows_text: str = ""
    windows_error: str = ""
    windows_key: int = 0

    def _read(self, p: Principal) -> None:
        with db.session_scope() as session:
            self.windows_text = signals.windows_text(session, p.workspace_id)
        self.windows_key += 1

    @rx.event
    @guard("viewer")
    def load(self, p: Principal):
        self.windows_error = ""
        self._read(p)

    @rx.event
    @guard("member")
    def save_windows(self, p: Principal, form: dict):
        text = form.get("windows", "") if isinstance(form, dict) else None
        try:
            with db.session_scope() as session:
                signals.replace_trigger_windows(session, p, text)
        except ValidationError as exc:
            self.windows_error = str(exc)
            return None
        self.windows_error = ""
        self._read(p)
        return rx.toast.success("Freshness windows saved.")
