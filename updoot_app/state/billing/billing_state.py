"""Quotes and invoices pages: lists, the draft editors (every change is saved
and the totals come back from the service: the same numbers as the PDF and the
API), sending, conversion, payments, void, PDFs; and the client's public quote
page (the only public handlers of this module: they take the link's token)."""

from __future__ import annotations

from decimal import Decimal

import reflex as rx
from sqlmodel import select

from updoot_app import db
from updoot_app.models import Company, Deal, Product
from updoot_app.services.archive import export
from updoot_app.services.billing import documents, invoices, pdf, products, quotes
from updoot_app.services.crm import contacts
from updoot_app.services.identity.access import Principal
from updoot_app.services.platform import ratelimit
from updoot_app.services.platform.errors import DomainError, ValidationError
from updoot_app.services.platform.money_display import format_money
from updoot_app.services.platform.validation import CURRENCIES
from updoot_app.settings import load_settings
from updoot_app.state.app_state import AppState
from updoot_app.state.guard import guard, public

QUOTE_STATUS = ("", "draft", "sent", "accepted", "declined", "expired", "converted")
INVOICE_STATUS = ("", "draft", "sent", "partially_paid", "paid", "overdue", "void")
STATUS_COLORS = {"draft": "gray", "sent": "blue", "accepted": "green", "declined": "red",
                 "expired": "amber", "converted": "violet", "partially_paid": "amber",
                 "paid": "green", "overdue": "red", "void": "gray"}
HEADER_FIELDS = ("company_id", "contact_id", "deal_id", "currency", "issue_date", "valid_until", "due_date",
                 "payment_terms_days", "discount_pct", "notes", "terms")
NO_CONTACT = "none"  # the picker's "no contact" item (a select item cannot be "")
LINE_KEYS = ("description", "quantity", "unit_price", "discount_pct", "tax_rate")
PAGE_SIZE = 25


def status_label(status: str) -> str:
    return status.replace("_", " ").capitalize()


def _money(amount, currency: str, locale: str) -> str:
    return format_money(Decimal(amount), currency, locale)


def _doc_view(data: dict, locale: str) -> tuple[dict, list, list]:
    """(header, lines, tax rows) as strings for the page."""
    cur = data["currency"]
    header = {k: ("" if v is None else str(v)) for k, v in data.items()
              if not isinstance(v, list | dict | Decimal)}
    for key in ("subtotal", "discount_total", "net_total", "tax_total", "total", "amount_paid",
                "balance"):
        if key in data:
            header[key + "_text"] = _money(data[key], cur, locale)
    header["status_label"] = status_label(data["status"])
    header["status_color"] = STATUS_COLORS.get(data["status"], "gray")
    header["has_discount"] = "true" if Decimal(data["discount_total"]) else ""
    header["has_payments"] = "true" if Decimal(data.get("amount_paid", 0)) else ""
    lines = [{
        "index": str(i), "description": line["description"], "unit": line["unit"],
        "quantity": line["quantity"], "unit_price": line["unit_price"],
        "discount_pct": line["discount_pct"], "tax_rate": line["tax_rate"],
        "net_text": _money(line["net"], cur, locale), "tax_text": _money(line["tax"], cur, locale),
        "key": f"{i}",
    } for i, line in enumerate(data["lines"])]
    taxes = [{"label": f"Tax {t['rate']} % on {_money(t['base'], cur, locale)}",
              "amount": _money(t["tax"], cur, locale)} for t in data["taxes"]]
    return header, lines, taxes


def _raw_lines(data: dict) -> list[dict]:
    return [{k: line[k] for k in ("product_id", "description", "unit", "quantity",
                                  "unit_price", "discount_pct", "tax_rate")}
            for line in data["lines"]]


def _clean_index(raw: object, count: int) -> int:
    try:
        index = int(str(raw))
    except ValueError:
        raise ValidationError("line", "No such line.") from None
    if not 0 <= index < count:
        raise ValidationError("line", "No such line.")
    return index


