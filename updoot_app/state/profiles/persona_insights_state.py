"""/personas/[persona_id]: what sales conversations say about a persona (objections
heard lately, new ones worth adding, win rate with and without it in the buying
committee), and adding a suggested objection to it."""

from __future__ import annotations

import reflex as rx

from updoot_app import db
from updoot_app.services.crm import persona_insights
from updoot_app.services.identity.access import Principal
from updoot_app.services.profiles import personas
from updoot_app.state.app_state import AppState
from updoot_app.state.guard import guard


def _rate(side: dict) -> str:
    if not side["closed"]:
        return "no closed deals"
    return f"{round(100 * side['win_rate'])} % of {side['closed']} closed deals"


class PersonaInsightsState(AppState):
    persona: dict[str, str] = {}
    objection_rows: list[dict[str, str]] = []
    suggested: list[str] = []
    with_rate: str = ""
    without_rate: str = ""

    def _persona_id(self) -> str:
        return self.router.page.params.get("persona_id", "")

    def _fill(self, p: Principal) -> None:
        with db.session_scope() as session:
            out = persona_insights.persona_insights(session, p, self._persona_id())
            persona = personas.get_persona(session, p, out["persona_id"])
            self.persona = {"id": str(persona.id), "name": persona.name,
                            "role_title": persona.role_title, "icp_id": str(persona.icp_id)}
        self.objection_rows = [
            {"objection": r["objection"], "count_90d": str(r["count_90d"]),
             "last_seen": (r["last_seen"] or "")[:10] or "—",
             "source": "on the persona" if r["on_persona"] else "heard, not on the persona"}
            for r in out["objections"]]
        self.suggested = [r["objection"] for r in out["suggested"]]
        self.with_rate = _rate(out["committee"]["with"])
        self.without_rate = _rate(out["committee"]["without"])

    @rx.event
    @guard("viewer", page=True)
    def load(self, p: Principal):
        self._fill(p)

    @rx.event
    @guard("member")
    def add_objection(self, p: Principal, objection: str):
        if not isinstance(objection, str) or objection not in self.suggested:
            return rx.toast.error("That objection is not among the suggestions.")
        with db.session_scope() as session:
            persona = personas.get_persona(session, p, self._persona_id())
            personas.update_persona(session, p, persona.id, {
                "objections": [*(persona.objections or []), objection]})
        self._fill(p)
        return rx.toast.success(f"Added to {self.persona.get('name', 'the persona')}.")
