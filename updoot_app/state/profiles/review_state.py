""""Time to review": the active ICPs due for review, with the reason, on the profiles
page and the dashboard."""

from __future__ import annotations

import reflex as rx

from updoot_app import db
from updoot_app.services.identity.access import Principal
from updoot_app.services.kpis import icp_history
from updoot_app.state.app_state import AppState
from updoot_app.state.guard import guard


class ReviewPromptsState(AppState):
    review_rows: list[dict[str, str]] = []

    @rx.event
    @guard("viewer")
    def load(self, p: Principal):
        with db.session_scope() as session:
            prompts = icp_history.review_prompts(session, p)
        self.review_rows = [{"id": str(r["icp_id"]), "name": r["name"],
                             "reason": " ".join(r["reasons"])} for r in prompts]