def _options(session, workspace_id: int) -> tuple[list, list, list]:
    companies = session.exec(select(Company.id, Company.name)
                             .where(Company.workspace_id == workspace_id)
                             .order_by(Company.name).limit(200)).all()
    deals = session.exec(select(Deal.id, Deal.title).where(Deal.workspace_id == workspace_id)
                         .order_by(Deal.id.desc()).limit(200)).all()
    prods = session.exec(select(Product.id, Product.name)
                         .where(Product.workspace_id == workspace_id,
                                Product.archived.is_(False))
                         .order_by(Product.name).limit(200)).all()
    return ([{"id": str(i), "name": n} for i, n in companies],
            [{"id": str(i), "name": n} for i, n in deals],
            [{"id": str(i), "name": n} for i, n in prods])


def _contact_options(session, workspace_id: int, company_id: int | None) -> list[dict]:
    """The contacts of the document's company: whom the document is addressed to."""
    if company_id is None:
        return []
    rows, _ = contacts.list_contacts(session, workspace_id, company_id=company_id,
                                     page_size=100)
    return [{"id": str(r["id"]),
             "name": r["name"] + (f" · {r['title']}" if r["title"] else "")} for r in rows]


def header_change(key: str, value: str) -> dict:
    """One header field's change for the service. A new company clears the
    contact (contacts belong to one company); the picker's "none" clears it."""
    if key == "company_id":
        return {"company_id": value, "contact_id": ""}
    if key == "contact_id" and value == NO_CONTACT:
        return {"contact_id": ""}
    return {key: value}


def _export(p: Principal, kind: str):
    """Every quote or invoice of the workspace as a CSV download."""
    with db.session_scope() as session:
        data = export.export_csv(session, p, kind)
    return rx.download(data=data, filename=export.export_filename(p, kind),
                       mime_type="text/csv")


class BillingDocState(AppState):
    """What the quote editor and the invoice page share."""

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


# --- quotes -------------------------------------------------------------------------------

