"""State of the page /deals/[deal_id]/competitors (`DealPageState`): the deal's
title and stage, and its "Mark as lost" button. The competitors panel on that
page has its own state, `DealCompetitorsState` (deal_competitor_panel_state.py),
which this one loads after the deal.
"""

from __future__ import annotations

import reflex as rx

from updoot_app import db
from updoot_app.services.competitors import deal_links
from updoot_app.services.crm import deal_reads
from updoot_app.services.identity.access import Principal
from updoot_app.state.app_state import AppState
from updoot_app.state.competitors.deal_competitor_panel_state import DealCompetitorsState
from updoot_app.state.guard import guard


class DealPageState(AppState):
    deal: dict[str, str] = {}
    lost_reason: str = ""

    def _deal_id(self) -> str:
        return self.router.page.params.get("deal_id", "")

    def _fill(self, session, p: Principal) -> None:
        row = deal_reads.deal_dict(session,
                                   deal_reads.get_deal(session, p.workspace_id, self._deal_id()))
        self.deal = {"id": str(row["id"]), "title": row["title"],
                     "company": row["company_name"], "stage": row["stage"],
                     "stage_kind": row["stage_kind"], "lost_reason": row["lost_reason"] or ""}

    @rx.event
    @guard("viewer", page=True)
    def load(self, p: Principal):
        self.deal = {}
        with db.session_scope() as session:
            self._fill(session, p)
        return DealCompetitorsState.load_for_deal(self.deal["id"])

    @rx.event
    @guard("member")
    def set_lost_reason(self, p: Principal, value: str):
        self.lost_reason = value[:300] if isinstance(value, str) else ""

    @rx.event
    @guard("member")
    def mark_lost(self, p: Principal):
        with db.session_scope() as session:
            deal_links.mark_lost(session, p, self._deal_id(), self.lost_reason)
        with db.session_scope() as session:
            self._fill(session, p)
        return [rx.toast.success("Deal marked as lost."),
                DealCompetitorsState.load_for_deal(self.deal["id"])]
