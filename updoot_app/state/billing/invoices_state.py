"""The invoices list and the invoice page: finalise and send (numbered, then
locked), payments and balance, void (see documents_base.py for what quotes
and invoices share)."""

from __future__ import annotations

from typing import ClassVar

import reflex as rx

from updoot_app import db
from updoot_app.models.billing import INVOICE_STATUSES
from updoot_app.services.billing import documents, invoices, pdf
from updoot_app.services.identity.access import Principal
from updoot_app.services.platform.errors import ValidationError
from updoot_app.state.app_state import AppState
from updoot_app.state.billing.documents_base import (
    PAGE_SIZE,
    BillingDocState,
    DocumentEditing,
    DocumentListBase,
    list_row,
    money_text,
)
from updoot_app.state.guard import guard

OPEN_FOR_PAYMENT = ("sent", "partially_paid", "overdue")


class InvoicesState(DocumentListBase, AppState):
    STATUSES: ClassVar[tuple[str, ...]] = ("", *INVOICE_STATUSES)
    EXPORT_KIND: ClassVar[str] = "invoices"

    def _fill(self, p: Principal) -> None:
        with db.session_scope() as session:
            locale = documents.get_settings(session, p.workspace_id).locale
            rows, self.total = invoices.list_invoices(session, p.workspace_id,
                                                      status=self.status or None,
                                                      page=self.page, page_size=PAGE_SIZE)
        self.rows = [{**list_row(r, locale), "due_date": r["due_date"],
                      "balance": money_text(r["balance"], r["currency"], locale)}
                     for r in rows]

    @rx.event
    @guard("member")
    def new_invoice(self, p: Principal):
        with db.session_scope() as session:
            iid = invoices.create_invoice(session, p, {}).id
        return rx.redirect(f"/invoices/{iid}")


class InvoiceDetailState(DocumentEditing, BillingDocState):
    ID_PARAM: ClassVar[str] = "invoice_id"
    EDITABLE_FIELDS: ClassVar[tuple[str, ...]] = tuple(field for field in invoices.FIELDS
                                                       if field != "lines")

    payments: list[dict[str, str]] = []
    payment_error: str = ""

    def _read(self, session, workspace_id: int) -> dict:
        return invoices.invoice_dict(session, invoices.get_invoice(session, workspace_id,
                                                                   self._doc_id()))

    def _write(self, session, p: Principal, change: dict) -> None:
        invoices.update_invoice(session, p, self._doc_id(), change)

    def _pdf(self, session, workspace_id: int) -> tuple[bytes, str]:
        return pdf.invoice_pdf(session, workspace_id, self._doc_id())

    def _show_more(self, data: dict, locale: str) -> None:
        self.doc["number"] = data["number"] or "Draft invoice"
        self.payments = [{"paid_on": x["paid_on"], "method": x["method"].replace("_", " "),
                          "reference": x["reference"] or "—",
                          "amount": money_text(x["amount"], data["currency"], locale)}
                         for x in data["payments"]]

    def _clear_messages(self) -> None:
        self.payment_error = ""

    def _clear_document(self) -> None:
        super()._clear_document()
        self.payments = []

    @rx.var
    def can_pay(self) -> bool:
        return self.can_edit and self.doc.get("status", "") in OPEN_FOR_PAYMENT

    @rx.event
    @guard("member")
    def send(self, p: Principal):
        invoices.finalise(p, self._doc_id())
        with db.session_scope() as session:
            data = self._fill(session, p)
        return rx.toast.success(f"Invoice {data['number']} finalised and sent.")

    @rx.event
    @guard("member")
    def record_payment(self, p: Principal, form: dict):
        if not isinstance(form, dict):
            return None
        data = {k: form.get(k, "") for k in ("amount", "paid_on", "method", "reference")}
        try:
            with db.write_scope() as session:
                invoices.record_payment(session, p, self._doc_id(), data)
        except ValidationError as exc:
            self.payment_error = exc.message
            return None
        self.payment_error = ""
        with db.session_scope() as session:
            self._fill(session, p)
        return rx.toast.success("Payment recorded.")

    @rx.event
    @guard("member")
    def void(self, p: Principal, form: dict):
        reason = form.get("reason", "") if isinstance(form, dict) else ""
        with db.write_scope() as session:
            invoices.void_invoice(session, p, self._doc_id(), reason)
        with db.session_scope() as session:
            self._fill(session, p)
        return rx.toast.success("Invoice voided; its number is kept.")

    @rx.event
    @guard("member")
    def delete(self, p: Principal):
        with db.write_scope() as session:
            invoices.delete_invoice(session, p, self._doc_id())
        return [rx.toast.success("Draft deleted."), rx.redirect("/invoices")]
