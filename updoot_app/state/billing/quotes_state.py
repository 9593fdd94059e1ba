"""The quotes list with the product catalog, and the quote editor: sending
with its public link, the client's answer recorded by a member, conversion to
an invoice (see documents_base.py for what the two documents share)."""

from __future__ import annotations

from decimal import Decimal
from typing import ClassVar

import reflex as rx

from updoot_app import db
from updoot_app.models.billing import QUOTE_STATUSES
from updoot_app.services.billing import documents, pdf, products, quote_answers, quotes
from updoot_app.services.identity.access import Principal
from updoot_app.services.platform.errors import ValidationError
from updoot_app.settings import load_settings
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


class QuotesState(DocumentListBase, AppState):
    STATUSES: ClassVar[tuple[str, ...]] = ("", *QUOTE_STATUSES)
    EXPORT_KIND: ClassVar[str] = "quotes"

    product_rows: list[dict[str, str]] = []
    product_error: str = ""

    def _clear_messages(self) -> None:
        self.product_error = ""

    def _fill(self, p: Principal) -> None:
        with db.session_scope() as session:
            locale = documents.get_settings(session, p.workspace_id).locale
            rows, self.total = quotes.list_quotes(session, p.workspace_id,
                                                  status=self.status or None, page=self.page,
                                                  page_size=PAGE_SIZE)
            prods, _ = products.list_products(session, p.workspace_id, page_size=100)
        self.rows = [{**list_row(r, locale), "issue_date": r["issue_date"],
                      "valid_until": r["valid_until"]} for r in rows]
        self.product_rows = [{"id": str(r["id"]), "name": r["name"], "unit": r["unit"],
                              "price": money_text(r["unit_price"], r["currency"], locale),
                              "tax": format(Decimal(r["tax_rate"]).normalize(), "f") + " %"}
                             for r in prods]

    @rx.event
    @guard("member")
    def new_quote(self, p: Principal):
        with db.write_scope() as session:
            quote = quotes.create_quote(session, p, {})
            qid = quote.id
        return rx.redirect(f"/quotes/{qid}")

    @rx.event
    @guard("member")
    def add_product(self, p: Principal, form: dict):
        if not isinstance(form, dict):
            return None
        data = {k: form.get(k, "") for k in ("name", "unit_price", "tax_rate", "unit")}
        if not data["tax_rate"]:
            data["tax_rate"] = "0"
        try:
            with db.session_scope() as session:
                products.create_product(session, p, data)
        except ValidationError as exc:
            self.product_error = exc.message
            return None
        self.product_error = ""
        self._fill(p)
        return rx.toast.success(f"Product {data['name']} added.")

    @rx.event
    @guard("member")
    def archive_product(self, p: Principal, product_id: str):
        with db.session_scope() as session:
            products.archive_product(session, p, product_id)
        self._fill(p)
        return rx.toast.success("Product archived (old quotes keep it).")


class QuoteEditorState(DocumentEditing, BillingDocState):
    ID_PARAM: ClassVar[str] = "quote_id"
    EDITABLE_FIELDS: ClassVar[tuple[str, ...]] = tuple(field for field in quotes.FIELDS
                                                       if field != "lines")

    public_link: str = ""

    def _read(self, session, workspace_id: int) -> dict:
        return quotes.quote_dict(session, quotes.get_quote(session, workspace_id,
                                                           self._doc_id()))

    def _write(self, session, p: Principal, change: dict) -> None:
        quotes.update_quote(session, p, self._doc_id(), change)

    def _pdf(self, session, workspace_id: int) -> tuple[bytes, str]:
        return pdf.quote_pdf(session, workspace_id, self._doc_id())

    def _clear_messages(self) -> None:
        self.public_link = ""

    @rx.event
    @guard("member")
    def send(self, p: Principal):
        with db.write_scope() as session:
            _quote, token = quotes.send_quote(session, p, self._doc_id())
        with db.session_scope() as session:
            self._fill(session, p)
        self.public_link = f"{load_settings().public_url.rstrip('/')}/q/{token}"
        return rx.toast.success("Quote sent: share the link below with your client.")

    @rx.event
    @guard("member")
    def record_answer(self, p: Principal, answer: str):
        with db.write_scope() as session:
            if answer == "accepted":
                quote_answers.accept_quote(session, p, self._doc_id())
            elif answer == "declined":
                quote_answers.decline_quote(session, p, self._doc_id())
            else:
                return rx.toast.error("Unknown answer.")
        with db.session_scope() as session:
            self._fill(session, p)
        return None

    @rx.event
    @guard("member")
    def convert(self, p: Principal):
        invoice_id, _created = quotes.convert_quote(p, self._doc_id())
        return rx.redirect(f"/invoices/{invoice_id}")

    @rx.event
    @guard("member")
    def delete(self, p: Principal):
        with db.session_scope() as session:
            quotes.delete_quote(session, p, self._doc_id())
        return [rx.toast.success("Draft deleted."), rx.redirect("/quotes")]
