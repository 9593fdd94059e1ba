""""Send by email" on the quote editor and the invoice page, and the document's
mail history below it (one state for both pages: the page's URL says which
document, as the pages' own states read it).

The dialog opens with the recipients of the document's contact and the
workspace's template filled in (services/mail/drafts.py); Send queues the
message (a draft invoice is finalised first) and the page's own state reloads,
so its status and number show. While a message of the history is queued, a
background watch re-reads the history every second for a while, so "Sent"
appears without a reload.
"""

from __future__ import annotations

import asyncio

import reflex as rx

from updoot_app import db
from updoot_app.services.identity.access import Principal
from updoot_app.services.mail import drafts, outbox, smtp_config
from updoot_app.services.platform.errors import DomainError, NotConfigured, ValidationError
from updoot_app.state.app_state import AppState
from updoot_app.state.billing.invoices_state import InvoiceDetailState
from updoot_app.state.billing.quotes_state import QuoteEditorState
from updoot_app.state.guard import guard
from updoot_app.state.mail.mail_rows import message_row

WATCH_POLLS = 30        # a second apart: the in-process consumer sends within one or two
# The dialog's fields. A submitted form also carries each control by its id
# ("mail_to", ...): only these are read, so nothing else reaches the service.
FORM_KEYS = ("to", "cc", "subject", "message")


def any_queued(rows: list[dict[str, str]]) -> bool:
    return any(row["status"] == "queued" for row in rows)


class DocumentMailState(AppState):
    dialog_open: bool = False
    mail_to: str = ""
    mail_cc: str = ""
    mail_subject: str = ""
    mail_message: str = ""
    mail_error: str = ""
    smtp_hint: str = ""        # what the operator must set, when email is not set up
    history: list[dict[str, str]] = []
    watching: bool = False
    form_rev: int = 0          # re-mounts the dialog's inputs with the new first values

    def _doc(self) -> tuple[str, str]:
        params = self.router.page.params
        if "quote_id" in params:
            return "quote", params.get("quote_id", "")
        return "invoice", params.get("invoice_id", "")

    def _read_history(self, p: Principal) -> None:
        kind, doc_id = self._doc()
        with db.session_scope() as session:
            self.history = [message_row(m) for m in drafts.history(session, p.workspace_id,
                                                                    kind, doc_id)]

    def _page_reload(self):
        return QuoteEditorState.load if self._doc()[0] == "quote" else InvoiceDetailState.load

    @rx.event
    @guard("viewer")
    def load(self, p: Principal):
        self.dialog_open, self.mail_error = False, ""
        self.smtp_hint = "" if smtp_config.is_configured() else smtp_config.SETUP_HINT
        try:
            self._read_history(p)
        except DomainError:     # not this workspace's document: the page says so
            self.history = []
            return None
        return DocumentMailState.watch if any_queued(self.history) else None

    @rx.event
    @guard("member")
    def open_dialog(self, p: Principal):
        kind, doc_id = self._doc()
        with db.session_scope() as session:
            draft = drafts.draft_for(session, p.workspace_id, kind, doc_id)
        self.mail_to, self.mail_cc = draft["to"], draft["cc"]
        self.mail_subject, self.mail_message = draft["subject"], draft["message"]
        self.smtp_hint = "" if smtp_config.is_configured() else smtp_config.SETUP_HINT
        self.mail_error, self.dialog_open = "", True
        self.form_rev += 1

    @rx.event
    @guard("viewer")
    def set_dialog_open(self, p: Principal, open_: bool = False):
        """The dialog's on_open_change: its trigger button asks to open it (the
        draft is read first, by open_dialog, which checks the role); the Cancel
        button, Escape or a click outside to close it."""
        if open_ is True:
            return DocumentMailState.open_dialog
        self.dialog_open, self.mail_error = False, ""
        return None

    @rx.event
    @guard("member")
    def send(self, p: Principal, form: dict):
        if not isinstance(form, dict):
            self.mail_error = "Fill in the form."
            return None
        kind, doc_id = self._doc()
        data = {key: form[key] for key in FORM_KEYS if key in form}
        try:
            with db.write_scope() as session:
                drafts.send_document(session, p, kind, doc_id, data)
        except (ValidationError, NotConfigured) as exc:
            self.mail_error = str(exc)
            return None
        self.dialog_open, self.mail_error = False, ""
        self._read_history(p)
        return [rx.toast.success(f"The {kind} is queued: it goes out in a moment."),
                self._page_reload(), DocumentMailState.watch]

    @rx.event
    @guard("member")
    def retry(self, p: Principal, outbox_id: str):
        with db.session_scope() as session:
            outbox.retry_message(session, p, outbox_id)
        self._read_history(p)
        return [rx.toast.success("Queued again."), DocumentMailState.watch]

    @rx.event
    @guard("viewer")
    def refresh(self, p: Principal):
        self._read_history(p)

    @rx.event(background=True)
    @guard("viewer")
    async def watch(self, p: Principal):
        """Re-read the history while a message is queued (at most WATCH_POLLS s)."""
        async with self:
            if self.watching:
                return
            self.watching = True
        try:
            for _ in range(WATCH_POLLS):
                await asyncio.sleep(1)
                async with self:
                    self._read_history(p)
                    if not any_queued(self.history):
                        break
        finally:
            async with self:
                self.watching = False