class QuotesState(AppState):
    rows: list[dict[str, str]] = []
    status: str = ""
    page: int = 1
    total: int = 0
    product_rows: list[dict[str, str]] = []
    product_error: str = ""

    @rx.var
    def pages(self) -> int:
        return max(1, -(-self.total // PAGE_SIZE))

    def _fill(self, p: Principal) -> None:
        with db.session_scope() as session:
            locale = documents.get_settings(session, p.workspace_id).locale
            rows, self.total = quotes.list_quotes(session, p.workspace_id,
                                                  status=self.status or None, page=self.page,
                                                  page_size=PAGE_SIZE)
            prods, _ = products.list_products(session, p.workspace_id, page_size=100)
        self.rows = [{"id": str(r["id"]), "number": r["number"], "status": r["status"],
                      "status_label": status_label(r["status"]),
                      "color": STATUS_COLORS.get(r["status"], "gray"),
                      "company": r["company_name"] or "No company", "issue_date": r["issue_date"],
                      "valid_until": r["valid_until"],
                      "total": _money(r["total"], r["currency"], locale)} for r in rows]
        self.product_rows = [{"id": str(r["id"]), "name": r["name"], "unit": r["unit"],
                              "price": _money(r["unit_price"], r["currency"], locale),
                              "tax": format(Decimal(r["tax_rate"]).normalize(), "f") + " %"}
                             for r in prods]

    @rx.event
    @guard("viewer", page=True)
    def load(self, p: Principal):
        self.page = 1
        self.product_error = ""
        self._fill(p)

    @rx.event
    @guard("viewer")
    def set_status(self, p: Principal, status: str):
        if status == "all":
            status = ""
        if status not in QUOTE_STATUS:
            return rx.toast.error("Unknown status.")
        self.status, self.page = status, 1
        self._fill(p)
        return None

    @rx.event
    @guard("viewer")
    def go_page(self, p: Principal, page: str):
        try:
            number = int(str(page))
        except ValueError:
            return None
        self.page = min(max(1, number), 100000)
        self._fill(p)
        return None

    @rx.event
    @guard("viewer")
    def export_csv(self, p: Principal):
        return _export(p, "quotes")

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


class LineEditing(rx.State, mixin=True):
    """The line handlers of the quote editor and the invoice page.

    A Reflex state mixin rather than handlers on BillingDocState: a handler
    defined on a parent state runs on the parent's substate instance, while a
    mixin's handlers are copied onto each class that uses it and run on that
    class's own substate. The class provides `_current_lines` (the stored lines
    as raw dicts) and `_save` (send a change to its service, refill the page).
    """

    @rx.event
    @guard("member")
    def set_line(self, p: Principal, index: str, key: str, value: str):
        if key not in LINE_KEYS:
            return rx.toast.error("Unknown field.")
        lines = self._current_lines(p)
        try:
            lines[_clean_index(index, len(lines))][key] = value
        except ValidationError as exc:
            return rx.toast.error(exc.message)
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


class QuoteEditorState(LineEditing, BillingDocState):
    public_link: str = ""

    def _quote_id(self) -> str:
        return self.router.page.params.get("quote_id", "")

    def _fill(self, session, p: Principal) -> dict:
        quote = quotes.get_quote(session, p.workspace_id, self._quote_id())
        data = quotes.quote_dict(session, quote)
        locale = documents.get_settings(session, p.workspace_id).locale
        self.doc, self.lines, self.taxes = _doc_view(data, locale)
        self.contact_options = _contact_options(session, p.workspace_id, data["company_id"])
        return data

    @rx.event
    @guard("viewer", page=True)
    def load(self, p: Principal):
        self.public_link = ""
        self.not_found = False
        try:
            with db.session_scope() as session:
                self._fill(session, p)
                (self.company_options, self.deal_options,
                 self.product_options) = _options(session, p.workspace_id)
        except DomainError:
            self.not_found = True
            self.doc, self.lines, self.taxes = {}, [], []

    def _save(self, p: Principal, change: dict):
        try:
            with db.write_scope() as session:
                quotes.update_quote(session, p, self._quote_id(), change)
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
            quote = quotes.get_quote(session, p.workspace_id, self._quote_id())
            return _raw_lines(quotes.quote_dict(session, quote))

    @rx.event
    @guard("member")
    def set_field(self, p: Principal, key: str, value: str):
        if key not in HEADER_FIELDS or key in ("due_date", "payment_terms_days"):
            return rx.toast.error("Unknown field.")
        return self._save(p, header_change(key, value))

    @rx.event
    @guard("member")
    def send(self, p: Principal):
        with db.write_scope() as session:
            _quote, token = quotes.send_quote(session, p, self._quote_id())
        with db.session_scope() as session:
            self._fill(session, p)
        self.public_link = f"{load_settings().public_url.rstrip('/')}/q/{token}"
        return rx.toast.success("Quote sent: share the link below with your client.")

    @rx.event
    @guard("member")
    def record_answer(self, p: Principal, answer: str):
        with db.write_scope() as session:
            if answer == "accepted":
                quotes.accept_quote(session, p, self._quote_id())
            elif answer == "declined":
                quotes.decline_quote(session, p, self._quote_id())
            else:
                return rx.toast.error("Unknown answer.")
        with db.session_scope() as session:
            self._fill(session, p)
        return None

    @rx.event
    @guard("member")
    def convert(self, p: Principal):
        invoice_id, _created = quotes.convert_quote(p, self._quote_id())
        return rx.redirect(f"/invoices/{invoice_id}")

    @rx.event
    @guard("member")
    def delete(self, p: Principal):
        with db.session_scope() as session:
            quotes.delete_quote(session, p, self._quote_id())
        return [rx.toast.success("Draft deleted."), rx.redirect("/quotes")]

    @rx.event
    @guard("viewer")
    def download_pdf(self, p: Principal):
        with db.session_scope() as session:
            data, name = pdf.quote_pdf(session, p.workspace_id, self._quote_id())
        return rx.download(data=data, filename=name)


# --- invoices -----------------------------------------------------------------------------

class InvoicesState(AppState):
    rows: list[dict[str, str]] = []
    status: str = ""
    page: int = 1
    total: int = 0

    @rx.var
    def pages(self) -> int:
        return max(1, -(-self.total // PAGE_SIZE))

    def _fill(self, p: Principal) -> None:
        with db.session_scope() as session:
            locale = documents.get_settings(session, p.workspace_id).locale
            rows, self.total = invoices.list_invoices(session, p.workspace_id,
                                                      status=self.status or None,
                                                      page=self.page, page_size=PAGE_SIZE)
        self.rows = [{"id": str(r["id"]), "number": r["number"], "status": r["status"],
                      "status_label": status_label(r["status"]),
                      "color": STATUS_COLORS.get(r["status"], "gray"),
                      "company": r["company_name"] or "No company", "due_date": r["due_date"],
                      "total": _money(r["total"], r["currency"], locale),
                      "balance": _money(r["balance"], r["currency"], locale)} for r in rows]

    @rx.event
    @guard("viewer", page=True)
    def load(self, p: Principal):
        self.page = 1
        self._fill(p)

    @rx.event
    @guard("viewer")
    def set_status(self, p: Principal, status: str):
        if status == "all":
            status = ""
        if status not in INVOICE_STATUS:
            return rx.toast.error("Unknown status.")
        self.status, self.page = status, 1
        self._fill(p)
        return None

    @rx.event
    @guard("viewer")
    def go_page(self, p: Principal, page: str):
        try:
            number = int(str(page))
        except ValueError:
            return None
        self.page = min(max(1, number), 100000)
        self._fill(p)
        return None

    @rx.event
    @guard("viewer")
    def export_csv(self, p: Principal):
        return _export(p, "invoices")

    @rx.event
    @guard("member")
    def new_invoice(self, p: Principal):
        with db.session_scope() as session:
            iid = invoices.create_invoice(session, p, {}).id
        return rx.redirect(f"/invoices/{iid}")


class InvoiceDetailState(LineEditing, BillingDocState):
    payments: list[dict[str, str]] = []
    payment_error: str = ""

    def _invoice_id(self) -> str:
        return self.router.page.params.get("invoice_id", "")

    def _fill(self, session, p: Principal) -> dict:
        invoice = invoices.get_invoice(session, p.workspace_id, self._invoice_id())
        data = invoices.invoice_dict(session, invoice)
        locale = documents.get_settings(session, p.workspace_id).locale
        self.doc, self.lines, self.taxes = _doc_view(data, locale)
        self.contact_options = _contact_options(session, p.workspace_id, data["company_id"])
        self.doc["number"] = data["number"] or "Draft invoice"
        self.payments = [{"paid_on": x["paid_on"], "method": x["method"].replace("_", " "),
                          "reference": x["reference"] or "—",
                          "amount": _money(x["amount"], data["currency"], locale)}
                         for x in data["payments"]]
        return data

    @rx.var
    def can_pay(self) -> bool:
        return self.can_edit and self.doc.get("status", "") in ("sent", "partially_paid",
                                                                 "overdue")

    @rx.event
    @guard("viewer", page=True)
    def load(self, p: Principal):
        self.not_found = False
        self.payment_error = ""
        try:
            with db.session_scope() as session:
                self._fill(session, p)
                (self.company_options, self.deal_options,
                 self.product_options) = _options(session, p.workspace_id)
        except DomainError:
            self.not_found = True
            self.doc, self.lines, self.taxes, self.payments = {}, [], [], []

    def _save(self, p: Principal, change: dict):
        try:
            with db.write_scope() as session:
                invoices.update_invoice(session, p, self._invoice_id(), change)
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
            invoice = invoices.get_invoice(session, p.workspace_id, self._invoice_id())
            return _raw_lines(invoices.invoice_dict(session, invoice))

    @rx.event
    @guard("member")
    def set_field(self, p: Principal, key: str, value: str):
        if key not in HEADER_FIELDS or key == "valid_until":
            return rx.toast.error("Unknown field.")
        return self._save(p, header_change(key, value))

    @rx.event
    @guard("member")
    def send(self, p: Principal):
        invoices.finalise(p, self._invoice_id())
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
                invoices.record_payment(session, p, self._invoice_id(), data)
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
            invoices.void_invoice(session, p, self._invoice_id(), reason)
        with db.session_scope() as session:
            self._fill(session, p)
        return rx.toast.success("Invoice voided; its number is kept.")

    @rx.event
    @guard("member")
    def delete(self, p: Principal):
        with db.write_scope() as session:
            invoices.delete_invoice(session, p, self._invoice_id())
        return [rx.toast.success("Draft deleted."), rx.redirect("/invoices")]

    @rx.event
    @guard("viewer")
    def download_pdf(self, p: Principal):
        with db.session_scope() as session:
            data, name = pdf.invoice_pdf(session, p.workspace_id, self._invoice_id())
        return rx.download(data=data, filename=name)


# --- the client's public page ---------------------------------------------------------------

class PublicQuoteState(rx.State):
    """/q/[token]: no session. Every handler takes the token from the URL (never
    an id); answering is rate-limited per client address."""

    view: dict[str, str] = {}
    view_lines: list[dict[str, str]] = []
    view_taxes: list[dict[str, str]] = []
    missing: bool = False
    answer_error: str = ""

    def _token(self) -> str:
        return self.router.page.params.get("token", "")

    def _client_ip(self) -> str:
        return getattr(self.router.session, "client_ip", "") or ""

    def _fill(self) -> None:
        with db.session_scope() as session:
            quote = quotes.quote_by_token(session, self._token())
            locale = documents.get_settings(session, quote.workspace_id).locale
            data = quotes.public_view(session, self._token())
        data = {**data, "lines": [{**line, "id": i} for i, line in enumerate(data["lines"])]}
        self.view, self.view_lines, self.view_taxes = _doc_view(data, locale)
        self.view["workspace_name"] = data["workspace_name"]

    @rx.event
    @public
    def load(self):
        self.answer_error = ""
        try:
            self._fill()
            self.missing = False
        except DomainError:
            self.missing = True
            self.view, self.view_lines, self.view_taxes = {}, [], []

    def _answer(self, action, value) -> object:
        try:
            with db.session_scope() as session:
                ratelimit.check(session, "quote_answer", self._client_ip(), per_hour=30)
            with db.write_scope() as session:
                action(session, self._token(), value)
        except DomainError as exc:
            self.answer_error = str(exc)
            return None
        self.answer_error = ""
        self._fill()
        return None

    @rx.event
    @public
    def accept(self, form: dict):
        name = form.get("name", "") if isinstance(form, dict) else ""
        self._answer(quotes.public_accept, name)
        if not self.answer_error:
            return rx.toast.success("Thank you: the quote is accepted.")
        return None

    @rx.event
    @public
    def decline(self, form: dict):
        reason = form.get("reason", "") if isinstance(form, dict) else ""
        self._answer(quotes.public_decline, reason)
        return None

    @rx.event
    @public
    def download_pdf(self):
        try:
            with db.session_scope() as session:
                data, name = pdf.public_quote_pdf(session, self._token())
        except DomainError as exc:
            return rx.toast.error(str(exc))
        return rx.download(data=data, filename=name)
