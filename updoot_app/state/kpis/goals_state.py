"""The goals page: set a goal (metric × segment × period → target, owner) and
see every goal's progress and pace."""

from __future__ import annotations

import reflex as rx

from updoot_app import db
from updoot_app.services.identity.access import Principal
from updoot_app.services.identity.workspaces import get_workspace
from updoot_app.services.kpis import goal_reads, goals
from updoot_app.services.kpis.metric_catalog import METRICS
from updoot_app.services.kpis.periods import PERIOD_KINDS
from updoot_app.services.kpis.segments import SEGMENT_LABELS
from updoot_app.services.platform.errors import ValidationError
from updoot_app.state.app_state import AppState
from updoot_app.state.guard import guard
from updoot_app.state.kpis.dashboard_state import goal_rows

METRIC_CHOICES = [{"value": k, "label": v[0]} for k, v in METRICS.items()]
SEGMENT_CHOICES = [{"value": k, "label": v} for k, v in SEGMENT_LABELS.items()]
PERIOD_CHOICES = [{"value": "month", "label": "Month"}, {"value": "quarter", "label": "Quarter"},
                  {"value": "year", "label": "Year"}, {"value": "custom", "label": "Custom range"}]


class GoalsState(AppState):
    goal_rows: list[dict[str, str]] = []
    owners: list[dict[str, str]] = []
    open_stages: list[dict[str, str]] = []
    form_error: str = ""
    form_key: int = 0
    period_kind: str = "month"
    metric: str = "revenue"

    def _fill(self, p: Principal) -> None:
        with db.session_scope() as session:
            currency = get_workspace(session, p).currency
            self.goal_rows = goal_rows(
                goals.goal_outs(session, goals.list_goals(session, p)), currency)
            self.owners = [{"value": str(user_id), "label": label} for user_id, label
                           in goal_reads.goal_owners(session, p.workspace_id)]
            self.open_stages = [{"value": str(stage_id), "label": name} for stage_id, name
                                in goal_reads.conversion_stages(session, p.workspace_id)]

    @rx.event
    @guard("viewer", page=True)
    def load(self, p: Principal):
        self.form_error = ""
        self._fill(p)

    @rx.event
    @guard("viewer")
    def set_period_kind(self, p: Principal, kind: str):
        self.period_kind = kind if kind in PERIOD_KINDS else "month"

    @rx.event
    @guard("viewer")
    def set_metric(self, p: Principal, metric: str):
        self.metric = metric if metric in METRICS else "revenue"

    @rx.event
    @guard("member")
    def create(self, p: Principal, form: dict):
        if not isinstance(form, dict):
            form = {}
        data = {k: form.get(k) for k in ("name", "metric", "segment_type", "segment_value",
                                        "period_kind", "start", "end", "target", "owner_id",
                                        "stage_id") if form.get(k) not in (None, "")}
        data.setdefault("metric", self.metric)
        data.setdefault("period_kind", self.period_kind)
        with db.session_scope() as session:
            try:
                goal = goals.create_goal(session, p, data)
            except ValidationError as exc:
                self.form_error = str(exc)
                return None
            label = goals.title(goal)
        self.form_error = ""
        self.form_key += 1
        self._fill(p)
        return rx.toast.success(f"Goal set: {label}.")

    @rx.event
    @guard("member")
    def delete(self, p: Principal, goal_id: str):
        with db.session_scope() as session:
            goals.delete_goal(session, p, goal_id)
        self._fill(p)
        return rx.toast.success("Goal deleted.")
