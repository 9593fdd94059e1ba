"""Settings → Email (/settings/email): whether email is set up on this server
(and what to set if not), "Send a test email", the workspace's outbox one page
at a time with Retry, and the quote and invoice templates (owners and admins
edit them)."""

from __future__ import annotations

import reflex as rx

from updoot_app import db
from updoot_app.services.identity.access import Principal
from updoot_app.services.mail import outbox, outbox_reads, smtp_config, template_settings
from updoot_app.services.platform.errors import NotConfigured, ValidationError
from updoot_app.services.platform.validation import requested_page
from updoot_app.state.app_state import AppState
from updoot_app.state.guard import guard
from updoot_app.state.mail.mail_rows import message_row

PAGE_SIZE = 25
SECURITY_LABELS = {"starttls": "STARTTLS", "tls": "TLS", "none": "no TLS"}


def _text(form: dict, key: str) -> str:
    value = form.get(key, "")
    return value if isinstance(value, str) else ""


class EmailSettingsState(AppState):
    smtp_ready: bool = False
    smtp_text: str = ""        # where mail goes, or what the operator must set
    test_to: str = ""
    test_error: str = ""
    messages: list[dict[str, str]] = []
    page: int = 1
    total: int = 0
    quote_subject: str = ""
    quote_body: str = ""
    invoice_subject: str = ""
    invoice_body: str = ""
    placeholders: list[dict[str, str]] = []
    templates_error: str = ""
    rev: int = 0               # re-mounts the template inputs with the stored texts

    @rx.var
    def pages(self) -> int:
        return max(1, -(-self.total // PAGE_SIZE))

    def _read_smtp(self) -> None:
        try:
            config = smtp_config.smtp_config()
        except NotConfigured as exc:
            self.smtp_ready, self.smtp_text = False, str(exc)
            return
        self.smtp_ready = True
        self.smtp_text = (f"Mail goes out from {config.mail_from} through {config.host}:"
                          f"{config.port} ({SECURITY_LABELS[config.security]}).")

    def _read_outbox(self, p: Principal) -> None:
        with db.session_scope() as session:
            rows, self.total = outbox_reads.list_messages(session, p.workspace_id,
                                                          page=self.page, page_size=PAGE_SIZE)
        self.messages = [message_row(m) for m in rows]

    def _read_templates(self, p: Principal) -> None:
        with db.session_scope() as session:
            view = template_settings.templates_view(session, p.workspace_id)
        self.quote_subject, self.quote_body = view["quote_subject"], view["quote_body"]
        self.invoice_subject, self.invoice_body = view["invoice_subject"], view["invoice_body"]
        self.placeholders = view["placeholders"]
        self.rev += 1

    @rx.event
    @guard("viewer", page=True)
    def load(self, p: Principal):
        self.page, self.test_error, self.templates_error = 1, "", ""
        self.test_to = p.email
        self._read_smtp()
        self._read_outbox(p)
        self._read_templates(p)

    @rx.event
    @guard("viewer")
    def refresh(self, p: Principal):
        self._read_outbox(p)

    @rx.event
    @guard("viewer")
    def go_page(self, p: Principal, page: str):
        number = requested_page(page)
        if number is None:
            return None
        self.page = number
        self._read_outbox(p)
        return None

    @rx.event
    @guard("admin")
    def send_test(self, p: Principal, form: dict):
        if not isinstance(form, dict):
            self.test_error = "Fill in the address."
            return None
        try:
            with db.session_scope() as session:
                outbox.send_test_message(session, p, _text(form, "to"))
        except (ValidationError, NotConfigured) as exc:
            self.test_error = str(exc)
            return None
        self.test_error, self.page = "", 1
        self._read_outbox(p)
        return rx.toast.success("Test email queued: it shows below as sent in a moment.")

    @rx.event
    @guard("member")
    def retry(self, p: Principal, outbox_id: str):
        with db.session_scope() as session:
            outbox.retry_message(session, p, outbox_id)
        self._read_outbox(p)
        return rx.toast.success("Queued again.")

    @rx.event
    @guard("admin")
    def save_templates(self, p: Principal, form: dict):
        if not isinstance(form, dict):
            self.templates_error = "Fill in the templates."
            return None
        data = {key: _text(form, key) for key in template_settings.FIELDS}
        try:
            with db.session_scope() as session:
                template_settings.update_templates(session, p, data)
        except ValidationError as exc:
            self.templates_error = exc.message
            return None
        self.templates_error = ""
        self._read_templates(p)
        return rx.toast.success("Templates saved.")

    @rx.event
    @guard("admin")
    def restore_defaults(self, p: Principal):
        with db.session_scope() as session:
            template_settings.update_templates(
                session, p, dict.fromkeys(template_settings.FIELDS, ""))
        self.templates_error = ""
        self._read_templates(p)
        return rx.toast.success("The default templates are back.")
