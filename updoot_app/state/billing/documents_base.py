"""What the quote and invoice pages share: the list page (status filter, one
page at a time, CSV export), the draft editor (every change is saved and the
totals come back from the service: the same numbers as the PDF and the API)
and the text the pages show for a document.

The shared handlers live on Reflex state mixins rather than on a parent
state: a handler defined on a parent state runs on the parent's substate
instance, while a mixin's handlers are copied onto each class that uses it
and run on that class's own substate (and are guarded there, like its own).
"""

from __future__ import annotations

from decimal import Decimal
from typing import ClassVar

import reflex as rx

from updoot_app import db
from updoot_app.services.archive import export
from updoot_app.services.billing import document_reads, documents
from updoot_app.services.identity.access import Principal
from updoot_app.services.platform.errors import DomainError, ValidationError
from updoot_app.services.platform.money_display import format_money
from updoot_app.services.platform.validation import CURRENCIES, requested_page
from updoot_app.state.app_state import AppState
from updoot_app.state.guard import guard

STATUS_COLORS = {"draft": "gray", "sent": "blue", "accepted": "green", "declined": "red",
                 "expired": "amber", "converted": "violet", "partially_paid": "amber",
                 "paid": "green", "overdue": "red", "void": "gray", "credited": "violet",
                 "issued": "violet"}
NO_CONTACT = "none"  # the picker's "no contact" item (a select item cannot be "")
BEFORE_TAX, INCLUDE_TAX = "Before tax", "Include tax"
PRICE_MODES = {BEFORE_TAX: False, INCLUDE_TAX: True}  # the "Prices" picker of a draft
LINE_KEYS = ("description", "quantity", "unit_price", "discount_pct", "tax_rate", "tax_reason")
PAGE_SIZE = 25


# --- the text a page shows ----------------------------------------------------------------

def money_text(amount, currency: str, locale: str) -> str:
    return format_money(Decimal(amount), currency, locale)


def list_row(row: dict, locale: str) -> dict[str, str]:
    """The columns every row of the quote and invoice lists shows."""
    return {"id": str(row["id"]), "number": row["number"], "status": row["status"],
            "status_label": documents.status_label(row["status"]),
            "color": STATUS_COLORS.get(row["status"], "gray"),
            "company": row["company_name"] or "No company",
            "total": money_text(row["total"], row["currency"], locale)}


def doc_view(data: dict, locale: str) -> tuple[dict, list, list]:
    """(header, lines, tax rows) as strings for the page."""
    cur = data["currency"]
    header = {k: ("" if v is None else str(v)) for k, v in data.items()
              if not isinstance(v, list | dict | Decimal)}
    for key in ("subtotal", "discount_total", "net_total", "tax_total", "total", "amount_paid",
                "amount_credited", "balance"):
        if key in data:
            header[key + "_text"] = money_text(data[key], cur, locale)
    header["status_label"] = documents.status_label(data["status"])
    header["status_color"] = STATUS_COLORS.get(data["status"], "gray")
    header["has_discount"] = "true" if Decimal(data["discount_total"]) else ""
    header["has_payments"] = "true" if Decimal(data.get("amount_paid", 0)) else ""
    header["has_credits"] = "true" if Decimal(data.get("amount_credited", 0)) else ""
    header["buyer_tax"] = data.get("buyer", {}).get("tax_id", "")
    reasons = {line["tax_rate"]: line["tax_reason"] for line in data["lines"]
               if line.get("tax_reason")}
    lines = [{
        "index": str(i), "number": str(i + 1),  # "line 2" in the fields' names
        "description": line["description"], "unit": line["unit"],
        "quantity": line["quantity"], "unit_price": line["unit_price"],
        "discount_pct": line["discount_pct"], "tax_rate": line["tax_rate"],
        "tax_reason": line.get("tax_reason", ""),
        "net_text": money_text(line["net"], cur, locale),
        "tax_text": money_text(line["tax"], cur, locale),
        "key": f"{i}",
    } for i, line in enumerate(data["lines"])]
    taxes = [{"label": f"Tax {t['rate']} % on {money_text(t['base'], cur, locale)}"
              + (f" ({reasons[t['rate']]})" if reasons.get(t["rate"]) else ""),
              "amount": money_text(t["tax"], cur, locale)} for t in data["taxes"]]
    return header, lines, taxes


