"""The follow-up dialogs every page with follow-ups shares (Today, a company, a
deal): new follow-up, done (log it, schedule the next), snooze, reopen.

A mixin: each page's state takes its own copy of these vars and handlers and
says, in `_after_change`, what to read again. The rows a dialog works on (the
company, deal and contact of a new follow-up, the follow-up being completed)
stay on the server (`_fu_links`, `_done_id`); the browser sends only ids, which
the services check against the workspace.
"""

from __future__ import annotations

import reflex as rx

from updoot_app import db
from updoot_app.services.crm import follow_up_reads, follow_up_view, follow_ups, options
from updoot_app.services.crm import today as engine
from updoot_app.services.identity.access import Principal
from updoot_app.services.platform.errors import ValidationError
from updoot_app.services.platform.validation import clean_id, form_text
from updoot_app.state.guard import guard

FORM_KEYS = ("title", "type", "due_on", "due_at", "assignee_id", "notes")
LOG_KINDS = ("call", "email", "meeting", "note")
NO_LOG = "none"


def optional_id(raw: object, field: str) -> int | None:
    return None if raw in (None, "") else clean_id(raw, field)


class FollowUpDialogs(rx.State, mixin=True):
    fu_open: bool = False
    fu_error: str = ""
    fu_key: int = 0
    fu_defaults: dict[str, str] = {}
    assignee_options: list[dict[str, str]] = []
    done_open: bool = False
    done_error: str = ""
    done_title: str = ""
    done_next: dict[str, str] = {}
    _fu_links: dict[str, int | None] = {}
    _done_id: int = 0

    def _after_change(self, p: Principal) -> None:
        """Read the page's data again after a follow-up changed (each page's own)."""

    def _open_new(self, session, p: Principal, company_id: int | None,
                  deal_id: int | None) -> None:
        self._fu_links = {"company_id": company_id, "deal_id": deal_id}
        self.fu_defaults = {**follow_up_view.suggestion(session, p.workspace_id, company_id,
                                                        deal_id),
                            "assignee_id": str(p.user_id)}
        self.assignee_options = options.owners(session, p.workspace_id)
        self.fu_error = ""
        self.fu_key += 1
        self.fu_open = True

    @rx.event
    @guard("member", writes=False)  # opens the dialog: reads only
    def new_follow_up(self, p: Principal, company_id: str, deal_id: str):
        company, deal = optional_id(company_id, "company_id"), optional_id(deal_id, "deal_id")
        with db.session_scope() as session:
            self._open_new(session, p, company, deal)

    @rx.event
    @guard("member")
    def save_follow_up(self, p: Principal, form: dict):
        data = form_text(form, FORM_KEYS)
        try:
            with db.session_scope() as session:
                follow_ups.create_follow_up(session, p, {**self._fu_links, **data})
        except ValidationError as exc:
            self.fu_error = str(exc)
            return None
        self.fu_open, self.fu_error = False, ""
        self._after_change(p)
        return rx.toast.success("Follow-up scheduled.")

    @rx.event
    @guard("viewer", writes=False)
    def follow_up_dialog_change(self, p: Principal, is_open: bool):
        if not is_open:
            self.fu_open = False

    @rx.event
    @guard("member", writes=False)  # opens the dialog: nothing is done until it is saved
    def start_done(self, p: Principal, follow_up_id: str):
        with db.session_scope() as session:
            row = follow_up_reads.get_follow_up(session, p.workspace_id, follow_up_id)
            today = follow_up_reads.workspace_today(session, p.workspace_id)
        self._done_id = row.id
        self.done_title = row.title
        self.done_next = engine.propose_next(row.title, row.kind, today)
        self.done_error = ""
        self.fu_key += 1
        self.done_open = True

    @rx.event
    @guard("member")
    def finish_done(self, p: Principal, form: dict):
        data = form_text(form, ("log_kind", "summary", "next_title", "next_type",
                                  "next_due_on"))
        schedule = isinstance(form, dict) and form.get("schedule_next") in ("on", "true", True)
        log = None if data["log_kind"] in ("", NO_LOG) else \
            {"kind": data["log_kind"], "summary": data["summary"]}
        nxt = {"title": data["next_title"], "type": data["next_type"],
               "due_on": data["next_due_on"]} if schedule else None
        if not self._done_id:
            self.done_open = False
            return None
        try:
            with db.session_scope() as session:
                follow_ups.complete_and_continue(session, p, self._done_id, log=log,
                                                 next_step=nxt)
        except ValidationError as exc:
            self.done_error = str(exc)
            return None
        self._done_id, self.done_open, self.done_error = 0, False, ""
        self._after_change(p)
        return rx.toast.success("Done." + (" Next one scheduled." if nxt else ""))

    @rx.event
    @guard("viewer", writes=False)
    def done_dialog_change(self, p: Principal, is_open: bool):
        if not is_open:
            self._done_id, self.done_open = 0, False

    @rx.event
    @guard("member")
    def snooze(self, p: Principal, follow_up_id: str, until: str):
        with db.session_scope() as session:
            follow_ups.snooze_follow_up(session, p, follow_up_id, until)
        self._after_change(p)
        return rx.toast.success("Snoozed.")

    @rx.event
    @guard("member")
    def reopen(self, p: Principal, follow_up_id: str):
        with db.session_scope() as session:
            follow_ups.reopen_follow_up(session, p, follow_up_id)
        self._after_change(p)
