"""The wizard's backtest before saving: the draft being edited beside the active
ICPs, on the workspace's closed deals. A substate of the wizard, so that the
wizard itself does not change: it reads the wizard's draft."""

from __future__ import annotations

import asyncio

import reflex as rx

from updoot_app import db
from updoot_app.services.identity.access import Principal
from updoot_app.services.kpis import icp_history
from updoot_app.services.platform.errors import ValidationError
from updoot_app.services.profiles import wizard_draft
from updoot_app.state.guard import guard
from updoot_app.state.profiles.icp_suggest_state import backtest_rows
from updoot_app.state.profiles.icp_wizard_state import IcpWizardState


def _backtest(p: Principal, payload: dict) -> dict:
    with db.session_scope() as session:
        return icp_history.backtest_draft(session, p, payload)


class WizardBacktestState(IcpWizardState):
    wb_tiers: list[dict[str, str]] = []
    wb_figures: list[dict[str, str]] = []
    wb_error: str = ""

    @rx.event
    @guard("member")
    async def run_backtest(self, p: Principal):
        try:
            payload = wizard_draft.payload_from_draft(self._as_draft())
            out = await asyncio.to_thread(_backtest, p, payload)  # pandas: off the loop
        except ValidationError as exc:
            self.wb_error, self.wb_tiers, self.wb_figures = str(exc), [], []
            return
        self.wb_error = ""
        self.wb_tiers, self.wb_figures = backtest_rows(out, out["current"], learned=False)
