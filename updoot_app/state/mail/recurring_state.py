"""Recurring invoices: the list page (/invoices/recurring) with pause, resume and
end, and the invoice page's "Repeat" dialog (`RepeatState`): the schedules made
from this invoice, a new one, and for an invoice a schedule created, the note
that links it to its source."""

from __future__ import annotations

import reflex as rx

from updoot_app import db
from updoot_app.services.billing import invoices
from updoot_app.services.identity.access import Principal
from updoot_app.services.mail import recurring, recurring_reads
from updoot_app.services.platform.errors import DomainError, ValidationError
from updoot_app.state.app_state import AppState
from updoot_app.state.guard import guard

STATUS_CHANGES = {"pause": "paused", "resume": "active", "end": "ended"}
DONE = {"paused": "Schedule paused.", "active": "Schedule resumed.", "ended": "Schedule ended."}
_ON = ("on", "true", True)


def schedule_row(s: dict) -> dict[str, str]:
    return {"id": str(s["id"]), "invoice_id": str(s["invoice_id"]),
            "invoice_number": s["invoice_number"] or "",
            "frequency": recurring_reads.FREQUENCY_LABELS[s["frequency"]],
            "status": s["status"], "status_label": recurring_reads.STATUS_LABELS[s["status"]],
            "start_date": s["start_date"], "next_run_date": s["next_run_date"] or "—",
            "until": (f"until {s['end_date']}" if s["end_date"] else "")
            + (f"{' or ' if s['end_date'] else ''}{s['count']} invoices" if s["count"] else ""),
            "created": str(s["invoices_created"]),
            "email": "Emailed" if s["email_each"] else "Not emailed"}


def _status_of(action: object) -> str:
    if action not in STATUS_CHANGES:
        raise ValidationError("status", "Unknown change.")
    return STATUS_CHANGES[action]


class RecurringState(AppState):
    """/invoices/recurring: every schedule of the workspace."""

    rows: list[dict[str, str]] = []

    def _reload(self, p: Principal) -> None:
        with db.session_scope() as session:
            self.rows = [schedule_row(s)
                         for s in recurring_reads.list_schedules(session, p.workspace_id)]

    @rx.event
    @guard("viewer", page=True)
    def load(self, p: Principal):
        self._reload(p)

    @rx.event
    @guard("member")
    def change(self, p: Principal, schedule_id: str, action: str):
        status = _status_of(action)
        with db.session_scope() as session:
            recurring.update_schedule(session, p, schedule_id, {"status": status})
        self._reload(p)
        return rx.toast.success(DONE[status], id="recurring-changed")


class RepeatState(AppState):
    """The invoice page's part: "Repeat" and the schedules of this invoice, or the
    note on an invoice a schedule created."""

    can_repeat: bool = False
    schedules: list[dict[str, str]] = []
    origin: dict[str, str] = {}
    error: str = ""
    dialog_open: bool = False

    def _invoice_id(self) -> str:
        return self.router.page.params.get("invoice_id", "")

    def _reload(self, p: Principal) -> None:
        self.can_repeat, self.schedules, self.origin = False, [], {}
        try:
            with db.session_scope() as session:
                invoice = invoices.get_invoice(session, p.workspace_id, self._invoice_id())
                rows = recurring_reads.list_schedules(session, p.workspace_id,
                                                      invoice_id=invoice.id)
                origin = recurring_reads.origin_of(session, p.workspace_id, invoice.id)
        except DomainError:   # no such invoice: the invoice page says so
            return
        self.can_repeat = invoice.status not in ("draft", "void")
        self.schedules = [schedule_row(s) for s in rows]
        if origin:
            self.origin = {k: str(v) for k, v in origin.items()}

    @rx.event
    @guard("viewer")
    def load(self, p: Principal):
        self.error, self.dialog_open = "", False
        self._reload(p)

    @rx.event
    @guard("member")
    def set_dialog_open(self, p: Principal, is_open: bool):
        if not isinstance(is_open, bool):
            raise ValidationError("open", "Must be true or false.")
        self.dialog_open, self.error = is_open, ""

    @rx.event
    @guard("member")
    def create(self, p: Principal, form: dict):
        if not isinstance(form, dict):
            raise ValidationError("frequency", "Fill in the form.")
        data = {"invoice_id": self._invoice_id(), "frequency": form.get("frequency", ""),
                "start_date": form.get("start_date", ""),
                "end_date": form.get("end_date") or None, "count": form.get("count") or None,
                "email_each": form.get("email_each") in _ON}
        try:
            with db.session_scope() as session:
                recurring.create_schedule(session, p, data)
        except ValidationError as exc:
            self.error = exc.message
            return None
        self.error, self.dialog_open = "", False
        self._reload(p)
        return rx.toast.success("Repeating: the first invoice is made on the start date.",
                                id="recurring-created")

    @rx.event
    @guard("member")
    def change(self, p: Principal, schedule_id: str, action: str):
        status = _status_of(action)
        with db.session_scope() as session:
            recurring.update_schedule(session, p, schedule_id, {"status": status})
        self._reload(p)
        return rx.toast.success(DONE[status], id="recurring-changed")
