"""Pipeline stage settings: rename, probability, order, add, delete."""

from __future__ import annotations

import reflex as rx

from updoot_app import db
from updoot_app.services.crm import stages
from updoot_app.services.identity.access import Principal
from updoot_app.services.identity.workspaces import get_workspace
from updoot_app.services.platform.errors import ValidationError
from updoot_app.state.app_state import AppState
from updoot_app.state.guard import guard


class StagesState(AppState):
    stage_rows: list[dict[str, str]] = []
    stale_after_days: int = 0
    error: str = ""
    version: int = 0  # bumps the inputs' keys when the stored values change

    def _fill(self, session, p: Principal) -> None:
        rows = stages.list_stages(session, p.workspace_id)
        last = len(rows) - 1
        self.stage_rows = [{"id": str(s.id), "name": s.name, "probability": str(s.probability),
                            "kind": s.kind, "first": "yes" if i == 0 else "",
                            "last": "yes" if i == last else ""}
                           for i, s in enumerate(rows)]
        self.stale_after_days = get_workspace(session, p).stale_after_days
        self.version += 1

    def _reload(self, p: Principal) -> None:
        with db.session_scope() as session:
            self._fill(session, p)

    @rx.event
    @guard("viewer", page=True)
    def load(self, p: Principal):
        self.error = ""
        self._reload(p)

    def _try(self, p: Principal, fn, *args):
        try:
            with db.session_scope() as session:
                fn(session, p, *args)
        except ValidationError as exc:
            self.error = str(exc)
            self._reload(p)
            return None
        self.error = ""
        self._reload(p)
        return rx.toast.success("Saved.", id="stage-saved")

    @rx.event
    @guard("member")
    def rename(self, p: Principal, stage_id: str, name: str):
        return self._try(p, stages.rename_stage, stage_id, name)

    @rx.event
    @guard("member")
    def set_probability(self, p: Principal, stage_id: str, value: str):
        return self._try(p, stages.set_probability, stage_id, value)

    @rx.event
    @guard("member")
    def move(self, p: Principal, stage_id: str, delta: int):
        with db.session_scope() as session:
            order = stages.shifted_order(session, p.workspace_id, stage_id, delta)
        if order is None:
            return None
        return self._try(p, stages.reorder_stages, order)

    @rx.event
    @guard("member")
    def add(self, p: Principal, form: dict):
        if not isinstance(form, dict):
            raise ValidationError("name", "Fill in the form.")
        return self._try(p, stages.create_stage, form.get("name", ""),
                         form.get("probability", "0") or "0")

    @rx.event
    @guard("member")
    def delete(self, p: Principal, stage_id: str):
        return self._try(p, stages.delete_stage, stage_id)
