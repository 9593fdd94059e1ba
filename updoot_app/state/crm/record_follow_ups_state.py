"""Follow-ups on a company's and a deal's page, and the company's buying signals
("Record a signal", and what its fit explanation says about its triggers)."""

from __future__ import annotations

import reflex as rx

from updoot_app import db
from updoot_app.services.crm import follow_up_view, signals
from updoot_app.services.crm.companies import get_company
from updoot_app.services.crm.deal_reads import get_deal
from updoot_app.services.identity.access import Principal
from updoot_app.services.platform.errors import NotFound, ValidationError
from updoot_app.services.platform.validation import form_text
from updoot_app.state.app_state import AppState
from updoot_app.state.crm.company_state import CompanyState
from updoot_app.state.crm.follow_up_dialogs import FollowUpDialogs
from updoot_app.state.guard import guard


class CompanyFollowUpsState(FollowUpDialogs, AppState):
    company_id: str = ""
    rows: list[dict[str, str]] = []
    signal_rows: list[dict[str, str]] = []
    evidence: list[dict[str, str]] = []
    trigger_options: list[str] = []
    signal_open: bool = False
    signal_error: str = ""

    def _read(self, p: Principal) -> None:
        raw = self.router.page.params.get("company_id", "")
        try:
            with db.session_scope() as session:
                company = get_company(session, p.workspace_id, raw)
                ws = p.workspace_id
                self.rows = follow_up_view.follow_up_rows(session, ws, company_id=company.id)
                self.signal_rows = follow_up_view.signal_rows(session, ws, company.id)
                self.evidence = signals.trigger_evidence(session, ws, company.id)
                self.company_id = str(company.id)
        except (NotFound, ValidationError):
            self.company_id, self.rows, self.signal_rows, self.evidence = "", [], [], []

    def _after_change(self, p: Principal) -> None:
        self._read(p)

    @rx.event
    @guard("viewer")
    def load(self, p: Principal):
        self.fu_open = self.done_open = self.signal_open = False
        self._read(p)

    @rx.event
    @guard("member", writes=False)
    def open_signal(self, p: Principal):
        with db.session_scope() as session:
            self.trigger_options = signals.trigger_options(session, p.workspace_id)
        self.signal_error = ""
        self.fu_key += 1
        self.signal_open = True

    @rx.event
    @guard("member")
    def record_signal(self, p: Principal, form: dict):
        data = form_text(form, ("trigger", "other_trigger", "occurred_on", "note"))
        trigger = data.pop("other_trigger") or data["trigger"]
        try:
            with db.session_scope() as session:
                signals.record_signal(session, p, self.company_id, {**data, "trigger": trigger})
        except ValidationError as exc:
            self.signal_error = str(exc)
            return None
        self.signal_open, self.signal_error = False, ""
        self._read(p)
        # The company's stored fit follows its signals: its badge is read again.
        return [rx.toast.success("Signal recorded."), CompanyState.load]

    @rx.event
    @guard("viewer", writes=False)
    def signal_dialog_change(self, p: Principal, is_open: bool):
        if not is_open:
            self.signal_open = False

    @rx.event
    @guard("member")
    def delete_signal(self, p: Principal, signal_id: str):
        with db.session_scope() as session:
            signals.delete_signal(session, p, signal_id)
        self._read(p)
        return CompanyState.load


class DealFollowUpsState(FollowUpDialogs, AppState):
    deal_id: str = ""
    company_id: str = ""
    rows: list[dict[str, str]] = []
    next_step: dict[str, str] = {}

    def _read(self, p: Principal) -> None:
        raw = self.router.page.params.get("deal_id", "")
        try:
            with db.session_scope() as session:
                deal = get_deal(session, p.workspace_id, raw)
                self.rows = follow_up_view.follow_up_rows(session, p.workspace_id,
                                                          deal_id=deal.id)
                self.next_step = follow_up_view.deal_next_step(session, p.workspace_id, deal.id)
                self.deal_id, self.company_id = str(deal.id), str(deal.company_id)
        except (NotFound, ValidationError):
            self.deal_id, self.company_id, self.rows, self.next_step = "", "", [], {}

    def _after_change(self, p: Principal) -> None:
        self._read(p)

    @rx.event
    @guard("viewer")
    def load(self, p: Principal):
        self.fu_open = self.done_open = False
        self._read(p)
