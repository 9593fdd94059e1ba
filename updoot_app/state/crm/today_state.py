"""/today: the ranked list of who to contact now, each line with its reason and
one-click actions (a follow-up, a deal, an interaction); done and snooze on the
follow-up lines. Only the LIMIT lines shown go to the browser."""

from __future__ import annotations

import reflex as rx

from updoot_app import db
from updoot_app.services.crm import deals, follow_up_view, interactions, today_reads
from updoot_app.services.crm.companies import get_company
from updoot_app.services.identity.access import Principal
from updoot_app.services.mail import today_digest
from updoot_app.services.platform.errors import ValidationError
from updoot_app.services.platform.validation import clean_id, form_text
from updoot_app.state.app_state import AppState
from updoot_app.state.crm.follow_up_dialogs import FollowUpDialogs, optional_id
from updoot_app.state.guard import guard


class TodayState(FollowUpDialogs, AppState):
    lines: list[dict[str, str]] = []
    scope: str = ""
    loaded: bool = False
    log_open: bool = False
    log_error: str = ""
    log_heading: str = ""
    digest: bool = False
    _log_links: dict[str, int | None] = {}

    def _read(self, p: Principal) -> None:
        with db.session_scope() as session:
            items = today_reads.today_items(session, p, scope=self.scope or None)
            self.digest = today_digest.wants_digest(session, p)
        self.lines = [follow_up_view.line(i) for i in items]
        self.loaded = True

    def _after_change(self, p: Principal) -> None:
        self._read(p)

    @rx.event
    @guard("viewer", page=True)
    def load(self, p: Principal):
        self.fu_open = self.done_open = self.log_open = False
        if self.scope == "team" and not p.can("admin"):
            self.scope = ""
        self._read(p)

    @rx.event
    @guard("viewer")
    def set_scope(self, p: Principal, scope: str | list[str]):
        if scope not in today_reads.SCOPES:
            raise ValidationError("scope", "Scope must be mine or team.")
        before, self.scope = self.scope, scope
        try:
            self._read(p)
        except Exception:
            self.scope = before
            raise

    @rx.event
    @guard("viewer", writes=True)
    def set_digest(self, p: Principal, on: bool):
        with db.session_scope() as session:
            self.digest = today_digest.set_digest(session, p, on)
        return rx.toast.success("You will get this list by email every morning." if on
                                else "No more morning emails.")

    @rx.event
    @guard("member")
    def make_deal(self, p: Principal, company_id: str):
        """A deal for the line's company (first open stage), then the follow-up
        dialog for it: a deal without a next step is what Today flags next."""
        with db.session_scope() as session:
            company = get_company(session, p.workspace_id, clean_id(company_id, "company_id"))
            deal = deals.create_deal(session, p, {"company_id": company.id,
                                                  "title": company.name})
            self._open_new(session, p, company.id, deal.id)
        self._read(p)
        return rx.toast.success("Deal added to the pipeline.")

    @rx.event
    @guard("member", writes=False)
    def start_log(self, p: Principal, company_id: str, deal_id: str):
        self._log_links = {"company_id": optional_id(company_id, "company_id"),
                           "deal_id": optional_id(deal_id, "deal_id")}
        self.log_error = ""
        self.fu_key += 1
        self.log_open = True

    @rx.event
    @guard("member")
    def save_log(self, p: Principal, form: dict):
        data = form_text(form, ("kind", "summary", "outcome"))
        try:
            with db.session_scope() as session:
                interactions.log_interaction(session, p, {
                    **{k: v for k, v in self._log_links.items() if v}, **data})
        except ValidationError as exc:
            self.log_error = str(exc)
            return None
        self.log_open, self.log_error = False, ""
        self._read(p)
        return rx.toast.success("Logged.")

    @rx.event
    @guard("viewer", writes=False)
    def log_dialog_change(self, p: Principal, is_open: bool):
        if not is_open:
            self.log_open = False
