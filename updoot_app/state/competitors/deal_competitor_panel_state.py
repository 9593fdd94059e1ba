"""The competitors panel of one deal (`DealCompetitorsState`): the battlecards of
the competitors present on it, attach and detach. Also `battlecard_dict`, the
strings one battlecard is shown from (here and on the competitor's own page).

The panel sits on the deal page and on /deals/[deal_id]/competitors
(`components.deal_competitors.deal_competitors_panel()`); each page's load
handler calls `DealCompetitorsState.load_for_deal(deal_id)`.
"""

from __future__ import annotations

import reflex as rx

from updoot_app import db
from updoot_app.services.competitors import battlecards, deal_links, win_loss
from updoot_app.services.crm import deal_reads
from updoot_app.services.identity.access import Principal
from updoot_app.state.app_state import AppState
from updoot_app.state.guard import guard


def battlecard_dict(session, workspace_id: int, competitor, win: dict | None = None
                    ) -> dict[str, str]:
    """One battlecard as strings for `components.battlecard` (HTML already sanitised)."""
    out = battlecards.competitor_out(session, competitor)
    win = win or win_loss.summary(session, workspace_id, competitor.id)
    target = battlecards.describe_target(out["target"])
    reviewed = "Never reviewed"
    if out["reviewed_at"]:
        who = out["reviewed_by_email"] or "a former member"
        reviewed = f"Reviewed {out['reviewed_at'][:10]} by {who}"
    card = {"id": str(out["id"]), "name": out["name"], "website": out["website"],
            "reviewed": reviewed, "win_label": win["label"],
            "win_detail": f"won {win['won']} · lost {win['lost']} · open {win.get('open', 0)}",
            "target_industries": target["industries"] or "—",
            "target_employees": target["employees"] or "—",
            "target_geography": target["geography"] or "—",
            "target_segments": target["segments"] or "—"}
    for key, html in out["html"].items():
        card[f"{key}_html"] = html
    return card


class DealCompetitorsState(AppState):
    deal_id: str = ""
    cards: list[dict[str, str]] = []
    options: list[dict[str, str]] = []
    choice: str = ""
    panel_error: str = ""

    def _fill(self, session, p: Principal, deal_id: object) -> None:
        deal = deal_reads.get_deal(session, p.workspace_id, deal_id)
        on_deal = deal_links.competitors_on_deal(session, p.workspace_id, deal.id)
        sums = win_loss.summaries(session, p.workspace_id)
        empty = win_loss.no_deals_summary()
        self.deal_id = str(deal.id)
        self.cards = [battlecard_dict(session, p.workspace_id, c, sums.get(c.id, empty))
                      for c in on_deal]
        present = {c.id for c in on_deal}
        self.options = [{"id": str(c.id), "name": c.name}
                        for c in battlecards.list_competitors(session, p.workspace_id)
                        if c.id not in present]
        self.choice = ""

    @rx.event
    @guard("viewer")
    def load_for_deal(self, p: Principal, deal_id: str):
        self.panel_error = ""
        self.cards, self.options, self.deal_id = [], [], ""
        with db.session_scope() as session:
            self._fill(session, p, deal_id)

    @rx.event
    @guard("member")
    def set_choice(self, p: Principal, value: str):
        self.choice = value if isinstance(value, str) else ""

    @rx.event
    @guard("member")
    def attach(self, p: Principal, competitor_id: str = ""):
        chosen = competitor_id or self.choice
        if not chosen:
            self.panel_error = "Choose a competitor to add."
            return None
        with db.session_scope() as session:
            deal_links.attach(session, p, self.deal_id, chosen)
        with db.session_scope() as session:
            self._fill(session, p, self.deal_id)
        self.panel_error = ""
        return rx.toast.success("Competitor added to this deal.")

    @rx.event
    @guard("member")
    def detach(self, p: Principal, competitor_id: str):
        with db.session_scope() as session:
            deal_links.detach(session, p, self.deal_id, competitor_id)
        with db.session_scope() as session:
            self._fill(session, p, self.deal_id)
        return rx.toast.success("Competitor removed from this deal.")
