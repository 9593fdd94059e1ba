"""One deal: details, stage moves (Lost asks for a reason), stage history, the
buying committee with its role coverage, and the interaction log."""

from __future__ import annotations

import reflex as rx

from updoot_app import db
from updoot_app.services.crm import (
    buying_committee,
    deal_moves,
    deal_reads,
    deals,
    interactions,
    pipeline_view,
)
from updoot_app.services.crm.stages import get_stage, list_stages
from updoot_app.services.identity.access import Principal
from updoot_app.services.platform.errors import ValidationError
from updoot_app.services.platform.validation import clean_id
from updoot_app.state.app_state import AppState
from updoot_app.state.competitors.deal_competitor_panel_state import DealCompetitorsState
from updoot_app.state.guard import guard

LOG_PAGE_SIZE = 25
KIND_LABELS = {"call": "Call", "email": "Email", "meeting": "Meeting", "note": "Note",
               "stage_change": "Stage change"}


def _join(items: list[str]) -> str:
    return " · ".join(items) or "—"


class DealState(AppState):
    deal: dict[str, str] = {}
    stage_options: list[dict[str, str]] = []
    history: list[dict[str, str]] = []
    committee: list[dict[str, str]] = []
    roles: list[dict[str, str]] = []
    coverage_mark: str = ""
    candidates: list[dict[str, str]] = []
    log_rows: list[dict[str, str]] = []
    log_total: int = 0
    log_error: str = ""
    log_form_key: int = 0
    lost_open: bool = False
    lost_error: str = ""
    _pending_stage: int = 0

    def _deal_id(self) -> str:
        return self.router.page.params.get("deal_id", "")

    def _fill(self, session, p: Principal) -> None:
        deal = deal_reads.get_deal(session, p.workspace_id, self._deal_id())
        row = deal_reads.deal_dict(session, deal)
        card = pipeline_view.card(row, None)
        self.deal = {**card,
                     "currency": row["currency"],
                     "created": pipeline_view.when(row["created_at"]),
                     "expected_close": row["expected_close"].isoformat()
                     if row["expected_close"] else "",
                     "lost_reason": row["lost_reason"] or "",
                     "owner_email": row["owner_email"] or ""}
        self.stage_options = [{"id": str(s.id), "name": s.name, "kind": s.kind}
                              for s in list_stages(session, p.workspace_id)]
        history = deal_reads.stage_history(session, p.workspace_id, deal.id)
        self.history = [{"from": h["from_stage"] or "—", "to": h["to_stage"] or "—",
                         "when": h["changed_at"].strftime("%Y-%m-%d %H:%M"),
                         "who": pipeline_view.owner_label(h["user_email"])}
                        for h in reversed(history)]
        cov = buying_committee.coverage(session, p.workspace_id, deal.id)
        self.coverage_mark = cov["mark"]
        self.committee = [{
            "contact_id": str(c["contact_id"]), "name": c["name"], "title": c["title"],
            "persona": c["persona_name"] or "No persona yet",
            "role": c["buying_role"] or "", "role_label": c["role_label"] or "no role",
            "goals": _join(c["goals"]), "objections": _join(c["objections"]),
            "channels": _join(c["channels"]),
        } for c in cov["contacts"]]
        self.roles = [{"role": r["role"], "label": r["label"].capitalize(),
                       "present": "yes" if r["present"] else "",
                       "helpful": "yes" if r["helpful"] else "",
                       "who": ", ".join(r["contacts"])} for r in cov["roles"]]
        self.candidates = [{"id": str(c["contact_id"]),
                            "label": c["name"] + (f" — {c['persona_name']}"
                                                  if c["persona_name"] else "")}
                           for c in buying_committee.candidates(session, p.workspace_id,
                                                                deal.id)]
        rows, total = interactions.list_interactions(session, p.workspace_id, deal_id=deal.id,
                                                     page=1, page_size=LOG_PAGE_SIZE)
        self.log_total = total
        self.log_rows = [{"id": str(r["id"]), "kind": r["kind"],
                          "kind_label": KIND_LABELS.get(r["kind"], r["kind"]),
                          "when": r["occurred_at"].strftime("%Y-%m-%d %H:%M"),
                          "summary": r["summary"], "outcome": r["outcome"],
                          "who": pipeline_view.owner_label(r["user_email"])} for r in rows]

    @rx.event
    @guard("viewer", page=True)
    def load(self, p: Principal):
        self.lost_open = False
        self.lost_error = ""
        self.log_error = ""
        self.deal = {}
        with db.session_scope() as session:
            self._fill(session, p)
        # The competitors panel (battlecards) of the same deal loads next.
        return DealCompetitorsState.load_for_deal(self.deal.get("id", ""))

    def _reload(self, p: Principal) -> None:
        with db.session_scope() as session:
            self._fill(session, p)

    @rx.event
    @guard("member")
    def move_to(self, p: Principal, stage_id: str):
        sid = clean_id(stage_id, "stage_id")
        with db.session_scope() as session:
            kind = get_stage(session, p.workspace_id, sid).kind
            if kind == "lost":  # the reason first: the move happens in confirm_lost
                if self.deal.get("stage_id") == str(sid):
                    return None
                self._pending_stage = sid
                self.lost_error = ""
                self.lost_open = True
                return None
            deals.move_stage(session, p, self._deal_id(), sid)
            self._fill(session, p)
        if kind == "won":
            return rx.toast.success("Won! Close date recorded.")
        return None

    @rx.event
    @guard("member")
    def confirm_lost(self, p: Principal, form: dict):
        reason = form.get("lost_reason", "") if isinstance(form, dict) else ""
        if not self._pending_stage:
            self.lost_open = False
            return None
        try:
            reason = deal_moves.asked_lost_reason(reason)
            with db.session_scope() as session:
                deals.move_stage(session, p, self._deal_id(), self._pending_stage, reason)
                self._fill(session, p)
        except ValidationError as exc:
            self.lost_error = str(exc)
            return None
        self._pending_stage = 0
        self.lost_open = False
        return None

    @rx.event
    @guard("member")
    def lost_dialog_change(self, p: Principal, is_open: bool):
        if not is_open:
            self._pending_stage = 0
            self.lost_open = False
            self.lost_error = ""

    @rx.event
    @guard("member")
    def add_contact(self, p: Principal, contact_id: str):
        with db.session_scope() as session:
            buying_committee.add_contact(session, p, self._deal_id(), contact_id)
        self._reload(p)

    @rx.event
    @guard("member")
    def remove_contact(self, p: Principal, contact_id: str):
        with db.session_scope() as session:
            buying_committee.remove_contact(session, p, self._deal_id(), contact_id)
        self._reload(p)

    @rx.event
    @guard("member")
    def log_interaction(self, p: Principal, form: dict):
        if not isinstance(form, dict):
            self.log_error = "Fill in the form."
            return None
        data = {"kind": form.get("kind") or "call", "summary": form.get("summary", ""),
                "outcome": form.get("outcome", ""), "occurred_at": form.get("occurred_at", ""),
                "deal_id": self._deal_id()}
        try:
            with db.session_scope() as session:
                interactions.log_interaction(session, p, data)
        except ValidationError as exc:
            self.log_error = str(exc)
            return None
        self.log_error = ""
        self.log_form_key += 1
        self._reload(p)
        return rx.toast.success(f"{KIND_LABELS.get(data['kind'], 'Interaction')} logged.")


