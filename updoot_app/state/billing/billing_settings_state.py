"""Settings → Billing: numbering prefixes (credit notes too), payment terms,
address, locale, the accept-wins-the-deal switch, the seller as invoicing law
names it (legal name, tax ID, registration number, country), the reverse
charge, and the logo on quote and invoice PDFs.

Everyone in the workspace can read them; only owners and admins change them
(the services check it too). The logo upload is read in chunks and refused
past the size limit before Pillow ever sees it.
"""

from __future__ import annotations

import asyncio

import reflex as rx

from updoot_app import db
from updoot_app.models.types import utcnow
from updoot_app.services.billing import documents, logo
from updoot_app.services.identity.access import Principal
from updoot_app.services.platform.errors import ValidationError
from updoot_app.state.app_state import AppState
from updoot_app.state.guard import guard

SETTINGS_FIELDS = ("quote_prefix", "invoice_prefix", "credit_note_prefix", "payment_terms_days",
                   "address", "locale", "legal_name", "tax_id", "registration_number",
                   "country", "reverse_charge_reason")
_CHUNK = 64 * 1024
_TRUE, _FALSE = ("on", "true", True), ("", "off", "false", False, None)


def _form_bool(form: dict, name: str) -> bool:
    """A checkbox in a form: sent as "on" when ticked, absent when not."""
    value = form.get(name)
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ValidationError(name, "Must be on or off.")


def _store_logo(p: Principal, data: bytes) -> str:
    with db.session_scope() as session:
        return logo.preview_data_url(logo.set_logo(session, p, data))


class BillingSettingsState(AppState):
    quote_prefix: str = ""
    invoice_prefix: str = ""
    payment_terms_days: str = ""
    address: str = ""
    locale: str = ""
    win_deal_on_accept: bool = True
    credit_note_prefix: str = ""
    legal_name: str = ""
    tax_id: str = ""
    registration_number: str = ""
    country: str = ""
    reverse_charge: bool = False
    reverse_charge_reason: str = ""
    billing_error: str = ""
    logo_url: str = ""
    logo_error: str = ""
    rev: int = 0  # bumps the inputs' keys so they re-mount with the stored values

    @rx.var
    def number_example(self) -> str:
        """What the next numbers look like, e.g. "Q-2026-0001 · INV-2026-0001"."""
        year = utcnow().year
        return " · ".join(documents.format_number(prefix, year, 1)
                          for prefix in (self.quote_prefix, self.invoice_prefix,
                                         self.credit_note_prefix))

    def _fill(self, p: Principal) -> None:
        with db.session_scope() as session:
            row = documents.get_settings(session, p.workspace_id)
            self.logo_url = logo.preview_data_url(
                logo.get_logo(session, p.workspace_id))
        self.quote_prefix, self.invoice_prefix = row.quote_prefix, row.invoice_prefix
        self.payment_terms_days = str(row.payment_terms_days)
        self.address, self.locale = row.address, row.locale
        self.win_deal_on_accept = row.win_deal_on_accept
        for key in ("credit_note_prefix", "legal_name", "tax_id", "registration_number",
                    "country", "reverse_charge_reason"):
            setattr(self, key, getattr(row, key))
        self.reverse_charge = row.reverse_charge
        self.rev += 1

    @rx.event
    @guard("viewer")
    def load(self, p: Principal):
        self.billing_error = self.logo_error = ""
        self._fill(p)

    @rx.event
    @guard("admin")
    def save(self, p: Principal, form: dict):
        if not isinstance(form, dict):
            return None
        data: dict = {k: form[k] for k in SETTINGS_FIELDS if k in form}
        try:
            data["win_deal_on_accept"] = _form_bool(form, "win_deal_on_accept")
            data["reverse_charge"] = _form_bool(form, "reverse_charge")
            with db.session_scope() as session:
                documents.update_settings(session, p, data)
        except ValidationError as exc:
            self.billing_error = exc.message
            return None
        self.billing_error = ""
        self._fill(p)
        return rx.toast.success("Billing settings saved.")

    @rx.event
    @guard("admin")
    async def upload_logo(self, p: Principal, files: list[rx.UploadFile]):
        if not isinstance(files, list) or len(files) != 1:
            self.logo_error = "Choose one PNG or JPEG file."
            return None
        limit = logo.MAX_LOGO_BYTES
        chunks, size = [], 0
        while chunk := await files[0].read(_CHUNK):
            size += len(chunk)
            if size > limit:
                self.logo_error = f"The logo is larger than {limit // 1024} KB."
                return None
            chunks.append(chunk)
        try:
            self.logo_url = await asyncio.to_thread(_store_logo, p, b"".join(chunks))
        except ValidationError as exc:
            self.logo_error = exc.message
            return None
        self.logo_error = ""
        return rx.toast.success("Logo saved: it is on your quote and invoice PDFs.")

    @rx.event
    @guard("admin")
    def remove_logo(self, p: Principal):
        with db.session_scope() as session:
            logo.remove_logo(session, p)
        self.logo_url = self.logo_error = ""
        return rx.toast.success("Logo removed.")
