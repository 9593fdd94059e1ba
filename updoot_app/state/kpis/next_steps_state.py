"""The dashboard's "next steps" figures: open deals without a follow-up (the
pipeline's "no next step" filter shows them) and follow-ups done this month."""

from __future__ import annotations

import reflex as rx

from updoot_app import db
from updoot_app.services.identity.access import Principal
from updoot_app.services.kpis import follow_up_figures
from updoot_app.services.kpis.periods import parse_period
from updoot_app.state.app_state import AppState
from updoot_app.state.guard import guard


class NextStepsState(AppState):
    without_next_step: str = ""
    next_step_hint: str = ""
    done_this_month: str = ""

    @rx.event
    @guard("viewer")
    def load(self, p: Principal):
        with db.session_scope() as session:
            share = follow_up_figures.next_step_share(session, p.workspace_id)
            done = follow_up_figures.follow_ups_done(session, p.workspace_id,
                                                     parse_period("month"))
        self.without_next_step = str(share["without_next_step"])
        self.next_step_hint = (f"of {share['open_deals']} open deals; "
                               f"{round(100 * share['share'])}% have one"
                               if share["share"] is not None else "no open deal")
        self.done_this_month = str(sum(row["done"] for row in done))
