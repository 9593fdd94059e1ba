"""The invoices list and the invoice page: finalise and send (numbered, then
locked), payments and balance, void, credit notes (issued from the "Credit"
dialog, listed with their PDFs), and the accounting journal's download (see
documents_base.py for what quotes and invoices share)."""

from __future__ import annotations

from decimal import Decimal
from typing import ClassVar

import reflex as rx

from updoot_app import db
from updoot_app.models.billing import INVOICE_STATUSES
from updoot_app.services.archive import journal
from updoot_app.services.billing import credit_notes, documents, facturx, invoices, pdf
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
CREDITABLE = ("sent", "partially_paid", "paid", "overdue")
QTY_PREFIX = "qty_"  # the credit form's quantity fields: qty_<invoice line id>


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
    @guard("viewer")
    def export_journal(self, p: Principal, form: dict):
        """The accounting journal of the days chosen (either end may be blank)."""
        if not isinstance(form, dict):
            return None
        start, end = form.get("from", ""), form.get("to", "")
        with db.session_scope() as session:
            data = journal.journal_csv(session, p, start, end)
        return rx.download(data=data, filename=journal.journal_filename(p, start, end),
                           mime_type="text/csv")

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
    credit_notes: list[dict[str, str]] = []
    credit_lines: list[dict[str, str]] = []
    credit_open: bool = False
    credit_error: str = ""
    refund_due: bool = False  # the credit notes leave money to pay back
    refund_error: str = ""

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
        self.credit_notes = [{"id": str(c["id"]), "number": c["number"],
                              "issue_date": c["issue_date"], "reason": c["reason"],
                              "total": money_text(c["total"], data["currency"], locale)}
                             for c in data["credit_notes"]]
        self.credit_lines = [
            {"id": str(line["id"]), "number": str(i + 1), "description": line["description"],
             "quantity": line["quantity"],
             "left": format((Decimal(line["quantity"]) - Decimal(line["credited"])).normalize(),
                            "f")}
            for i, line in enumerate(data["lines"])]
        self.refund_due = bool(data["credit_notes"]) and data["balance"] < 0

    def _clear_messages(self) -> None:
        self.payment_error = ""
        self.credit_error = self.refund_error = ""
        self.credit_open = False

    def _clear_document(self) -> None:
        super()._clear_document()
        self.payments, self.credit_notes, self.credit_lines = [], [], []

    @rx.var
    def can_pay(self) -> bool:
        return self.can_edit and self.doc.get("status", "") in OPEN_FOR_PAYMENT

    @rx.var
    def can_credit(self) -> bool:
        return (self.can_edit and self.doc.get("status", "") in CREDITABLE
                and any(line["left"] != "0" for line in self.credit_lines))

    @rx.event
    @guard("member")
    def set_credit_open(self, p: Principal, value: bool):
        self.credit_open = value is True
        self.credit_error = ""

    @rx.event
    @guard("member")
    def credit(self, p: Principal, form: dict):
        """Issue a credit note from the dialog: the quantities typed per line, or
        everything left when "all" is ticked."""
        if not isinstance(form, dict):
            return None
        reason = form.get("reason", "")
        if form.get("all") in ("on", "true", True):
            data = {"all": True, "reason": reason}
        else:
            lines = [{"invoice_line_id": key[len(QTY_PREFIX):], "quantity": value}
                     for key, value in form.items()
                     if isinstance(key, str) and key.startswith(QTY_PREFIX)
                     and isinstance(value, str) and value.strip() not in ("", "0")]
            data = {"lines": lines, "reason": reason}
        try:
            note_id = credit_notes.issue_credit_note(p, self._doc_id(), data)
        except ValidationError as exc:
            self.credit_error = exc.message
            return None
        self.credit_error, self.credit_open = "", False
        with db.session_scope() as session:
            self._fill(session, p)
        number = next((c["number"] for c in self.credit_notes if c["id"] == str(note_id)), "")
        return rx.toast.success(f"Credit note {number} issued.")

    @rx.event
    @guard("member")
    def record_refund(self, p: Principal, form: dict):
        """Money paid back on a credit note: a negative payment of this invoice."""
        if not isinstance(form, dict):
            return None
        note_id = form.get("credit_note_id", "")
        if note_id not in {c["id"] for c in self.credit_notes}:
            self.refund_error = "Choose one of this invoice's credit notes."
            return None
        data = {k: form.get(k, "") for k in ("amount", "paid_on", "method", "reference")}
        try:
            with db.write_scope() as session:
                credit_notes.record_refund(session, p, note_id, data)
        except ValidationError as exc:
            self.refund_error = exc.message
            return None
        self.refund_error = ""
        with db.session_scope() as session:
            self._fill(session, p)
        return rx.toast.success("Refund recorded.")

    @rx.event
    @guard("viewer")
    def download_xml(self, p: Principal):
        """The finalised invoice's Factur-X XML alone (the PDF carries it too)."""
        with db.session_scope() as session:
            data, name = facturx.invoice_xml(session, p.workspace_id, self._doc_id())
        return rx.download(data=data, filename=name, mime_type="application/xml")

    @rx.event
    @guard("viewer")
    def download_credit_note(self, p: Principal, credit_note_id: str):
        with db.session_scope() as session:
            data, name = pdf.credit_note_pdf(session, p.workspace_id, credit_note_id)
        return rx.download(data=data, filename=name)

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
