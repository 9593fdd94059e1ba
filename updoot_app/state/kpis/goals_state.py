"""The goals page: set a goal (metric × segment × period → target, owner) and
see every goal's progress and pace."""

from __future__ import annotations

import reflex as rx
from sqlmodel import select

from updoot_app import db
from updoot_app.models import Membership, User
from updoot_app.services.crm import stages
from updoot_app.services.identity.access import Principal
from updoot_app.services.identity.workspaces import get_workspace
from updoot_app.services.kpis import goals
from updoot_app.services.kpis import metrics as kpis
from updoot_app.services.platform.errors import ValidationError
from updoot_app.state.app_state import AppState
from updoot_app.state.guard import guard
from updoot_app.state.kpis.dashboard_state import goal_rows

METRIC_CHOICES = [{"value": k, "label": v[0]} for k, v in kpis.METRICS.items()]
SEGMENT_CHOICES = [{"value": k, "label": v} for k, v in kpis.SEGMENT_LABELS.items()]
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
            members = session.exec(
                select(User.id, User.name, User.email).join(
                    Membership, Membership.user_id == User.id)
                .where(Membership.workspace_id == p.workspace_id).order_by(User.email)).all()
            self.owners = [{"value": str(i), "label": name or email} for i, name, email in members]
            self.open_stages = [{"value": str(s.id), "label": s.name}
                                for s in stages.list_stages(session, p.workspace_id)
                                if s.kind == "open"]

    @rx.event
    @guard("viewer", page=True)
    def load(self, p: Principal):
        self.form_error = ""
        self._fill(p)

    @rx.event
    @guard("viewer")
    def set_period_kind(self, p: Principal, kind: str):
        self.period_kind = kind if kind in kpis.PERIOD_KINDS else "month"

    @rx.event
    @guard("viewer")
    def set_metric(self, p: Principal, metric: str):
        self.metric = metric if metric in kpis.METRICS else "revenue"

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