def _picker_items(choices: list[tuple[int, str]]) -> list[dict[str, str]]:
    return [{"id": str(row_id), "name": name} for row_id, name in choices]


def _contact_items(contacts: list[dict]) -> list[dict[str, str]]:
    return [{"id": str(r["id"]),
             "name": r["name"] + (f" · {r['title']}" if r["title"] else "")} for r in contacts]


def header_change(key: str, value: str) -> dict:
    """One header field's change for the service. A new company clears the
    contact (contacts belong to one company); the picker's "none" clears it."""
    if key == "company_id":
        return {"company_id": value, "contact_id": ""}
    if key == "contact_id" and value == NO_CONTACT:
        return {"contact_id": ""}
    if key == "prices_include_tax":
        if value not in PRICE_MODES:
            raise ValidationError(key, "Prices are before tax or include tax.")
        return {key: PRICE_MODES[value]}
    return {key: value}


def _raw_lines(data: dict) -> list[dict]:
    return [{k: line[k] for k in documents.LINE_FIELDS} for line in data["lines"]]


def _clean_index(raw: object, count: int) -> int:
    try:
        index = int(str(raw))
    except ValueError:
        raise ValidationError("line", "No such line.") from None
    if not 0 <= index < count:
        raise ValidationError("line", "No such line.")
    return index


# --- the list page --------------------------------------------------------------------------

class DocumentListBase(rx.State, mixin=True):
    """The quotes or invoices list. The class names its `STATUSES` (the filter's
    values, "" for all) and `EXPORT_KIND`, and provides `_fill(p)`, which reads
    the current page into `rows` and `total`."""

    STATUSES: ClassVar[tuple[str, ...]] = ()
    EXPORT_KIND: ClassVar[str] = ""

    rows: list[dict[str, str]] = []
    status: str = ""
    page: int = 1
    total: int = 0

    @rx.var
    def pages(self) -> int:
        return max(1, -(-self.total // PAGE_SIZE))

    def _clear_messages(self) -> None:
        """Messages a fresh visit of the page forgets; the class may add its own."""

    @rx.event
    @guard("viewer", page=True)
    def load(self, p: Principal):
        self.page = 1
        self._clear_messages()
        self._fill(p)

    @rx.event
    @guard("viewer")
    def set_status(self, p: Principal, status: str):
        if status == "all":
            status = ""
        if status not in self.STATUSES:
            return rx.toast.error("Unknown status.")
        self.status, self.page = status, 1
        self._fill(p)
        return None

    @rx.event
    @guard("viewer")
    def go_page(self, p: Principal, page: str):
        number = requested_page(page)
        if number is None:
            return None
        self.page = number
        self._fill(p)
        return None

    @rx.event
    @guard("viewer")
    def export_csv(self, p: Principal):
        """Every document of the workspace as a CSV download."""
        with db.session_scope() as session:
            data = export.export_csv(session, p, self.EXPORT_KIND)
        return rx.download(data=data, filename=export.export_filename(p, self.EXPORT_KIND),
                           mime_type="text/csv")


# --- the editor -----------------------------------------------------------------------------

class BillingDocState(AppState):
    """The page data of the quote editor and the invoice page."""

    doc: dict[str, str] = {}
    lines: list[dict[str, str]] = []
    taxes: list[dict[str, str]] = []
    company_options: list[dict[str, str]] = []
    contact_options: list[dict[str, str]] = []
    deal_options: list[dict[str, str]] = []
    product_options: list[dict[str, str]] = []
    currencies: list[str] = list(CURRENCIES)
    not_found: bool = False

    rev: int = 0

    def _remount(self) -> None:
        """After a refused change, re-mount the line inputs so they show the stored
        values again rather than what was typed."""
        self.rev += 1
        self.lines = [{**line, "key": f"{line['index']}r{self.rev}"} for line in self.lines]

    @rx.var
    def editable(self) -> bool:
        return self.can_edit and self.doc.get("status", "") == "draft"


class DocumentEditing(rx.State, mixin=True):
    """The handlers of the quote editor and the invoice page. The class names
    its `ID_PARAM` (the page's URL parameter) and `EDITABLE_FIELDS` (header
    fields), and provides `_read(session, workspace_id)` (the document's dict),
    `_write(session, p, change)` (the service's update) and `_pdf(session,
    workspace_id)` ((bytes, file name)); `_show_more` and `_clear_messages` add
    what only its page shows."""

    ID_PARAM: ClassVar[str] = ""
    EDITABLE_FIELDS: ClassVar[tuple[str, ...]] = ()

    def _doc_id(self) -> str:
        return self.router.page.params.get(self.ID_PARAM, "")

    def _show_more(self, data: dict, locale: str) -> None:
        """Page data beyond the shared header, lines and taxes."""

    def _clear_messages(self) -> None:
        """Messages a fresh visit of the page forgets."""

    def _clear_document(self) -> None:
        self.doc, self.lines, self.taxes = {}, [], []

    def _fill(self, session, p: Principal) -> dict:
        data = self._read(session, p.workspace_id)
        locale = documents.get_settings(session, p.workspace_id).locale
        self.doc, self.lines, self.taxes = doc_view(data, locale)
        self.contact_options = _contact_items(
            document_reads.addressees(session, p.workspace_id, data["company_id"]))
        self._show_more(data, locale)
        return data

    def _save(self, p: Principal, change: dict):
        """Send a change to the service and show the stored document again."""
        try:
            with db.write_scope() as session:
                self._write(session, p, change)
        except ValidationError as exc:
            with db.session_scope() as session:
                self._fill(session, p)
            self._remount()
            return rx.toast.error(exc.message)
        with db.session_scope() as session:
            self._fill(session, p)
        return None

    def _current_lines(self, p: Principal) -> list[dict]:
        with db.session_scope() as session:
            return _raw_lines(self._read(session, p.workspace_id))

    @rx.event
    @guard("viewer", page=True)
    def load(self, p: Principal):
        self.not_found = False
        self._clear_messages()
        try:
            with db.session_scope() as session:
                self._fill(session, p)
                choices = document_reads.picker_choices(session, p.workspace_id)
            self.company_options = _picker_items(choices.companies)
            self.deal_options = _picker_items(choices.deals)
            self.product_options = _picker_items(choices.products)
        except DomainError:
            self.not_found = True
            self._clear_document()

    @rx.event
    @guard("member")
    def set_field(self, p: Principal, key: str, value: str):
        if key not in self.EDITABLE_FIELDS:
            return rx.toast.error("Unknown field.")
        return self._save(p, header_change(key, value))

    @rx.event
    @guard("member")
    def set_line(self, p: Principal, index: str, key: str, value: str):
        if key not in LINE_KEYS:
            return rx.toast.error("Unknown field.")
        lines = self._current_lines(p)
        try:
            line = lines[_clean_index(index, len(lines))]
        except ValidationError as exc:
            return rx.toast.error(exc.message)
        line[key] = value
        if key == "tax_rate":  # the reason's field goes away with the 0 % rate it explains
            line["tax_reason"] = ""
        return self._save(p, {"lines": lines})

    @rx.event
    @guard("member")
    def add_line(self, p: Principal):
        lines = self._current_lines(p)
        lines.append({"description": "New item", "quantity": "1", "unit_price": "0"})
        return self._save(p, {"lines": lines})

    @rx.event
    @guard("member")
    def add_product_line(self, p: Principal, product_id: str):
        lines = self._current_lines(p)
        lines.append({"product_id": product_id, "quantity": "1"})
        return self._save(p, {"lines": lines})

    @rx.event
    @guard("member")
    def remove_line(self, p: Principal, index: str):
        lines = self._current_lines(p)
        try:
            lines.pop(_clean_index(index, len(lines)))
        except ValidationError as exc:
            return rx.toast.error(exc.message)
        return self._save(p, {"lines": lines})

    @rx.event
    @guard("viewer")
    def download_pdf(self, p: Principal):
        with db.session_scope() as session:
            data, name = self._pdf(session, p.workspace_id)
        return rx.download(data=data, filename=name)
